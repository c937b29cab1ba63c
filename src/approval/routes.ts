import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ModeError, ValidationError } from '../errors.js';
import { csrfToken } from '../http/csrf.js';
import { wantsJson } from '../http/negotiate.js';
import { noStore } from '../http/no-store.js';
import type { ApprovalContext } from './approval-context.js';
import { checkCode } from './check-code.js';
import { finishFlow } from './finish-flow.js';
import { noticeText, startOver } from './notices.js';
import { renewFinishedSession } from './session-lifetime.js';
import {
  consumeFlow,
  regenerateSession,
  saveSession,
  type PendingTransfer,
} from './session-state.js';
import { settle } from './settle.js';
import { startFlow } from './start-flow.js';
import {
  CURRENCIES,
  DEMO_TRANSFER,
  FROM_ACCOUNT,
  parseTransfer,
  transferHash,
} from './transfer.js';

export interface ApprovalRoutesOptions {
  /** Applied to starting an approval and "send a new code": each texts a code. */
  smsRateLimit: RequestHandler[];
  /** Applied to code submissions. */
  codeRateLimit: RequestHandler[];
  /** Embedded mode: the emulator's phone page. */
  phoneUrl?: string;
}

/** Express 5 forwards rejected promises to the error handler; this only narrows the types. */
type Handler = (req: Request, res: Response) => Promise<void>;

const OTP_PATTERN = /^\d{6,10}$/;

/** "14:05 UTC": the server does not know the reader's time zone, so it says which it uses. */
function clockTime(iso: string): string | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : `${date.toISOString().slice(11, 16)} UTC`;
}

function redirect(res: Response, location: string): void {
  res.redirect(303, location);
}

/** A transfer in the session that still matches the hash its flow was started with. */
function pendingTransfer(req: Request, transferId?: string): PendingTransfer | undefined {
  const transfer = req.session.transfer;
  if (!transfer) return undefined;
  if (transferId !== undefined && transfer.id !== transferId) return undefined;
  return transferHash(transfer.id, transfer) === transfer.hash ? transfer : undefined;
}

