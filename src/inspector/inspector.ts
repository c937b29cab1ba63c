import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { Router, type Request, type RequestHandler } from 'express';
import type { ApprovalRecord, ApprovalStore } from '../approval/approval-store.js';
import { wrongCodeInfo } from '../approval/outcome.js';
import type { ApprovalObserver, ObservedRequest } from '../approval/approval-observer.js';
import type { PendingTransfer } from '../approval/session-state.js';
import { maskPhone, phoneOf } from '../approval/phone.js';
import { NotFoundError } from '../errors.js';
import {
  FLOW_STATUS,
  IdTokenRejectedError,
  type FlowClient,
  type TokenClient,
} from '../pingone/flow.js';
import { isPingOneError, redactUrl, type CallReport, type FetchLike } from '../pingone/http.js';
import { TEMPLATE_CONTENT } from '../pingone/provisioning/desired.js';
import type { PingOneUrls } from '../pingone/urls.js';
import { describeChecks } from './checks.js';
import { maskCode, scrub, type DecodedJwt } from './redact.js';
import {
  authorizeStep,
  callbackStep,
  checksStep,
  codeSubmitStep,
  httpFacts,
  otpCheckStep,
  resultStep,
  resumeStep,
  smsStep,
  startStep,
  summarizeTokenResponse,
  tokenStep,
  type SideCall,
  type StepDraft,
  type TokenResponseSummary,
} from './steps.js';
import { appendStep, newTrace, type Trace } from './trace.js';
import { MemoryTraceStore, type TraceStore } from './trace-store.js';
import { timelineView, type TimelineView } from './timeline-view.js';

declare module 'express-session' {
  interface SessionData {
    /** The inspector's record of the current approval (inspector on only; capped). */
    trace?: Trace;
  }
}

export interface InspectorOptions {
  mode: 'embedded' | 'pingone';
  ui: 'own' | 'hosted';
  urls: PingOneUrls;
  clientId: string;
  /** Never shown; known so that it can be scrubbed should it ever appear in a value. */
  clientSecret: string;
  username: string;
  policyName: string;
  redirectUri: string;
  approvals: ApprovalStore;
  store?: TraceStore;
  now?: () => Date;
  userId?: string;
  phoneHint?: string;
  /**
   * Embedded mode only: the emulator's `GET /__emulator/sms`, read over HTTP to show the SMS
   * (its code masked). Real PingOne has no such thing: there only the masked number is shown.
   */
  smsOutboxUrl?: string;
  /** A worker bearer token is sent on /flows calls (docs/pingone-contract.md §9). */
  flowsBearer?: boolean;
  /** The outbox read is a local call; it must not hold the page up. */
  smsTimeoutMs?: number;
}

export interface Inspector extends ApprovalObserver {
  /** Binds a request to the traced clients and gives views `inspector.timeline()`. */
  middleware: RequestHandler;
  /** `GET /approvals/:id/trace.json`. */
  routes: Router;
  /** Feed of the HTTP client's call reports (status, duration, retries). */
  onCall(report: CallReport): void;
  flows(inner: FlowClient): FlowClient;
  tokens(inner: TokenClient): TokenClient;
  /** Wraps the token client's fetch to read the token response (to decode it, never to keep it). */
  fetch(base: FetchLike): FetchLike;
}

/** What one request collected while it ran; never stored as such. */
interface RequestScope {
  req: Request;
  reports: CallReport[];
  /** Every secret value this request handled: scrubbed from anything recorded. */
  secrets: Set<string>;
  sideCalls: SideCall[];
  tokenHttp?: { method: string; url: string; status?: number; durationMs: number };
  tokenResponse?: TokenResponseSummary;
  idToken?: DecodedJwt;
}

