import type { Request, Response } from 'express';
import {
  FLOW_COOKIE_NAMES,
  FLOW_EXTRA_FIELDS,
  FLOWS_BEARER_REQUIRED,
  HAL_JSON,
  MISSING_COOKIE_ANSWER,
} from './constants.js';
import type { Context } from './context.js';
import type { Flow } from './flow-registry.js';
import { accessFailed, answerError, notFound, P1Error } from './p1-error.js';
import { find, list, type Environment } from './store.js';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** The string-valued fields of a query or a form body. */
export function stringFields(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!source || typeof source !== 'object') return out;
  for (const [k, v] of Object.entries(source)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `Path=/{envId}/` as PingOne sets them; ST-NO-SS is the copy without SameSite. */
export function setFlowCookies(ctx: Context, res: Response, flow: Flow): void {
  const secure = ctx.origin.startsWith('https:') ? '; Secure' : '';
  const path = `/${flow.environmentId}/`;
  res.append('Set-Cookie', `ST=${flow.cookies.ST}; Path=${path}; HttpOnly; SameSite=Lax${secure}`);
  res.append('Set-Cookie', `ST-NO-SS=${flow.cookies['ST-NO-SS']}; Path=${path}; HttpOnly${secure}`);
  // The cookies of a completed flow go on as the person's sign-on session (sso-sessions.ts).
  if (flow.status === 'COMPLETED') ctx.sessions.open(flow.cookies.ST, flow);
}

export function hasFlowCookies(req: Request, flow: Flow): boolean {
  const sent = parseCookies(req.get('cookie'));
  return FLOW_COOKIE_NAMES.every((name) => sent[name] === flow.cookies[name]);
}

export function authEnv(ctx: Context, req: Request): Environment {
  const id = String(req.params.envId);
  const env = ctx.store.get(id);
  if (!env) throw notFound('environment', id);
  return env;
}

/** docs/pingone-contract.md §2: a strict `Accept: application/json` gets 406 on the auth host's HAL answers. */
export function requireHalAccept(req: Request): void {
  if (req.get('accept') && !req.accepts('application/hal+json')) {
    const message = 'Not acceptable: send Accept: */* (PingOne answers application/hal+json).';
    throw new P1Error(406, 'INVALID_REQUEST', message);
  }
}

/** docs/pingone-contract.md §9: a worker bearer on /flows is accepted but not required — when present it must be valid. */
export function checkOptionalBearer(ctx: Context, req: Request, env: Environment): void {
  const header = req.get('authorization');
  if (header === undefined && !FLOWS_BEARER_REQUIRED) return;
  const grant = ctx.tokens.check(header, 'worker');
  if (!grant || grant.environmentId !== env.id) throw accessFailed();
}

/** Looks the flow up, then requires its current cookies (404 before 400, as a stale flow has no cookies). */
export function liveFlow(ctx: Context, req: Request, env: Environment, flowId: unknown): Flow {
  const id = typeof flowId === 'string' ? flowId : '';
  const flow = id ? ctx.flows.get(env.id, id) : undefined;
  if (!flow) throw notFound('flow', id || undefined);
  if (hasFlowCookies(req, flow)) return flow;
  const message = 'The flow session cookies (ST, ST-NO-SS) are missing or stale.';
  throw answerError(MISSING_COOKIE_ANSWER, message, {
    target: MISSING_COOKIE_ANSWER.target,
    message,
  });
}

export function resumeUrl(ctx: Context, flow: Flow): string {
  return `${ctx.origin}/${flow.environmentId}/as/resume?flowId=${encodeURIComponent(flow.id)}`;
}

export function signOnPageUrl(ctx: Context, flow: Flow): string {
  return `${ctx.origin}/${flow.environmentId}/signon/?flowId=${encodeURIComponent(flow.id)}`;
}

const ACTION_OF: Partial<Record<Flow['status'], string>> = {
  OTP_REQUIRED: 'otp.check',
  USERNAME_PASSWORD_REQUIRED: 'usernamePassword.check',
  SIGN_ON_REQUIRED: 'user.lookup',
};

/** The flow object of docs/pingone-contract.md §6 ("The flow object"). */
export function flowView(ctx: Context, env: Environment, flow: Flow): Record<string, unknown> {
  const self = { href: `${ctx.origin}/${flow.environmentId}/flows/${flow.id}` };
  const action = ACTION_OF[flow.status];
  const body: Record<string, unknown> = {
    _links: { self, ...(action && { [action]: self }) },
    id: flow.id,
    status: flow.status,
    resumeUrl: resumeUrl(ctx, flow),
  };
  const user = flow.userId ? find(env, 'users', flow.userId) : undefined;
  const embedded: Record<string, unknown> = {};
  if (user) embedded.user = { id: user.id, username: user.username };
  if (FLOW_EXTRA_FIELDS) {
    body.expiresAt = new Date(flow.expiresAt).toISOString();
    if (flow.status === 'OTP_REQUIRED' && flow.otp && user) {
      embedded.devices = list(env, 'devices', 'user.id', user.id)
        .filter((d) => d.type === 'SMS' && d.status === 'ACTIVE')
        .map((d) => ({
          id: d.id,
          type: d.type,
          phone: `******${String(d.phone).replace(/\D/g, '').slice(-4)}`,
        }));
      body.selectedDevice = { id: flow.otp.deviceId };
    }
  }
  if (Object.keys(embedded).length) body._embedded = embedded;
  if (flow.status === 'FAILED' && flow.failure) {
    body.error = { code: 'REQUEST_FAILED', message: flow.failure.description };
  }
  return body;
}

export function authorizeResponse(ctx: Context, flow: Flow): Record<string, string> {
  const state = ctx.variants.echoStateOnResume ? flow.state : undefined;
  return { code: ctx.flows.issueCode(flow), ...(state !== undefined && { state }) };
}

export function sendFlow(res: Response, body: unknown): void {
  res.status(200).set('Cache-Control', 'no-store').type(HAL_JSON).send(JSON.stringify(body));
}

/** `redirect_uri?code=…&state=…` or `?error=…&error_description=…&state=…` (RFC 6749 §4.1.2). */
export function redirectWith(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}
