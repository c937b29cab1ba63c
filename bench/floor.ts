import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { onCall } from '../src/pingone/call-events.js';
import { createHttpClient as createPingOneClient } from '../src/pingone/http.js';
import { TSX_IMPORT } from './emulator-child.js';
import { createHttpClient, CookieJar } from './http-client.js';
import { sampleProcess } from './proc-stats.js';
import { round } from './stats.js';

/**
 * What one request costs on this machine before any of the app's own work: the CPU per
 * request of a bare node:http server, of Express, Express + helmet, and Express + helmet +
 * express-session + an EJS page (the app's stack), and the CPU per outbound call of the global
 * fetch alone and of the app's one PingOne call path over it (src/pingone/http.ts: deadline,
 * error body, event). An approval is 5 pages and 4 PingOne calls, so these figures bound from
 * below what `npm run bench` can reach with this stack.
 *
 *   npx tsx bench/floor.ts [--requests N]
 */

const SERVERS = ['node:http', 'express', 'express+helmet', 'express+helmet+session+ejs'] as const;
const CALLERS = ['fetch', 'call path'] as const;
type Kind = (typeof SERVERS)[number] | (typeof CALLERS)[number];

const CLIENTS = 16;
// ejs ships no types; this is the one function used.
const ejs = createRequire(import.meta.url)('ejs') as {
  compile(template: string): (data: Record<string, unknown>) => string;
};
const PAGE = ejs.compile(
  '<!doctype html><title><%= title %></title><form method="post"><% for (const c of items) { %>' +
    '<option><%= c %></option><% } %><input name="_csrf" value="<%= token %>"></form>',
);

function serve(kind: Kind): Server {
  if (kind === 'node:http') {
    return createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    });
  }
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (kind !== 'express') app.use(helmet());
  if (kind === 'express+helmet+session+ejs') {
    app.use(express.urlencoded({ extended: false }));
    app.use(
      session({
        secret: 'floor',
        resave: false,
        saveUninitialized: false,
        cookie: { maxAge: 1_800_000 },
      }),
    );
    app.get('/', (req, res) => {
      req.session.views = (req.session.views ?? 0) + 1;
      res.send(PAGE({ title: 'Approve', items: ['EUR', 'USD', 'GBP'], token: req.sessionID }));
    });
  } else {
    app.get('/', (_req, res) => {
      res.json({ status: 'ok' });
    });
  }
  return createServer(app);
}

declare module 'express-session' {
  interface SessionData {
    views?: number;
  }
}

/** In the child: serve, or call the parent's server, and report over IPC. */
async function child(kind: Kind, requests: number, target: string | undefined): Promise<void> {
  if ((SERVERS as readonly string[]).includes(kind)) {
    const server = serve(kind);
    server.listen(0, '127.0.0.1', () =>
      process.send!({ port: (server.address() as AddressInfo).port }),
    );
    process.on('disconnect', () => process.exit(0));
    return;
  }
  const pingone = createPingOneClient();
  // The app always listens (its log lines): the events are built as they are there.
  if (kind === 'call path') onCall(undefined, () => {});
  const init = { method: 'POST', headers: {}, body: '{"otp":"123456"}' };
  const once =
    kind === 'fetch'
      ? async () => (await fetch(target!, init)).text()
      : async () =>
          (await pingone.call({ step: 'otp.check', method: 'POST', url: target!, json: {} })).body;
  for (let i = 0; i < 300; i++) await once();
  const before = process.cpuUsage();
  let sent = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (sent++ < requests) await once();
    }),
  );
  const used = process.cpuUsage(before);
  process.send!({ cpuMs: (used.user + used.system) / 1000 });
  process.exit(0);
}

function spawnChild(kind: Kind, requests: number, target?: string) {
  return fork(
    fileURLToPath(import.meta.url),
    ['--child', kind, String(requests), ...(target ? [target] : [])],
    { execArgv: ['--import', TSX_IMPORT] },
  );
}

async function measureServer(kind: Kind, requests: number): Promise<number> {
  const proc = spawnChild(kind, requests);
  const { port } = await new Promise<{ port: number }>((resolve) => proc.once('message', resolve));
  const http = createHttpClient(CLIENTS * 2);
  const url = `http://127.0.0.1:${port}/`;
  const jars = Array.from({ length: CLIENTS }, () => new CookieJar());
  const get = async (jar: CookieJar) => {
    const cookie = jar.header();
    const res = await http.send(url, { headers: cookie ? { cookie } : {} });
    jar.take(res.headers['set-cookie']);
  };
  for (let i = 0; i < 300; i++) await get(jars[i % CLIENTS]!);
  const before = sampleProcess(proc.pid!).cpuMs;
  let sent = 0;
  await Promise.all(
    jars.map(async (jar) => {
      while (sent++ < requests) await get(jar);
    }),
  );
  const cpuMs = sampleProcess(proc.pid!).cpuMs - before;
  http.close();
  proc.kill();
  return cpuMs / requests;
}

async function measureCaller(kind: Kind, requests: number, target: string): Promise<number> {
  const proc = spawnChild(kind, requests, target);
  const { cpuMs } = await new Promise<{ cpuMs: number }>((resolve) =>
    proc.once('message', resolve),
  );
  return cpuMs / requests;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--requests');
  const requests = at > 0 ? Number(process.argv[at + 1]) : 5000;
  const target = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['ST=a; Path=/', 'ST-NO-SS=b; Path=/']);
      res.end('{"id":"flow","status":"COMPLETED"}');
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/flows/x`;

  console.log(`CPU per request, ${requests} requests, ${CLIENTS} concurrent (ms)`);
  for (const kind of SERVERS) {
    console.log(`  serve ${kind.padEnd(30)} ${round(await measureServer(kind, requests), 3)}`);
  }
  for (const kind of CALLERS) {
    const ms = await measureCaller(kind, requests, targetUrl);
    console.log(`  call with ${kind.padEnd(26)} ${round(ms, 3)}`);
  }
  target.close();
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as Kind, Number(process.argv[4]), process.argv[5]);
} else {
  await main();
}
