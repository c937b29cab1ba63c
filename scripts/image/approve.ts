/**
 * One approval over plain HTTP, as a browser without JavaScript does it, for scripts/image-smoke.sh:
 * the form page, the transfer, the code page, the code from the emulator's SMS outbox, the result.
 * Each request goes to the next of the `--app` URLs in turn, so with two instances behind no
 * balancer the flow alternates between them. The session cookie lives in `--jar`, so a flow can
 * be started by one run (`--phase start`) and finished by another (`--phase finish`).
 *
 *   tsx scripts/image/approve.ts --app URL [--app URL2] --sms URL --jar FILE
 *       [--phase all|start|finish] [--timeline] [--request-id ID]
 *
 * Prints one line per request; exits 0 when the transfer was approved, 1 with the reason if not.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const PHONE = '+15555550100';
const TIMEOUT_MS = 15_000;

const { values } = parseArgs({
  options: {
    app: { type: 'string', multiple: true },
    sms: { type: 'string' },
    jar: { type: 'string' },
    phase: { type: 'string', default: 'all' },
    timeline: { type: 'boolean', default: false },
    'request-id': { type: 'string' },
  },
  strict: true,
});
const apps = values.app ?? [];
if (!apps.length || !values.sms || !values.jar) {
  console.error(
    'usage: approve.ts --app URL [--app URL] --sms URL --jar FILE [--phase all|start|finish]',
  );
  process.exit(2);
}
const jarFile = values.jar;
const cookies: Record<string, string> = existsSync(jarFile)
  ? (JSON.parse(readFileSync(jarFile, 'utf8')) as Record<string, string>)
  : {};
let turn = 0;

async function send(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
  const base = apps[turn++ % apps.length]!;
  const headers: Record<string, string> = {
    cookie: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  };
  if (values['request-id']) headers['x-request-id'] = `${values['request-id']}-${turn}`;
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(new URL(path, base), {
    method,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    cookies[pair!.slice(0, eq).trim()] = pair!.slice(eq + 1).trim();
  }
  writeFileSync(jarFile, JSON.stringify(cookies));
  const text = await res.text();
  const location = res.headers.get('location');
  console.log(`${method} ${path} via ${base} -> ${res.status}${location ? ` ${location}` : ''}`);
  return { status: res.status, location, text };
}

function fail(reason: string): never {
  console.error(`approval failed: ${reason}`);
  process.exit(1);
}

function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) fail('no CSRF token in the page');
  return token;
}

async function newestOtp(): Promise<string> {
  const url = new URL(values.sms!);
  url.searchParams.set('to', PHONE);
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const list = (await res.json()) as Array<{ otp?: string }>;
  const otp = list[0]?.otp;
  if (!otp) fail(`no SMS in ${values.sms}`);
  return otp;
}

async function start(): Promise<void> {
  const page = await send('GET', '/');
  if (page.status !== 200) fail(`GET / answered ${page.status}`);
  const started = await send('POST', '/approvals', {
    payee: 'Ada Lovelace',
    amount: '125.00',
    currency: 'EUR',
    _csrf: csrfOf(page.text),
  });
  if (started.status !== 303 || started.location !== '/approvals/otp') {
    fail(`POST /approvals answered ${started.status} ${started.location ?? ''}`);
  }
}

async function finish(): Promise<void> {
  const page = await send('GET', '/approvals/otp');
  if (page.status !== 200) fail(`GET /approvals/otp answered ${page.status}`);
  const checked = await send('POST', '/approvals/otp', {
    otp: await newestOtp(),
    _csrf: csrfOf(page.text),
  });
  if (checked.status !== 303 || checked.location !== '/approvals/result') {
    fail(`POST /approvals/otp answered ${checked.status} ${checked.location ?? ''}`);
  }
  const result = await send('GET', '/approvals/result');
  if (result.status !== 200 || !result.text.includes('Transfer approved')) {
    fail(`the result page (${result.status}) does not say "Transfer approved"`);
  }
  if (values.timeline && !result.text.includes('Inspector: what travelled')) {
    fail('the result page shows no inspector timeline');
  }
}

try {
  if (values.phase === 'all' || values.phase === 'start') await start();
  if (values.phase === 'all' || values.phase === 'finish') await finish();
} catch (error) {
  fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
