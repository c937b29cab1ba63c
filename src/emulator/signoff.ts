import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import { authEnv, redirectWith, stringFields } from './flow-http.js';
import { page, sendPage } from './html.js';
import { invalidRequest } from './p1-error.js';
import { find } from './store.js';

/**
 * The `end_session_endpoint` (RP-Initiated Logout 1.0, docs/pingone-contract.md §8): an expired
 * `id_token_hint` still names the session; nothing but the flow's session exists to end.
 */
export function signoffRoutes(router: Router, ctx: Context): void {
  const signoff = async (req: Request, res: Response) => {
    const env = authEnv(ctx, req);
    const params = stringFields(req.method === 'POST' ? req.body : req.query);
    const hint = params.id_token_hint;
    if (!hint) throw invalidRequest('id_token_hint', 'id_token_hint is required', 'REQUIRED_VALUE');
    const claims = await ctx.key.verifySignature(hint).catch(() => {
      throw invalidRequest('id_token_hint', 'id_token_hint is not an ID token issued here');
    });
    const issuer = `${ctx.origin}/${env.id}/as`;
    const app = typeof claims.aud === 'string' ? find(env, 'applications', claims.aud) : undefined;
    if (claims.iss !== issuer || !app)
      throw invalidRequest('id_token_hint', 'id_token_hint was not issued by this environment');
    const redirectUri = params.post_logout_redirect_uri;
    if (redirectUri !== undefined) {
      const allowed = (app.postLogoutRedirectUris as string[] | undefined) ?? [];
      if (!allowed.includes(redirectUri)) {
        throw invalidRequest(
          'post_logout_redirect_uri',
          'post_logout_redirect_uri is not registered for the application',
        );
      }
      return void res.redirect(302, redirectWith(redirectUri, { state: params.state }));
    }
    sendPage(res, page('Signed off', '<main class="signon"><h1>You are signed off</h1></main>'));
  };
  router.route('/:envId/as/signoff').get(signoff).post(signoff);
}