/** Helpers the views call (res.locals.inspector). */
export interface InspectorLocals {
  timeline(record?: ApprovalRecord): TimelineView | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/** The SMS PingOne renders for `transfer`: the provisioned template, pi.template's variables. */
function transactionText(transfer: PendingTransfer, otp: string): string {
  const values: Record<string, string> = {
    sum: transfer.amount,
    currency: transfer.currency,
    recipient: transfer.payee,
    OTP: otp,
  };
  return TEMPLATE_CONTENT.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

/**
 * The inspector: records what travels between the browser, the relying party and PingOne for
 * one approval, and shows it as a timeline and as JSON. It wraps the flow and token clients
 * (so the approval code does not change shape), learns the request it serves from an
 * AsyncLocalStorage scope its middleware opens, and keeps the trace in the session next to the
 * flow state. With the inspector off none of this is constructed.
 */
export function createInspector(options: InspectorOptions): Inspector {
  const now = options.now ?? (() => new Date());
  const store = options.store ?? new MemoryTraceStore(now);
  const scope = new AsyncLocalStorage<RequestScope>();
  const { urls } = options;

  // A teaching aid must never break an approval: recording failures are swallowed.
  const record = (
    s: RequestScope | undefined,
    session: ObservedRequest['session'],
    draft: StepDraft,
  ) => {
    const trace = session.trace;
    if (!trace) return;
    try {
      appendStep(trace, scrub(draft, s?.secrets ?? new Set([options.clientSecret])));
    } catch {
      trace.omitted = (trace.omitted ?? 0) + 1;
    }
  };

  const keep = (s: RequestScope, ...values: Array<string | undefined>) => {
    for (const v of values) if (v) s.secrets.add(v);
  };

  /** The session's trace for this transfer; a new one for a new transfer, a row for a resend. */
  const begin = (s: RequestScope, transferId: string | undefined) => {
    const session = s.req.session;
    if (!transferId) return;
    const existing = session.trace;
    const fresh = !existing || existing.transferId !== transferId;
    if (fresh) session.trace = newTrace(transferId, options.mode, options.ui, now());
    const transfer = session.transfer;
    if (transfer && transfer.id === transferId)
      record(s, s.req.session, startStep(transfer, !fresh, now()));
  };

  const reportsSince = (s: RequestScope, mark: number, step: string) =>
    s.reports.slice(mark).filter((r) => r.step === step);

  /**
   * This flow's SMS from the emulator's outbox. The outbox says nothing about flows (to, text,
   * otp, sentAt), and the demo phone is shared: a message is this flow's only when its text is
   * exactly the provisioned template rendered with this transfer (and the message's own code).
   * Messages that match differ in their code alone, which the timeline masks; none that match
   * means nothing is shown rather than another person's transfer.
   */
  async function readSms(
    transfer: PendingTransfer | undefined,
  ): Promise<{ text?: string; unreadable?: string }> {
    if (!options.smsOutboxUrl) return {};
    if (!transfer) return { unreadable: 'no transfer to match the message to' };
    const url = new URL(options.smsOutboxUrl);
    if (options.phoneHint) url.searchParams.set('to', options.phoneHint);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(options.smsTimeoutMs ?? 1_000),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return { unreadable: `HTTP ${res.status}` };
      const list = (await res.json()) as Array<{ text?: unknown; otp?: unknown }>;
      const mine = (Array.isArray(list) ? list : []).find(
        (m) =>
          typeof m.text === 'string' &&
          typeof m.otp === 'string' &&
          m.text === transactionText(transfer, m.otp),
      );
      if (!mine) return { unreadable: 'no message with this transfer’s text' };
      return { text: maskCode(mine.text as string, mine.otp as string) };
    } catch (error) {
      return { unreadable: error instanceof Error ? error.name : 'failed' };
    }
  }

  const flows = (inner: FlowClient): FlowClient => ({
    async authorize(params, context) {
      const s = scope.getStore();
      if (!s) return inner.authorize(params, context);
      keep(s, params.requestJwt);
      begin(s, context.transactionId);
      const mark = s.reports.length;
      const started = performance.now();
      const facts = {
        params,
        url: urls.authorize,
        transactionId: context.transactionId,
        responseMode: 'pi.flow' as const,
      };
      try {
        const step = await inner.authorize(params, context);
        keep(s, ...Object.values(step.cookies));
        const http = httpFacts(
          'GET',
          urls.authorize,
          reportsSince(s, mark, 'authorize'),
          elapsed(started),
        );
        record(
          s,
          s.req.session,
          authorizeStep({
            ...facts,
            http,
            flow: step.flow,
            cookieNames: Object.keys(step.cookies),
            now: now(),
          }),
        );
        if (step.flow.status === FLOW_STATUS.otpRequired) {
          const masked = maskPhone(phoneOf(step.flow) ?? options.phoneHint);
          const sms = options.mode === 'embedded' ? await readSms(s.req.session.transfer) : {};
          record(
            s,
            s.req.session,
            smsStep({
              mode: options.mode,
              ...(masked ? { maskedPhone: masked } : {}),
              ...sms,
              now: now(),
            }),
          );
        }
        return step;
      } catch (error) {
        const http = httpFacts(
          'GET',
          urls.authorize,
          reportsSince(s, mark, 'authorize'),
          elapsed(started),
        );
        record(s, s.req.session, authorizeStep({ ...facts, http, error, now: now() }));
        throw error;
      }
    },

    async checkOtp(flowId, otp, context) {
      const s = scope.getStore();
      if (!s) return inner.checkOtp(flowId, otp, context);
      keep(s, otp, ...Object.values(context.cookies));
      record(s, s.req.session, codeSubmitStep(otp.length, now()));
      const mark = s.reports.length;
      const started = performance.now();
      const url = urls.flow(flowId);
      const facts = {
        flowId,
        url,
        codeLength: otp.length,
        cookieNames: Object.keys(context.cookies),
        transactionId: context.transactionId,
        bearer: options.flowsBearer ?? false,
      };
      const http = () =>
        httpFacts('POST', url, reportsSince(s, mark, 'otp.check'), elapsed(started));
      try {
        const step = await inner.checkOtp(flowId, otp, context);
        keep(s, ...Object.values(step.cookies), step.flow.authorizeResponse?.code);
        const rotated = Object.keys(step.cookies).filter(
          (name) => step.cookies[name] !== context.cookies[name],
        );
        record(
          s,
          s.req.session,
          otpCheckStep({
            ...facts,
            http: http(),
            flow: step.flow,
            rotatedCookies: rotated,
            now: now(),
          }),
        );
        return step;
      } catch (error) {
        const info = isPingOneError(error) ? wrongCodeInfo(error) : undefined;
        record(
          s,
          s.req.session,
          otpCheckStep({
            ...facts,
            http: http(),
            error,
            ...(info?.attemptsLeft !== undefined ? { attemptsLeft: info.attemptsLeft } : {}),
            now: now(),
          }),
        );
        throw error;
      }
    },

    async resume(flowId, context) {
      const s = scope.getStore();
      if (!s) return inner.resume(flowId, context);
      keep(s, ...Object.values(context.cookies));
      const mark = s.reports.length;
      const started = performance.now();
      const facts = { flowId, url: urls.resume, cookieNames: Object.keys(context.cookies) };
      const http = () =>
        httpFacts('GET', urls.resume, reportsSince(s, mark, 'resume'), elapsed(started));
      try {
        const answer = await inner.resume(flowId, context);
        keep(s, answer.response.code, ...Object.values(answer.cookies));
        record(
          s,
          s.req.session,
          resumeStep({ ...facts, http: http(), response: answer.response, now: now() }),
        );
        return answer;
      } catch (error) {
        record(s, s.req.session, resumeStep({ ...facts, http: http(), error, now: now() }));
        throw error;
      }
    },

    authorizeUrl(params) {
      const url = inner.authorizeUrl(params);
      const s = scope.getStore();
      if (s) {
        keep(s, params.requestJwt);
        const transferId = s.req.session.transfer?.id;
        begin(s, transferId);
        record(
          s,
          s.req.session,
          authorizeStep({
            params,
            url: urls.authorize,
            transactionId: transferId ?? '',
            responseMode: 'query',
            now: now(),
          }),
        );
      }
      return url;
    },
  });

  const tokens = (inner: TokenClient): TokenClient => ({
    async exchange(exchange) {
      const s = scope.getStore();
      if (!s) return inner.exchange(exchange);
      keep(s, exchange.response.code, exchange.codeVerifier);
      if (options.ui === 'hosted' && s.req.path === '/callback') {
        const q: { code?: string; state?: string; iss?: string } = {
          code: exchange.response.code,
        };
        if (exchange.response.state) q.state = exchange.response.state;
        if (exchange.response.iss) q.iss = exchange.response.iss;
        record(s, s.req.session, callbackStep(q, now()));
      }
      s.sideCalls = [];
      delete s.tokenHttp;
      delete s.tokenResponse;
      delete s.idToken;
      const started = performance.now();
      const facts = () => ({
        url: urls.token,
        clientId: options.clientId,
        redirectUri: exchange.redirectUri,
        sideCalls: s.sideCalls,
        ...(s.tokenResponse ? { response: s.tokenResponse } : {}),
        http: {
          method: 'POST',
          url: urls.token,
          durationMs: s.tokenHttp?.durationMs ?? elapsed(started),
          ...(s.tokenHttp?.status !== undefined ? { status: s.tokenHttp.status } : {}),
        },
        now: now(),
      });
      try {
        const claims = await inner.exchange(exchange);
        record(s, s.req.session, tokenStep(facts()));
        return claims;
      } catch (error) {
        // A token that failed our checks came with a 200: the token step itself went well.
        record(
          s,
          s.req.session,
          tokenStep(error instanceof IdTokenRejectedError ? facts() : { ...facts(), error }),
        );
        throw error;
      }
    },
  });

  const inspectFetch =
    (base: FetchLike): FetchLike =>
    async (input, init) => {
      const s = scope.getStore();
      if (!s) return base(input, init);
      const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const url = redactUrl(raw);
      const method = init?.method ?? 'GET';
      const started = performance.now();
      const isToken = url === urls.token;
      let res: Response;
      try {
        res = await base(input, init);
      } catch (error) {
        if (isToken) s.tokenHttp = { method, url, durationMs: elapsed(started) };
        else s.sideCalls.push({ method, url, durationMs: elapsed(started) });
        throw error;
      }
      const durationMs = elapsed(started);
      if (!isToken) {
        s.sideCalls.push({ method, url, status: res.status, durationMs });
        return res;
      }
      s.tokenHttp = { method, url, status: res.status, durationMs };
      try {
        const body = (await res.clone().json()) as Record<string, unknown>;
        for (const name of ['access_token', 'id_token', 'refresh_token']) {
          if (typeof body[name] === 'string') s.secrets.add(body[name]);
        }
        s.tokenResponse = summarizeTokenResponse(res.status, body);
        if (s.tokenResponse.idToken) s.idToken = s.tokenResponse.idToken;
      } catch {
        // Not JSON: the token client reports the failure; nothing to decode.
      }
      return res;
    };

  const expectations = {
    issuer: urls.issuer,
    clientId: options.clientId,
    policyName: options.policyName,
    username: options.username,
    ...(options.userId ? { userId: options.userId } : {}),
  };

  const ownedTrace = async (req: Request, id: string): Promise<Trace | undefined> => {
    const own = req.session.trace;
    if (own && (own.transferId === id || own.approvalId === id)) return own;
    // The session's copy may be gone (a lost write): the approval store says whether this
    // session's transfer was approved, and the trace store has its trace.
    const transferId = req.session.result?.transferId ?? req.session.transfer?.id;
    if (!transferId) return undefined;
    const record = await options.approvals.get(transferId);
    if (!record || (record.approvalId !== id && record.transferId !== id)) return undefined;
    return store.get(record.approvalId);
  };

  const routes = Router();
  routes.get('/approvals/:id/trace.json', async (req, res) => {
    const id = req.params.id;
    const trace = UUID.test(id) ? await ownedTrace(req, id) : undefined;
    // Someone else's approval, a finished session or a made-up id all look the same: 404.
    if (!trace) throw new NotFoundError();
    res.set('Cache-Control', 'no-store');
    res.set('Content-Disposition', `inline; filename="approval-trace-${id}.json"`);
    res.type('application/json').send(JSON.stringify(trace, null, 2));
  });

  /**
   * The finished approval's trace from the store, read before the page renders (views call
   * `timeline()` synchronously), and only when the session has no copy of its own: another
   * instance finished it, or the session's copy was lost.
   */
  const storedResultTrace = async (req: Request): Promise<Trace | undefined> => {
    const transferId = req.session?.result?.transferId;
    if (!transferId || req.session.trace?.transferId === transferId) return undefined;
    return ownedTrace(req, transferId).catch(() => undefined);
  };

  const locals = (req: Request, stored: Trace | undefined): InspectorLocals => ({
    timeline(record) {
      const own = req.session.trace;
      let trace: Trace | undefined;
      if (record) {
        trace =
          own?.transferId === record.transferId
            ? own
            : stored?.transferId === record.transferId
              ? stored
              : undefined;
      } else {
        const current =
          req.session.flow?.transferId ??
          req.session.result?.transferId ??
          req.session.transfer?.id;
        if (own && own.transferId === current) trace = own;
      }
      return trace && trace.steps.length ? timelineView(trace) : undefined;
    },
  });

  return {
    middleware(req, res, next) {
      void storedResultTrace(req).then((stored) => {
        res.locals.inspector = locals(req, stored);
        scope.run(
          { req, reports: [], secrets: new Set([options.clientSecret]), sideCalls: [] },
          next,
        );
      });
    },
    routes,
    onCall(report) {
      scope.getStore()?.reports.push(report);
    },
    flows,
    tokens,
    fetch: inspectFetch,

    tokenChecked(at, input) {
      const s = scope.getStore();
      const { checks, verdict, ok } = describeChecks(input, expectations, s?.idToken, now());
      record(s, at.session, checksStep(checks, verdict, ok, now()));
    },

    async settled(at, transfer, result) {
      const trace = at.session.trace;
      if (!trace || trace.transferId !== transfer.id) return;
      const approved = result.outcome === 'approved' || result.outcome === 'already-approved';
      const approvalId = approved
        ? (await options.approvals.get(transfer.id).catch(() => undefined))?.approvalId
        : undefined;
      trace.outcome = result.outcome;
      if (approvalId) trace.approvalId = approvalId;
      record(
        scope.getStore(),
        at.session,
        resultStep({
          outcome: result.outcome,
          request: at.line,
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.pingoneErrorId ? { pingoneErrorId: result.pingoneErrorId } : {}),
          ...(approvalId ? { approvalId } : {}),
          now: now(),
        }),
      );
      // The session keeps the trace; the store is the second copy (and a teaching aid must
      // never fail an approval).
      await store.put(trace).catch(() => undefined);
    },
  };
}
