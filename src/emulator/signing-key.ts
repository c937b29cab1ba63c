import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';

export type SigningKey = ReturnType<typeof createSigningKey>;

/** The RS256 key PingOne would sign tokens with; generated at start, public half served at /jwks. */
export function createSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  return {
    jwk,
    sign: (claims: JWTPayload): Promise<string> =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey),
    /** The claims of a token this key signed, whatever its `exp`; throws for any other token. */
    verifySignature: async (token: string): Promise<JWTPayload> =>
      (
        await jwtVerify(token, publicKey, {
          algorithms: ['RS256'],
          currentDate: new Date(0),
          clockTolerance: Number.MAX_SAFE_INTEGER,
        })
      ).payload,
  };
}
