import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ModeError, ValidationError } from '../errors.js';
import { csrfToken } from '../http/csrf.js';
import { wantsJson } from '../http/error-handler.js';
import { noStore } from '../http/no-store.js';
import type { ApprovalContext } from './approval-context.js';
import { checkCode } from './check-code.js';
import { renewFinishedSession } from './session-lifetime.js';
import {
  consumeFlow,
  regenerateSession,
  saveSession,
  type PendingTransfer,
} from './session-state.js';
import { settle } from './settle.js';
import { startFlow } from './start-flow.js';
import { hostedCallback } from './hosted-callback.js';
import {
  afterOtherRequest,
  holding,
  noticeText,
  pendingTransfer,
  redirect,
  startOver,
} from './route-helpers.js';
import {
  CURRENCIES,
  DEMO_TRANSFER,
  FROM_ACCOUNT,
  PAYEE_MAX,
  parseTransfer,
  transferHash,
  type Transfer,
} from './transfer.js';
import { smsPreviewView } from './sms-preview.js';

interface ApprovalRoutesOptions {
  /** Stateless until there is a session (src/http/csrf.ts). */
  formToken: (req: Request, res: Response) => string;
  /** Mounted right before a start or "send a new code" texts a code. */
  smsRateLimit: RequestHandler[];
  /** Mounted right before a well-formed code for a live flow is checked. */
  codeRateLimit: RequestHandler[];
}

const OTP_PATTERN = /^\d{6,10}$/;
const NOT_HOSTED = 'The code form is not used in hosted mode: PingOne shows its own page.';

