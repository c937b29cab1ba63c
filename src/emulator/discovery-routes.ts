import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import { authEnv } from './flow-http.js';
import { OAuthError } from './p1-error.js';
import { find, list } from './store.js';

const CLAIMS =
  'sub iss auth_time acr amr sid nonce env org p1.region preferred_username email phone_number';

/** Discovery, JWKS and userinfo of `{auth}/{env}/as` (docs/pingone-contract.md §1). */
export function discoveryRoutes(router: Router, ctx: Context): void {
  router.get('/:envId/as/.well-known/openid-configuration', (req, res) => {
    const env = authEnv(ctx, req);
    const issuer = `${ctx.origin}/${env.id}/as`;
    const openid = list(env, 'resources').find((r) => r.type === 'OPENID_CONNECT');
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/signoff`,
      scopes_supported: openid
        ? list(env, 'scopes', 'resource.id', openid.id).map((s) => s.name)
        : ['openid'],
      response_types_supported: ['code'],
      response_modes_supported: ['pi.flow', 'query'],
      grant_types_supported: ['authorization_code', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['plain', 'S256'],
      request_parameter_supported: true,
      request_object_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'none'],
      claims_supported: CLAIMS.split(' '),
    });
  });

  router.get('/:envId/as/jwks', (req, res) => {
    authEnv(ctx, req);
    res.json({ keys: [ctx.key.jwk] });
  });

  const userinfo = (req: Request, res: Response) => {
    const env = authEnv(ctx, req);
    const grant = ctx.tokens.check(req.get('authorization'), 'access');
    const user =
      grant && grant.environmentId === env.id ? find(env, 'users', grant.sub ?? '') : undefined;
    if (!user) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new OAuthError(401, 'invalid_token', 'The access token is missing, expired or invalid');
    }
    const scopes = (grant!.scope ?? '').split(' ');
    const claims: Record<string, unknown> = { sub: user.id };
    if (scopes.includes('profile')) {
      claims.preferred_username = user.username;
      const name = user.name as { given?: string; family?: string } | undefined;
      if (name?.given) claims.given_name = name.given;
      if (name?.family) claims.family_name = name.family;
    }
    if (scopes.includes('email') && user.email) claims.email = user.email;
    if (scopes.includes('phone') && user.mobilePhone) claims.phone_number = user.mobilePhone;
    res.json(claims);
  };
  router.route('/:envId/as/userinfo').get(userinfo).post(userinfo);
}
