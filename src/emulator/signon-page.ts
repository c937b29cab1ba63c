import type { Request, Response, Router } from 'express';
import type { Context } from './context.js';
import type { Flow } from './flow-registry.js';
import { authEnv, hasFlowCookies, resumeUrl, setFlowCookies, signOnPageUrl } from './flow-http.js';
import { checkOtp, checkPassword } from './flow-steps.js';
import { escapeHtml, page } from './html.js';
import { P1Error } from './p1-error.js';
import { find, type Environment } from './store.js';

/** The page authorize in `response_mode=query` sends the browser to (the RP's `APPROVAL_UI=hosted`). */
export function signOnPageRoutes(router: Router, ctx: Context): void {
  router.get('/:envId/signon', (req, res) => {
    const env = authEnv(ctx, req);
    const flow = browserFlow(ctx, req, res, env);
    if (!flow) return;
    if (flow.status === 'COMPLETED' || flow.status === 'FAILED')
      return void res.redirect(302, resumeUrl(ctx, flow));
    render(res, env, flow);
  });

  router.post('/:envId/signon', (req, res) => {
    const env = authEnv(ctx, req);
    const flow = browserFlow(ctx, req, res, env);
    if (!flow) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      if (flow.status === 'OTP_REQUIRED') checkOtp(ctx, env, flow, body.otp);
      else if (flow.status === 'USERNAME_PASSWORD_REQUIRED')
        checkPassword(ctx, env, flow, body.username, body.password);
    } catch (error) {
      if (!(error instanceof P1Error)) throw error;
      if (flow.status !== 'FAILED') return render(res, env, flow, messageOf(error));
    }
    setFlowCookies(ctx, res, flow);
    if (flow.status === 'COMPLETED' || flow.status === 'FAILED')
      return void res.redirect(302, resumeUrl(ctx, flow));
    res.redirect(303, signOnPageUrl(ctx, flow));
  });
}

function browserFlow(
  ctx: Context,
  req: Request,
  res: Response,
  env: Environment,
): Flow | undefined {
  const flowId = typeof req.query.flowId === 'string' ? req.query.flowId : '';
  const flow = flowId ? ctx.flows.get(env.id, flowId) : undefined;
  if (!flow || flow.mode !== 'query') {
    notice(res, 404, 'This sign-on has expired', 'Go back to the application and start again.');
    return undefined;
  }
  if (!hasFlowCookies(req, flow)) {
    const text = 'Your browser did not send the sign-on cookies. Start again from the application.';
    notice(res, 400, 'Sign-on session missing', text);
    return undefined;
  }
  return flow;
}

function messageOf(error: P1Error): string {
  const detail = error.details?.[0];
  const remaining = detail?.innerError?.remainingAttempts;
  if (detail?.code === 'INVALID_OTP' && typeof remaining === 'number') {
    return `${detail.message} ${remaining} attempt${remaining === 1 ? '' : 's'} left.`;
  }
  return detail?.message ?? error.message;
}

function send(res: Response, status: number, title: string, body: string): void {
  res.status(status).type('html').set({
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  res.send(page(title, body));
}

function notice(res: Response, status: number, title: string, text: string): void {
  send(
    res,
    status,
    title,
    `<main class="signon"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main>`,
  );
}

function render(res: Response, env: Environment, flow: Flow, error?: string): void {
  const action = `/${env.id}/signon/?flowId=${encodeURIComponent(flow.id)}`;
  const user = flow.userId ? find(env, 'users', flow.userId) : undefined;
  const err = error
    ? `<p class="error" id="signon-error" role="alert">${escapeHtml(error)}</p>`
    : '';
  // The error is tied to the field it is about (WCAG 3.3.1, 1.3.1).
  const invalid = error ? ' aria-invalid="true" aria-describedby="signon-error"' : '';
  let form: string;
  let title: string;
  if (flow.status === 'OTP_REQUIRED') {
    title = 'Enter your code';
    form = `<p class="note">We sent a code by SMS${user ? ` to ${escapeHtml(user.username)}'s phone` : ''}.</p>
${err}<form method="post" action="${escapeHtml(action)}">
<label for="otp">Code</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" required autofocus${invalid}>
<button type="submit">Verify</button>
</form>`;
  } else {
    title = 'Sign on';
    form = `${err}<form method="post" action="${escapeHtml(action)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(user?.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<button type="submit">Sign on</button>
</form>`;
  }
  const body = `<main class="signon"><h1>${escapeHtml(title)}</h1>\n${form}\n<p class="note">PingOne emulator</p></main>`;
  send(res, 200, `${error ? 'Error: ' : ''}${title}`, body);
}
