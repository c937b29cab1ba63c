import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveYardstick } from './yardstick-child.js';
import { yardstickPingOne, type YardstickConfig, type YardstickFlow } from './yardstick-pingone.js';

/**
 * The least a relying party can do per approval, as a yardstick for
 * `npm run bench -- --yardstick bare`: the app's five pages and redirects on bare node:http,
 * its request JWT and its four PingOne calls (bench/yardstick-pingone.ts), the ID token checked
 * with jose, and each approval kept once. None of what the app adds: Express, helmet,
 * express-session, EJS, openid-client, SQLite, logging, retries, error pages. Not a product: it
 * trusts its input and keeps everything in memory.
 */

interface Session {
  csrf: string;
  flow?: YardstickFlow;
  approved?: boolean;
}

const sessions = new Map<string, Session>();
const approvals = new Set<string>();

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function sessionOf(req: IncomingMessage, res: ServerResponse, fresh = false): Session {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const existing = sid === undefined ? undefined : sessions.get(sid);
  if (existing && !fresh) return existing;
  // A new id for each approval, as the app regenerates its session.
  if (sid !== undefined) sessions.delete(sid);
  const id = randomBytes(24).toString('base64url');
  const session: Session = { csrf: randomBytes(24).toString('base64url') };
  sessions.set(id, session);
  res.setHeader('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return session;
}

function csrfOk(session: Session, form: URLSearchParams): boolean {
  const given = Buffer.from(form.get('_csrf') ?? '');
  const expected = Buffer.from(session.csrf);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html><html lang="en"><title>Approve a transfer</title>${html}</html>`);
}

function seeOther(res: ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function start(config: YardstickConfig): Promise<number> {
  const pingone = await yardstickPingOne(config, 'jose');

  async function approve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readBody(req);
    if (!csrfOk(sessionOf(req, res), form)) return page(res, 403, '<p>Bad form</p>');
    const session = sessionOf(req, res, true);
    session.flow = await pingone.start({
      amount: form.get('amount') ?? '',
      currency: form.get('currency') ?? '',
      payee: form.get('payee') ?? '',
    });
    if (!session.flow) return page(res, 502, '<p>PingOne refused</p>');
    seeOther(res, '/approvals/otp');
  }

  async function checkCode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readBody(req);
    const session = sessionOf(req, res);
    const flow = session.flow;
    if (!csrfOk(session, form) || !flow) return page(res, 403, '<p>Bad form</p>');
    delete session.flow;
    if (!(await pingone.finish(flow, form.get('otp') ?? '')))
      return page(res, 400, '<p>Not approved</p>');
    approvals.add(flow.transfer.id);
    session.approved = true;
    seeOther(res, '/approvals/result');
  }

  const server = createServer((req, res) => {
    const route = `${req.method} ${req.url}`;
    const done = (error: unknown) => {
      console.error(`bare relying party: ${route}: ${(error as Error).message}`);
      if (!res.headersSent) page(res, 500, '<p>Failed</p>');
    };
    const csrfField = (s: Session) => `<input type="hidden" name="_csrf" value="${s.csrf}">`;
    if (route === 'GET /') {
      const session = sessionOf(req, res);
      return page(
        res,
        200,
        `<form method="post" action="/approvals">${csrfField(session)}<input name="amount">` +
          `<input name="currency"><input name="payee"><button>Approve</button></form>`,
      );
    }
    if (route === 'POST /approvals') return void approve(req, res).catch(done);
    if (route === 'GET /approvals/otp') {
      const session = sessionOf(req, res);
      const t = session.flow?.transfer;
      return page(
        res,
        200,
        `<p>Approve ${escapeHtml(t?.amount ?? '')} ${escapeHtml(t?.currency ?? '')} to ` +
          `${escapeHtml(t?.payee ?? '')}</p><form method="post" action="/approvals/otp">` +
          `${csrfField(session)}<input name="otp"><button>Confirm</button></form>`,
      );
    }
    if (route === 'POST /approvals/otp') return void checkCode(req, res).catch(done);
    if (route === 'GET /approvals/result') {
      const session = sessionOf(req, res);
      return page(
        res,
        200,
        session.approved ? '<h1>Transfer approved</h1>' : '<h1>Not approved</h1>',
      );
    }
    page(res, 404, '<p>Not found</p>');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

serveYardstick('bare relying party', start);
