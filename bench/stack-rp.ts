import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import session from 'express-session';
import { formatTime } from '../src/app.js';
import { smsPreviewView } from '../src/approval/sms-preview.js';
import { DEMO_TRANSFER, FROM_ACCOUNT, PAYEE_MAX } from '../src/approval/transfer.js';
import { DEFAULT_SMS_MAX_SEGMENTS } from '../src/config.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { SMS_CODE_LIFETIME_MINUTES, SMS_OTP_LENGTH } from '../src/provisioning/steps/device.js';
import { serveYardstick } from './yardstick-child.js';
import { yardstickPingOne, type YardstickConfig, type YardstickFlow } from './yardstick-pingone.js';
import type { Yardstick } from './yardstick-process.js';

/**
 * The yardstick of bench/bare-rp.ts rebuilt on the app's stack, one layer at a time (argv[2]):
 * `express` (Express, urlencoded; sessions in a Map behind a cookie, pages as strings),
 * `session` (+ the app's helmet settings and express-session on its MemoryStore), `views` (+ the
 * app's own EJS views, cached as in production), `stack` (+ the app's openid-client token
 * client). What is left between `stack` and the app is the app's own work: SQLite, logging,
 * request ids, CSRF and rate limits, flow checks, retries, error pages.
 */

interface State {
  csrf: string;
  flow?: YardstickFlow;
  approved?: YardstickFlow['transfer'];
}

const LAYERS: Record<Exclude<Yardstick, 'bare'>, number> = {
  express: 1,
  session: 2,
  views: 3,
  stack: 4,
};

async function start(config: YardstickConfig): Promise<number> {
  const level = LAYERS[process.argv[2] as keyof typeof LAYERS] ?? 4;
  const pingone = await yardstickPingOne(config, level >= 4 ? 'openid-client' : 'jose');
  const approvals = new Set<string>();
  const plain = new Map<string, State>();
  const fresh = (): State => ({ csrf: randomBytes(24).toString('base64url') });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('views', fileURLToPath(new URL('../views/', import.meta.url)));
  app.set('view engine', 'ejs');
  Object.assign(app.locals, {
    mode: 'pingone',
    ui: 'own',
    issuer: 'bench',
    formatTime,
    codeLifetimeMinutes: SMS_CODE_LIFETIME_MINUTES,
  });
  // The app's helmet settings, run per response as the app runs them.
  if (level >= 2) app.use(securityHeaders({ https: false }));
  app.use(express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }));
  if (level >= 2) {
    app.use(
      session({
        name: 'txa.sid',
        secret: randomBytes(32).toString('hex'),
        resave: false,
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'lax', maxAge: 30 * 60_000 },
      }),
    );
  }

  /** This browser's state; `renew`: a new session id, as the app regenerates on approve. */
  async function stateOf(req: Request, res: Response, renew = false): Promise<State> {
    if (level >= 2) {
      const s = req.session as unknown as { yardstick?: State };
      if (renew) {
        await new Promise<void>((ok, ko) => req.session.regenerate((e) => (e ? ko(e) : ok())));
        return ((req.session as unknown as { yardstick?: State }).yardstick = fresh());
      }
      return (s.yardstick ??= fresh());
    }
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const existing = sid === undefined ? undefined : plain.get(sid);
    if (existing && !renew) return existing;
    if (sid !== undefined) plain.delete(sid);
    const id = randomBytes(24).toString('base64url');
    const state = fresh();
    plain.set(id, state);
    res.cookie('sid', id, { httpOnly: true, sameSite: 'lax' });
    return state;
  }

  const csrfOk = (state: State, body: Record<string, string>) => {
    const given = Buffer.from(body._csrf ?? '');
    const expected = Buffer.from(state.csrf);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  /** The app's view when the layer has views, else the same content as a string. */
  const show = (res: Response, view: string, locals: Record<string, unknown>, html: string) => {
    res.set('Cache-Control', 'no-store');
    if (level >= 3) return res.render(view, locals);
    res.type('html').send(`<!doctype html><html lang="en"><title>Approve</title>${html}</html>`);
  };
  const field = (s: State) => `<input type="hidden" name="_csrf" value="${s.csrf}">`;

  app.get('/', async (req, res) => {
    const state = await stateOf(req, res);
    show(
      res,
      'approve',
      {
        title: 'Approve a transfer',
        csrfToken: state.csrf,
        values: { ...DEMO_TRANSFER },
        errors: {},
        currencies: ['EUR'],
        fromAccount: FROM_ACCOUNT,
        notice: undefined,
        payeeMax: PAYEE_MAX,
        sms: smsPreviewView(DEMO_TRANSFER, {
          maxSegments: DEFAULT_SMS_MAX_SEGMENTS,
          otpLength: SMS_OTP_LENGTH,
        }),
      },
      `<form method="post" action="/approvals">${field(state)}</form>`,
    );
  });

  app.post('/approvals', async (req, res) => {
    const body = req.body as Record<string, string>;
    if (!csrfOk(await stateOf(req, res), body)) return void res.status(403).end();
    const state = await stateOf(req, res, true);
    state.flow = await pingone.start({
      amount: body.amount ?? '',
      currency: body.currency ?? '',
      payee: body.payee ?? '',
    });
    if (!state.flow) return void res.status(502).end();
    res.redirect(303, '/approvals/otp');
  });

  app.get('/approvals/otp', async (req, res) => {
    const state = await stateOf(req, res);
    const transfer = state.flow?.transfer;
    if (!transfer) return void res.redirect(303, '/');
    show(
      res,
      'otp',
      {
        title: 'Enter the code',
        csrfToken: state.csrf,
        transfer,
        maskedPhone: '•••• 0100',
        expiresAt: undefined,
        attemptsLeft: undefined,
        error: undefined,
        phoneUrl: undefined,
      },
      `<p>${transfer.amount}</p><form method="post" action="/approvals/otp">${field(state)}</form>`,
    );
  });

  app.post('/approvals/otp', async (req, res) => {
    const body = req.body as Record<string, string>;
    const state = await stateOf(req, res);
    const flow = state.flow;
    if (!csrfOk(state, body) || !flow) return void res.status(403).end();
    delete state.flow;
    if (!(await pingone.finish(flow, body.otp ?? ''))) return void res.status(400).end();
    approvals.add(flow.transfer.id);
    state.approved = flow.transfer;
    res.redirect(303, '/approvals/result');
  });

  app.get('/approvals/result', async (req, res) => {
    const state = await stateOf(req, res);
    const t = state.approved;
    if (!t) return void res.redirect(303, '/');
    const record = {
      transferId: t.id,
      approvalId: t.id,
      ...t,
      fromAccount: FROM_ACCOUNT,
      approvedAt: new Date().toISOString(),
      evidence: { sub: 'bench', acr: 'bench', amr: ['otp'], authTime: Date.now() / 1000 },
    };
    show(
      res,
      'result',
      {
        title: 'Transfer approved',
        csrfToken: state.csrf,
        record,
        result: undefined,
        transfer: record,
        canResend: false,
      },
      '<h1>Transfer approved</h1>',
    );
  });

  const server = app.listen(config.port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

serveYardstick('stack relying party', start);
