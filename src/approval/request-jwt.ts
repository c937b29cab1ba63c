import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { templateVariables } from './sms-text.js';
import type { Transfer } from './transfer.js';

interface RequestJwtInput {
  clientId: string;
  clientSecret: string;
  audience: string;
  /** The user's id or username: what makes the JWT a login_hint_token. */
  subject: string;
  templateVariant: string;
  transfer: Transfer;
  now: Date;
  /** Signed, it supersedes the query's (OpenID Connect Core §6.1): a browser cannot drop it. */
  maxAge?: number;
}

// Sent as both `request` and `login_hint_token` (PingOne docs, "Create a request property JWT"
// and "Create a login_hint_token JWT").
export async function buildRequestJwt(input: RequestJwtInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  // `exp`: PingOne requires one on a login_hint_token, at most a few minutes ahead.
  return new SignJWT({
    'pi.template': {
      name: 'transaction',
      variant: input.templateVariant,
      variables: templateVariables(input.transfer),
    },
    ...(input.maxAge !== undefined && { max_age: input.maxAge }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.clientId)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 120)
    .setJti(randomUUID())
    .sign(await hmacKey(input.clientSecret));
}

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

/** Imported once: given raw bytes, jose imports them again on every signature. */
function hmacKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}
