import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { buildRequestJwt } from '../src/approval/request-jwt.js';
import type { Currency } from '../src/approval/transfer.js';
import { nodeTransport } from '../src/pingone/node-fetch.js';
import type { ProvisionSettings } from '../src/pingone/provisioning.js';
import { pingoneUrls } from '../src/pingone/urls.js';
import { authorizeRequest, tokenRequest } from './pingone-requests.js';
import { CookieJar } from './http-client.js';

/**
 * The least a relying party can do per approval, as a yardstick for `npm run bench -- --bare`:
 * the app's five pages and redirects on bare node:http, its request JWT (the same
 * buildRequestJwt) and its four PingOne calls (the same nodeTransport), the ID token checked
 * with jose against the JWKS, and the approval kept once per transfer. It has none of what the
 * app adds: Express, helmet, express-session, EJS, openid-client, SQLite, logging, retries,
 * error pages. Not a product: it trusts its input and keeps everything in memory.
 *
 * A child process (forked by bench/bare-rp-process.ts): it gets its settings over IPC and
 * answers with the port it listens on.
 */

export interface BareRpSettings {
  settings: ProvisionSettings;
  location: { environmentId: string; apiUrl: string; authUrl: string };
  redirectUri: string;
  port: number;
}

interface Session {
  csrf: string;
  jar: CookieJar;
  flowId?: string;
  verifier?: string;
  nonce?: string;
  transfer?: { id: string; amount: string; currency: string; payee: string };
  approved?: boolean;
}

const sessions = new Map<string, Session>();
const approvals = new Map<string, string>();

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
  const session: Session = { csrf: randomBytes(24).toString('base64url'), jar: new CookieJar() };
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

async function start(config: BareRpSettings): Promise<number> {
  const { settings, redirectUri } = config;
  const urls = pingoneUrls({ ...config.location, region: 'com' });
  const jwksAnswer = await nodeTransport.send(urls.jwks);
  const jwks = createLocalJWKSet(JSON.parse(jwksAnswer.text) as JSONWebKeySet);

  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const pingCookies = (session: Session): Record<string, string> => {
    const cookie = session.jar.header();
    return cookie ? { cookie } : {};
  };

  async function approve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readBody(req);
    if (!csrfOk(sessionOf(req, res), form)) return page(res, 403, '<p>Bad form</p>');
    const session = sessionOf(req, res, true);
    const transfer = {
      id: randomUUID(),
      amount: form.get('amount') ?? '',
      currency: form.get('currency') ?? '',
      payee: form.get('payee') ?? '',
    };
    const requestJwt = await buildRequestJwt({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      audience: urls.issuer,
      subject: settings.username,
      templateVariant: settings.templateVariant,
      transfer: {
        amount: transfer.amount,
        currency: transfer.currency as Currency,
        payee: transfer.payee,
        fromAccount: 'bench',
      },
      now: new Date(),
    });
    const { query, verifier, nonce } = authorizeRequest(settings, redirectUri, requestJwt);
    const answer = await nodeTransport.send(`${urls.authorize}?${query}`, {
      headers: { accept: '*/*' },
    });
    session.jar.take(answer.setCookies);
    const flow = json(answer.text);
    if (answer.status !== 200 || flow.status !== 'OTP_REQUIRED')
      return page(res, 502, '<p>PingOne refused</p>');
    Object.assign(session, { flowId: flow.id as string, verifier, nonce, transfer });
    seeOther(res, '/approvals/otp');
  }

  async function checkCode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readBody(req);
    const session = sessionOf(req, res);
    if (!csrfOk(session, form) || !session.flowId) return page(res, 403, '<p>Bad form</p>');
    const checked = await nodeTransport.send(urls.flow(session.flowId), {
      method: 'POST',
      headers: {
        accept: '*/*',
        'content-type': 'application/vnd.pingidentity.otp.check+json',
        ...pingCookies(session),
      },
      body: JSON.stringify({ otp: form.get('otp') ?? '' }),
    });
    session.jar.take(checked.setCookies);
    if (checked.status !== 200 || json(checked.text).status !== 'COMPLETED')
      return page(res, 400, '<p>Wrong code</p>');
    const resumed = await nodeTransport.send(
      `${urls.resume}?flowId=${encodeURIComponent(session.flowId)}`,
      { headers: { accept: '*/*', ...pingCookies(session) } },
    );
    const code = (json(resumed.text).authorizeResponse as { code?: string } | undefined)?.code;
    if (!code) return page(res, 502, '<p>No code</p>');
    const token = await nodeTransport.send(
      urls.token,
      tokenRequest(settings, redirectUri, code, session.verifier!),
    );
    const idToken = json(token.text).id_token;
    if (token.status !== 200 || typeof idToken !== 'string')
      return page(res, 502, '<p>No token</p>');
    const { payload } = await jwtVerify(idToken, jwks, {
      issuer: urls.issuer,
      audience: settings.clientId,
    });
    if (payload.nonce !== session.nonce) return page(res, 502, '<p>Bad nonce</p>');
    const transferId = session.transfer!.id;
    if (!approvals.has(transferId)) approvals.set(transferId, new Date().toISOString());
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
      const t = session.transfer;
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
    if (route === 'GET /healthz') return page(res, 200, 'ok');
    page(res, 404, '<p>Not found</p>');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  return (server.address() as AddressInfo).port;
}

process.once('message', (config: BareRpSettings) => {
  start(config).then(
    (port) => process.send?.({ type: 'ready', port }),
    (error: unknown) => {
      console.error(`bare relying party: ${String(error)}`);
      process.exit(1);
    },
  );
});
