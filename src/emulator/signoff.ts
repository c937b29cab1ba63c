import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import { authEnv, redirectWith } from './flow-http.js';
import { EMULATOR_CSS_PATH, page } from './html.js';
import { invalidRequest } from './p1-error.js';
import { find } from './store.js';

/**
 * `GET|POST /{env}/as/signoff`, the `end_session_endpoint` discovery advertises (OpenID Connect
 * RP-Initiated Logout 1.0, as PingOne's "Signoff" endpoint takes it; docs/pingone-contract.md
 * §8): `id_token_hint` (an ID token this environment issued; an expired one still names the
 * session), optional `post_logout_redirect_uri` (one of the application's
 * `postLogoutRedirectUris`) and `state`. With a redirect URI: 302 there with `state`; without:
 * a signed-off page. The emulator keeps no sign-on session beyond a flow, so nothing else ends.
 */
export function signoffRoutes(router: Router, ctx: Context): void {
  const signoff = async (req: Request, res: Response) => {
    const env = authEnv(ctx, req);
    const source = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    const param = (k: string) =>
      typeof source?.[k] === 'string' ? (source[k] as string) : undefined;
    const hint = param('id_token_hint');
    if (!hint) throw invalidRequest('id_token_hint', 'id_token_hint is required', 'REQUIRED_VALUE');
    const claims = await ctx.key.verifySignature(hint).catch(() => {
      throw invalidRequest('id_token_hint', 'id_token_hint is not an ID token issued here');
    });
    const issuer = `${ctx.origin}/${env.id}/as`;
    const app = typeof claims.aud === 'string' ? find(env, 'applications', claims.aud) : undefined;
    if (claims.iss !== issuer || !app)
      throw invalidRequest('id_token_hint', 'id_token_hint was not issued by this environment');
    const redirectUri = param('post_logout_redirect_uri');
    if (redirectUri !== undefined) {
      const allowed = (app.postLogoutRedirectUris as string[] | undefined) ?? [];
      if (!allowed.includes(redirectUri)) {
        throw invalidRequest(
          'post_logout_redirect_uri',
          'post_logout_redirect_uri is not registered for the application',
        );
      }
      return void res.redirect(302, redirectWith(redirectUri, { state: param('state') }));
    }
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'" })
      .type('html')
      .send(
        page(
          'Signed off — PingOne emulator',
          '<main class="signon"><h1>You are signed off</h1></main>',
          { cssHref: EMULATOR_CSS_PATH },
        ),
      );
  };
  router.get('/:envId/as/signoff', signoff);
  router.post('/:envId/as/signoff', signoff);
}
