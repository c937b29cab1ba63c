import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Transfer } from './transfer.js';

export interface RequestJwtInput {
  clientId: string;
  clientSecret: string;
  /** The environment's issuer, `{auth}/{env}/as`. */
  audience: string;
  /** The user's id or username: this is what makes the JWT a login_hint_token. */
  subject: string;
  templateVariant: string;
  transfer: Transfer;
  now: Date;
  /** Short: PingOne requires `exp` on a login_hint_token, at most a few minutes ahead. */
  lifetimeSeconds?: number;
}

/** What PingOne writes into the SMS template (`${sum}`, `${currency}`, `${recipient}`). */
export function templateVariables(
  transfer: Pick<RequestJwtInput['transfer'], 'amount' | 'currency' | 'payee'>,
) {
  return { sum: transfer.amount, currency: transfer.currency, recipient: transfer.payee };
}

/**
 * The signed request object that is sent as both `request` and `login_hint_token`. HS256 with
 * the application's secret; `pi.template` carries what PingOne writes into the SMS.
 *
 * @see PingOne docs, "Create a request property JWT" and "Create a login_hint_token JWT"
 */
export async function buildRequestJwt(input: RequestJwtInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    'pi.template': {
      name: 'transaction',
      variant: input.templateVariant,
      variables: templateVariables(input.transfer),
    },
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(input.clientId)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (input.lifetimeSeconds ?? 120))
    .setJti(randomUUID())
    .sign(await hmacKey(input.clientSecret));
}

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

/**
 * The secret as a WebCrypto key, imported once: given raw bytes, jose imports them again on
 * every signature.
 */
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