export function approvalRoutes(ctx: ApprovalContext, options: ApprovalRoutesOptions): Router {
  const router = Router();
  const own = ctx.ui === 'own';
  const { smsRateLimit, codeRateLimit } = options;

  const renderForm = (req: Request, res: Response, status: number, values: object, errors = {}) => {
    res.status(status).render('approve', {
      title: 'Approve a transfer',
      csrfToken: options.formToken(req, res),
      values,
      errors,
      currencies: CURRENCIES,
      fromAccount: FROM_ACCOUNT,
      notice: noticeText(req.query.notice),
      payeeMax: PAYEE_MAX,
      sms: smsPreviewView(values, ctx.smsLimits),
    });
  };

  const renderOtp = (req: Request, res: Response, status: number, error?: string) => {
    const flow = req.session.flow!;
    // The server does not know the reader's time zone, so it says which it uses.
    const expires = new Date(flow.expiresAt ?? NaN);
    res.status(status).render('otp', {
      title: 'Enter the code',
      csrfToken: csrfToken(req),
      transfer: req.session.transfer!,
      maskedPhone: flow.maskedPhone,
      expiresAt: Number.isNaN(expires.getTime())
        ? undefined
        : `${expires.toISOString().slice(11, 16)} UTC`,
      attemptsLeft: flow.attemptsLeft,
      error,
    });
  };

  router.get('/', noStore, (req, res) => {
    renewFinishedSession(req);
    // After an interrupted approval the same transfer is offered again, one click away.
    const interrupted = /^interrupted/.test(String(req.query.notice)) && req.session.transfer;
    const { amount, currency, payee } = interrupted || DEMO_TRANSFER;
    // Nothing is stored for a visitor who only looks (docs/durability.md, "Sessions do not pile up").
    renderForm(req, res, 200, { amount, currency, payee });
  });

  // What a start passes before it counts against the SMS limits.
  const startable: RequestHandler = (req, res, next) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const parsed = parseTransfer(req.body, ctx.smsLimits);
    if (parsed.ok) {
      res.locals.transfer = parsed.transfer;
      return next();
    }
    if (wantsJson(req)) throw new ValidationError(parsed.errors);
    renderForm(req, res, 400, parsed.values, parsed.errors);
  };

  router.post('/approvals', noStore, startable, ...smsRateLimit, async (req, res) => {
    const parsed = res.locals.transfer as Transfer;
    // The session is created here: a new session id (session fixation) and a new CSRF token.
    await regenerateSession(req);
    // The absolute lifetime (session-lifetime.ts) counts from the first transfer started here.
    req.session.createdAt ??= ctx.now().getTime();
    const id = randomUUID();
    const transfer = { ...parsed, id, hash: transferHash(id, parsed) };
    req.session.transfer = transfer;
    csrfToken(req);
    // Not saved here: startFlow saves with the flow, or the end of the request on a failure.
    redirect(res, await startFlow(ctx, req, transfer));
  });

  // A resend counts only for a pending transfer of this session that is not approved yet.
  const resendable: RequestHandler = async (req, res, next) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const transfer = pendingTransfer(req);
    if (!transfer) return redirect(res, startOver('no-approval'));
    if (await ctx.approvals.get(transfer.id)) return redirect(res, '/approvals/result');
    res.locals.transfer = transfer;
    next();
  };

  router.post('/approvals/resend', noStore, resendable, ...smsRateLimit, async (req, res) => {
    const transfer = res.locals.transfer as PendingTransfer;
    // The flow it replaces is consumed. If a code check holds it right now, its outcome decides.
    const seen = req.session.flow;
    const replaced = await consumeFlow(req, ctx.claims, ctx.now());
    if (!replaced) {
      const next = await afterOtherRequest(ctx, req, seen?.claimId);
      if (next && !next.startsWith('/?notice=interrupted')) return redirect(res, next);
      if (await ctx.approvals.get(transfer.id)) return redirect(res, '/approvals/result');
    }
    delete req.session.result;
    delete req.session.busy;
    const location = await startFlow(ctx, req, transfer);
    // A code another instance held may have approved it meanwhile: no live form for it.
    if (location === '/approvals/otp' && (await ctx.approvals.get(transfer.id))) {
      delete req.session.flow;
      await saveSession(req);
      return redirect(res, '/approvals/result');
    }
    redirect(res, location);
  });

  router.post('/approvals/cancel', noStore, async (req, res) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const transfer = pendingTransfer(req);
    const seen = req.session.flow;
    const flow = await consumeFlow(req, ctx.claims, ctx.now());
    if (!transfer) return redirect(res, startOver('no-approval'));
    if (!flow && seen) {
      // A code check holds the flow: cancelling now could contradict its approval.
      return redirect(
        res,
        (await afterOtherRequest(ctx, req, seen.claimId)) ?? '/approvals/result',
      );
    }
    await settle(ctx, req, transfer, 'declined', { reason: 'cancelled' });
    redirect(res, '/approvals/result');
  });

  router.get('/approvals/otp', noStore, async (req, res) => {
    if (!own) throw new ModeError(NOT_HOSTED);
    const flow = req.session.flow;
    if (!flow || flow.ui !== 'own' || !pendingTransfer(req, flow.transferId)) {
      if (req.session.result) return redirect(res, '/approvals/result');
      return redirect(res, (await afterOtherRequest(ctx, req)) ?? startOver('no-approval'));
    }
    // Approved by a request that raced a "send a new code": the new flow is not needed.
    if (await ctx.approvals.get(flow.transferId)) return redirect(res, '/approvals/result');
    renderOtp(req, res, 200);
  });

  // No flow for this code: held by another request, already used (second tab), or never started.
  const withoutLiveFlow = async (req: Request, res: Response, mayWait: boolean, lost?: string) => {
    const next = mayWait && (await afterOtherRequest(ctx, req, lost));
    if (next) return redirect(res, next);
    const decided = req.session.transfer && (await ctx.approvals.get(req.session.transfer.id));
    if (decided || req.session.result) return redirect(res, '/approvals/result');
    redirect(res, startOver('no-approval'));
  };

  // A code counts only when it is well-formed and this session has a flow waiting for it.
  const checkable: RequestHandler = async (req, res, next) => {
    if (!own) throw new ModeError(NOT_HOSTED);
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const otp = typeof req.body?.otp === 'string' ? req.body.otp.trim() : '';
    const flow = req.session.flow;
    if (!OTP_PATTERN.test(otp)) {
      if (!flow) return redirect(res, startOver('no-approval'));
      const message = 'Enter the code from the SMS: 6 to 10 digits.';
      if (wantsJson(req)) throw new ValidationError({ otp: message });
      return renderOtp(req, res, 400, message);
    }
    if (!flow || flow.ui !== 'own' || !pendingTransfer(req, flow.transferId))
      return withoutLiveFlow(req, res, !flow);
    res.locals.otp = otp;
    next();
  };

  router.post('/approvals/otp', noStore, checkable, ...codeRateLimit, async (req, res) => {
    const seen = req.session.flow;
    const flow = await consumeFlow(req, ctx.claims, ctx.now());
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || !transfer || transfer.hash !== flow.transferHash)
      return withoutLiveFlow(req, res, !flow, seen?.claimId);
    const otp = res.locals.otp as string;
    const wrong = await holding(req, () => checkCode(ctx, req, flow, transfer, otp));
    if (!wrong) return redirect(res, '/approvals/result');
    const left = wrong.attemptsLeft;
    const message =
      left === undefined
        ? 'That code is not right. Check the SMS and try again.'
        : `That code is not right. ${left} ${left === 1 ? 'attempt' : 'attempts'} left before PingOne locks this approval.`;
    if (!wantsJson(req)) return renderOtp(req, res, 422, message);
    res.status(422).json({ error: { code: 'WRONG_CODE', message, attemptsLeft: left ?? null } });
  });

  router.get('/callback', noStore, hostedCallback(ctx));

  router.get('/approvals/result', noStore, async (req, res) => {
    const result = req.session.result;
    const transferId = result?.transferId ?? req.session.transfer?.id;
    // The store is the truth: a lost session write cannot hide an approval that happened.
    const record = transferId ? await ctx.approvals.get(transferId) : undefined;
    if (!record && !result) {
      if (req.session.flow) return redirect(res, own ? '/approvals/otp' : '/');
      return redirect(res, (await afterOtherRequest(ctx, req)) ?? startOver('no-approval'));
    }
    res.render('result', {
      title: record ? 'Transfer approved' : 'Transfer not approved',
      csrfToken: csrfToken(req),
      record,
      result,
      transfer: record ?? result?.transfer,
      canResend: Boolean(!record && pendingTransfer(req, transferId)),
    });
  });

  return router;
}
