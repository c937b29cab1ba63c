import type { Request, Response } from 'express';
import { checkRedirectUri, clientOf } from './authorize-client.js';
import { AuthorizeError, refuse } from './authorize-error.js';
import { buildFlow, type AuthorizeParams } from './build-flow.js';
import type { Context } from './context.js';
import { advance } from './flow-steps.js';
import {
  authEnv,
  flowView,
  redirectWith,
  requireHalAccept,
  sendFlow,
  setFlowCookies,
} from './flow-http.js';
import { signOnPageUrl } from './flow-routes.js';
import { P1Error } from './p1-error.js';

function paramsOf(req: Request): AuthorizeParams {
  const out: Record<string, string> = {};
  const take = (source: unknown) => {
    if (!source || typeof source !== 'object') return;
    for (const [k, v] of Object.entries(source as Record<string, unknown>))
      if (typeof v === 'string') out[k] = v;
  };
  take(req.query);
  if (req.method === 'POST') take(req.body);
  return out as AuthorizeParams;
}

/**
 * `GET|POST /{env}/as/authorize` (docs/pingone-contract.md §6.16): pi.flow answers the flow as JSON; query mode
 * (the hosted page) redirects the browser to the emulator's sign-on page.
 */
export async function authorize(ctx: Context, req: Request, res: Response): Promise<void> {
  const env = authEnv(ctx, req);
  const params = paramsOf(req);
  const piFlow = params.response_mode === 'pi.flow';
  if (piFlow) requireHalAccept(req);
  let redirectUri: string | undefined;
  try {
    const app = clientOf(env, params.client_id);
    if (params.response_mode !== undefined && !['pi.flow', 'query'].includes(params.response_mode))
      throw refuse('response_mode', 'response_mode must be pi.flow or query');
    redirectUri = checkRedirectUri(app, params.redirect_uri, piFlow);
    const flow = await buildFlow(ctx, req, env, app, params, redirectUri, piFlow);
    advance(ctx, env, flow);
    ctx.flows.add(flow);
    setFlowCookies(ctx, req, res, flow);
    if (piFlow) return sendFlow(res, 200, flowView(ctx, req, env, flow));
    res.redirect(302, signOnPageUrl(ctx, req, flow));
  } catch (error) {
    const failure =
      error instanceof AuthorizeError
        ? error
        : error instanceof P1Error
          ? new AuthorizeError(error.status === 400 ? 'access_denied' : 'server_error', error)
          : undefined;
    if (!failure) throw error;
    // Never redirect to a redirect_uri that was not validated (RFC 6749 §4.1.2.1).
    if (piFlow || !redirectUri) throw failure.p1;
    const state = typeof params.state === 'string' ? params.state : undefined;
    const query = { error: failure.oauthError, error_description: failure.p1.message, state };
    res.redirect(302, redirectWith(redirectUri, query));
  }
}
