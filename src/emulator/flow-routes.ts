import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import { mediaTypeOf } from './crud-routes.js';
import {
  authEnv,
  authorizeResponse,
  checkOptionalBearer,
  flowView,
  liveFlow,
  redirectWith,
  requireHalAccept,
  sendFlow,
  setFlowCookies,
  signOnPageUrl,
} from './flow-http.js';
import { checkOtp, checkPassword, lookUpUser, wrongStatus } from './flow-steps.js';
import { P1Error, unsupportedMediaType } from './p1-error.js';

const OTP_CHECK = 'application/vnd.pingidentity.otp.check+json';
const PASSWORD_CHECK = 'application/vnd.pingidentity.usernamePassword.check+json';
const USER_LOOKUP = 'application/vnd.pingidentity.user.lookup+json';
const OTHER_ACTIONS = [
  'application/vnd.pingidentity.device.select+json',
  'application/vnd.pingidentity.device.activate+json',
  'application/vnd.pingidentity.session.reset+json',
];

/** `/{env}/flows/{flowId}` (docs/pingone-contract.md §6.17) and `/{env}/as/resume` (§6.18). */
export function flowRoutes(router: Router, ctx: Context): void {
  router.get('/:envId/flows/:flowId', (req, res) => {
    requireHalAccept(req);
    const env = authEnv(ctx, req);
    const flow = liveFlow(ctx, req, env, req.params.flowId);
    checkOptionalBearer(ctx, req, env);
    sendFlow(res, flowView(ctx, env, flow));
  });

  router.post('/:envId/flows/:flowId', (req, res) => {
    requireHalAccept(req);
    const env = authEnv(ctx, req);
    const flow = liveFlow(ctx, req, env, req.params.flowId);
    checkOptionalBearer(ctx, req, env);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const type = mediaTypeOf(req) ?? '';
    const is = (t: string) => type === t.toLowerCase();
    if (is(OTP_CHECK)) {
      checkOtp(ctx, env, flow, body.otp);
    } else if (is(PASSWORD_CHECK)) {
      checkPassword(ctx, env, flow, body.username, body.password);
    } else if (is(USER_LOOKUP)) {
      lookUpUser(ctx, env, flow, body.username);
    } else if (OTHER_ACTIONS.some(is)) {
      throw wrongStatus(flow, type.replace('application/vnd.pingidentity.', ''));
    } else {
      // docs/pingone-contract.md §2: a flow action needs its vendor type; plain JSON (or none) is 415.
      throw unsupportedMediaType(`${OTP_CHECK}, ${PASSWORD_CHECK} or ${USER_LOOKUP}`);
    }
    setFlowCookies(ctx, res, flow);
    const view = flowView(ctx, env, flow);
    if (flow.status === 'COMPLETED' && ctx.variants.completedIncludesAuthorizeResponse) {
      view.authorizeResponse = authorizeResponse(ctx, flow);
    }
    sendFlow(res, view);
  });

  router.get('/:envId/as/resume', (req, res) => resume(ctx, req, res));
}

/** Resume consumes the flow: `{authorizeResponse}` in pi.flow, else 302 to `redirect_uri` with code or error. */
function resume(ctx: Context, req: Request, res: Response): void {
  const env = authEnv(ctx, req);
  const flow = liveFlow(ctx, req, env, req.query.flowId);
  const redirect =
    flow.redirectUri && (flow.mode === 'query' || ctx.variants.resumeRedirectsInPiFlow);
  if (!redirect) requireHalAccept(req);
  if (flow.status === 'COMPLETED') {
    const response = authorizeResponse(ctx, flow);
    ctx.flows.remove(flow);
    if (redirect) return void res.redirect(302, redirectWith(flow.redirectUri!, response));
    return sendFlow(res, { authorizeResponse: response });
  }
  if (flow.status === 'FAILED') {
    ctx.flows.remove(flow);
    const description = flow.failure?.description ?? 'The flow failed';
    if (redirect) {
      const error = flow.failure?.error ?? 'access_denied';
      const state = ctx.variants.echoStateOnResume ? flow.state : undefined;
      const params = { error, error_description: description, state };
      return void res.redirect(302, redirectWith(flow.redirectUri!, params));
    }
    throw new P1Error(400, 'REQUEST_FAILED', description);
  }
  if (flow.mode === 'query') return void res.redirect(302, signOnPageUrl(ctx, flow));
  throw wrongStatus(flow, 'resume');
}
