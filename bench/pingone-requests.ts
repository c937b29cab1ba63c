import { createHash, randomBytes } from 'node:crypto';
import type { ProvisionSettings } from '../src/provisioning/provision.js';

/**
 * The query of a `pi.flow` authorize call as the app sends it (signed request JWT as both
 * `request` and `login_hint_token`, PKCE S256, the policy in `acr_values`), with the PKCE
 * verifier and the nonce the token step needs. Shared by the baseline and the bare yardstick (bench/bare-rp.ts).
 */
export function authorizeRequest(
  settings: ProvisionSettings,
  redirectUri: string,
  requestJwt: string,
): { query: URLSearchParams; verifier: string; nonce: string } {
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const query = new URLSearchParams({
    client_id: settings.clientId,
    response_type: 'code',
    response_mode: 'pi.flow',
    scope: 'openid profile',
    redirect_uri: redirectUri,
    request: requestJwt,
    login_hint_token: requestJwt,
    state: randomBytes(16).toString('base64url'),
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    acr_values: settings.policyName,
  });
  return { query, verifier, nonce };
}

/** The token call (client_secret_basic, PKCE verifier) for the code that resume gave. */
export function tokenRequest(
  settings: ProvisionSettings,
  redirectUri: string,
  code: string,
  verifier: string,
): { method: 'POST'; headers: Record<string, string>; body: string } {
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  return {
    method: 'POST',
    headers: {
      accept: 'application/json',
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  };
}
