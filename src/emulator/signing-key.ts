import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** The RS256 key PingOne would sign tokens with; generated at start, public half served at /jwks. */
export interface SigningKey {
  kid: string;
  jwk: Record<string, unknown>;
  sign(claims: JWTPayload): Promise<string>;
  /** The claims of a token this key signed, whatever its `exp`; throws for any other token. */
  verifySignature(token: string): Promise<JWTPayload>;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = {
    ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kid,
    use: 'sig',
    alg: 'RS256',
  };
  return {
    kid,
    jwk,
    sign: (claims) => sign(privateKey, kid, claims),
    verifySignature: async (token) =>
      (
        await jwtVerify(token, publicKey, {
          algorithms: ['RS256'],
          currentDate: new Date(0),
          clockTolerance: Number.MAX_SAFE_INTEGER,
        })
      ).payload,
  };
}

function sign(key: KeyObject, kid: string, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
}
