import { decodeProtectedHeader, errors, jwtVerify, UnsecuredJWT, type JWTPayload } from 'jose';
import { refuse } from './authorize-checks.js';

interface JwtCheck {
  target: 'request' | 'login_hint_token';
  clientId: string;
  issuer: string;
  /** The app's current secret and, during a rotation, the previous one. */
  secrets: string[];
  supportUnsigned: boolean;
  now: number;
}

const HMAC = ['HS256', 'HS384', 'HS512'];

const refused = (check: JwtCheck, why: string) =>
  refuse(
    check.target,
    `${check.target} ${why}`,
    check.target === 'request' ? 'invalid_request_object' : 'invalid_request',
  );

/**
 * As PingOne does (docs/pingone-contract.md §5): HS256/384/512 with the client secret, `iss` =
 * client_id, `aud` = the issuer, `exp` ahead; unsigned only when the app allows it.
 */
export async function verifyRequestJwt(token: string, check: JwtCheck): Promise<JWTPayload> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw refused(check, 'is not a JWT');
  }
  let payload: JWTPayload;
  if (alg === 'none') {
    if (!check.supportUnsigned)
      throw refused(
        check,
        'must be signed (unsigned request objects are not supported by the application)',
      );
    try {
      payload = UnsecuredJWT.decode(token).payload;
    } catch {
      throw refused(check, 'is not a valid unsecured JWT');
    }
  } else if (alg && HMAC.includes(alg)) {
    payload = await verifyWithAnySecret(token, check);
  } else {
    throw refused(check, `uses an unsupported algorithm ${alg ?? '(none)'}`);
  }
  if (payload.iss !== check.clientId) throw refused(check, 'iss must be the client_id');
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(check.issuer)) throw refused(check, `aud must be ${check.issuer}`);
  const nowS = Math.floor(check.now / 1000);
  // A login_hint_token must carry exp (docs/pingone-contract.md §5); jose has already refused
  // an exp or nbf that is not a number.
  if (payload.exp === undefined) {
    if (check.target === 'login_hint_token') throw refused(check, 'must carry exp');
  } else if (payload.exp <= nowS) {
    throw refused(check, 'has expired');
  }
  if (payload.nbf !== undefined && payload.nbf > nowS) throw refused(check, 'is not valid yet');
  return payload;
}

async function verifyWithAnySecret(token: string, check: JwtCheck): Promise<JWTPayload> {
  for (const secret of check.secrets) {
    try {
      // exp/nbf are checked afterwards against the emulator's clock, so that tests can move it.
      const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
        algorithms: HMAC,
        currentDate: new Date(0),
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      return payload;
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) {
        throw refused(check, 'is not a valid JWT');
      }
    }
  }
  throw refused(check, 'signature does not verify with the client secret');
}