export function approvalRoutes(ctx: ApprovalContext, options: ApprovalRoutesOptions): Router {
  const router = Router();
  const own = ctx.ui === 'own';

  const renderForm = (
    req: Request,
    res: Response,
    status: number,
    values: Record<string, string>,
    errors: Record<string, string> = {},
  ) => {
    res.status(status).render('approve', {
      title: 'Approve a transfer',
      csrfToken: csrfToken(req),
      values,
      errors,
      currencies: CURRENCIES,
      fromAccount: FROM_ACCOUNT,
      notice: noticeText(req.query.notice),
    });
  };

  const renderOtp = (req: Request, res: Response, status: number, error?: string) => {
    const flow = req.session.flow!;
    const transfer = req.session.transfer!;
    res.status(status).render('otp', {
      title: 'Enter the code',
      csrfToken: csrfToken(req),
      transfer,
      maskedPhone: flow.maskedPhone,
      expiresAt: flow.expiresAt ? clockTime(flow.expiresAt) : undefined,
      attemptsLeft: flow.attemptsLeft,
      error,
      phoneUrl: options.phoneUrl,
    });
  };

  router.get('/', noStore, (async (req, res) => {
    renewFinishedSession(req);
    if (!req.session.csrfToken) {
      // Stored before its CSRF token goes out: with the store down the person gets the 503 page
      // now rather than a "session expired" after filling in the form.
      csrfToken(req);
      req.session.browserId ??= randomUUID();
      await saveSession(req);
    }
    renderForm(req, res, 200, { ...DEMO_TRANSFER });
  }) as Handler);

  router.post('/approvals', noStore, options.smsRateLimit, (async (req, res) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const parsed = parseTransfer(req.body);
    if (!parsed.ok) {
      if (wantsJson(req)) throw new ValidationError(parsed.errors);
      return renderForm(req, res, 400, parsed.values, parsed.errors);
    }
    // A new flow gets a new session id (session fixation) and a new CSRF token.
    await regenerateSession(req);
    const id = randomUUID();
    const transfer: PendingTransfer = {
      ...parsed.transfer,
      id,
      hash: transferHash(id, parsed.transfer),
      createdAt: ctx.now().toISOString(),
    };
    req.session.transfer = transfer;
    csrfToken(req);
    // Not saved here: startFlow saves once the flow is in the session, and on any failure the
    // end of the request saves the transfer (a retry page needs it). One write fewer per
    // approval (`npm run bench`).
    redirect(res, await startFlow(ctx, req, transfer));
  }) as Handler);

  router.post('/approvals/resend', noStore, options.smsRateLimit, (async (req, res) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const transfer = pendingTransfer(req);
    if (!transfer) return redirect(res, startOver('no-approval'));
    if (await ctx.approvals.get(transfer.id)) return redirect(res, '/approvals/result');
    // The flow it replaces is consumed: its code can no longer be used here.
    await consumeFlow(req, ctx.claims);
    delete req.session.result;
    redirect(res, await startFlow(ctx, req, transfer));
  }) as Handler);

  router.post('/approvals/cancel', noStore, (async (req, res) => {
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const transfer = pendingTransfer(req);
    await consumeFlow(req, ctx.claims);
    if (!transfer) return redirect(res, startOver('no-approval'));
    await settle(ctx, req, transfer, 'declined');
    redirect(res, '/approvals/result');
  }) as Handler);

  router.get('/approvals/otp', noStore, (async (req, res) => {
    if (!own)
      throw new ModeError('The code form is not used in hosted mode: PingOne shows its own page.');
    const flow = req.session.flow;
    if (!flow || flow.ui !== 'own' || !pendingTransfer(req, flow.transferId)) {
      if (req.session.result) return redirect(res, '/approvals/result');
      return redirect(res, startOver('no-approval'));
    }
    renderOtp(req, res, 200);
  }) as Handler);

  router.post('/approvals/otp', noStore, options.codeRateLimit, (async (req, res) => {
    if (!own)
      throw new ModeError('The code form is not used in hosted mode: PingOne shows its own page.');
    if (req.sessionMissing) return redirect(res, startOver('session-expired'));
    const otp = typeof req.body?.otp === 'string' ? req.body.otp.trim() : '';
    if (!OTP_PATTERN.test(otp)) {
      if (!req.session.flow) return redirect(res, startOver('no-approval'));
      if (wantsJson(req))
        throw new ValidationError({ otp: 'Enter the code from the SMS: 6 to 10 digits.' });
      return renderOtp(req, res, 400, 'Enter the code from the SMS: 6 to 10 digits.');
    }
    const flow = await consumeFlow(req, ctx.claims);
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || flow.ui !== 'own' || !transfer || transfer.hash !== flow.transferHash) {
      // Already used (double click, second tab, back button) or never started here.
      const decided = req.session.transfer && (await ctx.approvals.get(req.session.transfer.id));
      if (decided || req.session.result) return redirect(res, '/approvals/result');
      return redirect(res, startOver('no-approval'));
    }
    const outcome = await checkCode(ctx, req, flow, transfer, otp);
    if (outcome.kind === 'redirect') return redirect(res, outcome.location);
    const left = outcome.attemptsLeft;
    const message =
      left === undefined
        ? 'That code is not right. Check the SMS and try again.'
        : `That code is not right. ${left} ${left === 1 ? 'attempt' : 'attempts'} left before PingOne locks this approval.`;
    if (wantsJson(req)) {
      res.status(422).json({ error: { code: 'WRONG_CODE', message, attemptsLeft: left ?? null } });
      return;
    }
    renderOtp(req, res, 422, message);
  }) as Handler);

  router.get('/callback', noStore, (async (req, res) => {
    if (own)
      throw new ModeError('PingOne redirects back here only in hosted mode (APPROVAL_UI=hosted).');
    const flow = await consumeFlow(req, ctx.claims);
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const transfer = flow && pendingTransfer(req, flow.transferId);
    if (!flow || flow.ui !== 'hosted' || !transfer || state !== flow.state) {
      req.log.warn(
        { event: 'callback.rejected', hadFlow: Boolean(flow) },
        'callback without a matching flow',
      );
      return redirect(res, startOver('replayed'));
    }
    const error = typeof req.query.error === 'string' ? req.query.error : undefined;
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (error || !code) {
      req.log.info(
        { transferId: transfer.id, oauthError: error, event: 'callback.error' },
        'PingOne returned an error',
      );
      await settle(ctx, req, transfer, error === 'access_denied' ? 'declined' : 'failed', {
        reason:
          error === 'access_denied'
            ? 'The approval was declined at PingOne.'
            : 'PingOne did not approve.',
      });
      return redirect(res, '/approvals/result');
    }
    const response: { code: string; state: string; iss?: string } = { code, state };
    if (typeof req.query.iss === 'string') response.iss = req.query.iss;
    await finishFlow(ctx, req, flow, transfer, response);
    redirect(res, '/approvals/result');
  }) as Handler);

  router.get('/approvals/result', noStore, (async (req, res) => {
    const result = req.session.result;
    const transferId = result?.transferId ?? req.session.transfer?.id;
    // The store is the truth: a lost session write cannot hide an approval that happened.
    const record = transferId ? await ctx.approvals.get(transferId) : undefined;
    if (!record && !result) {
      if (req.session.flow) return redirect(res, own ? '/approvals/otp' : '/');
      return redirect(res, startOver('no-approval'));
    }
    const canResend = Boolean(!record && pendingTransfer(req, transferId));
    res.render('result', {
      title: record ? 'Transfer approved' : 'Transfer not approved',
      csrfToken: csrfToken(req),
      record,
      result,
      transfer: record ?? result?.transfer,
      canResend,
    });
  }) as Handler);

  return router;
}
