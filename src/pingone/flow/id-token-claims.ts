import { createHash } from 'node:crypto';
import type * as client from 'openid-client';

/** The ID token claims the relying party keeps as evidence, read after openid-client validated them. */
export interface VerifiedIdToken {
  sub: string;
  acr?: string;
  amr?: string[];
  auth_time?: number;
  sid?: string;
  iss: string;
  aud: string | string[];
  /** The token's own id, when PingOne gives one. */
  jti?: string;
  /**
   * SHA-256 (base64url) of the compact ID token, when it carries no `jti`: names exactly the
   * token the approval rests on without keeping the token.
   */
  idTokenSha256?: string;
  preferred_username?: string;
}

/**
 * The evidence from validated claims and the compact token they came from. Claims of another
 * type than the one OpenID Connect gives them are left out rather than trusted.
 */
export function verifiedClaims(claims: client.IDToken, idToken: string): VerifiedIdToken {
  const out: VerifiedIdToken = { sub: claims.sub, iss: claims.iss, aud: claims.aud };
  if (typeof claims.acr === 'string') out.acr = claims.acr;
  if (Array.isArray(claims.amr))
    out.amr = claims.amr.filter((m): m is string => typeof m === 'string');
  if (typeof claims.auth_time === 'number') out.auth_time = claims.auth_time;
  if (typeof claims.sid === 'string') out.sid = claims.sid;
  if (typeof claims.jti === 'string' && claims.jti !== '') out.jti = claims.jti;
  else out.idTokenSha256 = createHash('sha256').update(idToken).digest('base64url');
  if (typeof claims.preferred_username === 'string')
    out.preferred_username = claims.preferred_username;
  return out;
}
