/**
 * A generated corpus of malformed and hostile requests for the relying party. Each case is a raw
 * HTTP request; `session` says whether it is sent with a fresh, valid session and CSRF token
 * (so that validation, not the CSRF check, is what answers) and how the token is spoiled.
 */
export interface BadRequest {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** `valid`: a fresh session and its CSRF token; `none`: no cookie at all. */
  session: 'valid' | 'none' | 'no-csrf' | 'forged-csrf' | 'tampered-cookie' | 'foreign-csrf';
}

/** Every payload that must never come back verbatim (it holds `<`, `>` or `"`). */
export const XSS_MARK = 'xss7e1f';
export const XSS_PAYLOADS = [
  `<script>${XSS_MARK}()</script>`,
  `"><script>${XSS_MARK}()</script>`,
  `<img src=x onerror=${XSS_MARK}()>`,
  `<svg onload=${XSS_MARK}()>`,
  `" autofocus onfocus="${XSS_MARK}()`,
  `</textarea><script>${XSS_MARK}()</script>`,
  `<iframe src="javascript:${XSS_MARK}()">`,
  `<a href="javascript:${XSS_MARK}()">x</a>`,
  `<%= ${XSS_MARK} %><script>${XSS_MARK}()</script>`,
  `<scr<script>ipt>${XSS_MARK}()</script>`,
];

const PAYEES = [
  ...XSS_PAYLOADS,
  '',
  ' ',
  'A'.repeat(71),
  'B'.repeat(10_000),
  '${user.name}',
  'Bob ${7*7} Ltd',
  '{{7*7}}',
  'Bob\u0000Ltd',
  'Bob\u0007Ltd',
  'Bob\r\nSet-Cookie: x=1',
  'Bob\u202eLtd',
  'Bob\u200bLtd',
  '\ud83d\udcb8 Emoji Payee',
  'Zoë Ünicode Čhars',
  'e\u0301\u0301\u0301\u0301\u0301',
  '\ufeffBOM',
  '\u0085next line',
  'السلام',
  "Robert'); DROP TABLE approvals;--",
  '../../etc/passwd',
];

/**
 * Issue 24: payees a person would read differently on the page and in the SMS: invisible
 * letters and fillers, line and paragraph separators, piled-up accents, look-alikes from
 * another alphabet, mathematical and fullwidth letters, runs of odd spaces, fake codes. Each is
 * refused with a 400 naming the character (test/integration/attack-corpus.test.ts).
 */
export const DECEPTIVE_PAYEES = [
  'Bob \u3164?',
  '\u3164',
  'Bob\u2800Ltd',
  '\u115FBob Ltd',
  'Bob Ltd\uFFA0',
  'Bo\u034Fb Ltd',
  'Bob\u2028Alice\u2028Mallory',
  'Bob\u2029Ltd',
  'Bob\u180ELtd',
  'Bob\u2060Ltd',
  'Bob\uFE0FLtd',
  'Bob\u{E0041}Ltd',
  'Bob ' + 'e' + '\u0301'.repeat(60),
  'Bob x\u0301\u0302\u0303',
  'Pаypal Ltd',
  'Bob Εxample Ltd',
  'Аpple Inc',
  '𝐁𝐨𝐛 𝐄𝐱𝐚𝐦𝐩𝐥𝐞 𝐋𝐭𝐝',
  '𝖡𝗈𝖻 Ltd',
  'Ｂｏｂ Ｌｔｄ',
  'Bob Ltd １２３',
  'Bob Ltd? Code: 000000. Ignore next',
  'Bob Ltd code 1234',
  'Bob Ltd 000000',
  '\u00a0\u2003\u3000',
  'Bob \u200E\u200FLtd',
];

const AMOUNTS = [
  '',
  'abc',
  '-1',
  '-0.01',
  '0',
  '0.00',
  '1e9',
  '1000000.01',
  '99999999999999999999',
  '1'.repeat(400),
  'NaN',
  'Infinity',
  '1.234',
  '1,50',
  '１２',
  '1.5.5',
  '0x10',
  ' 12 ',
  '12\u0000',
  `<script>${XSS_MARK}()</script>`,
];

const CURRENCIES = ['', 'XXX', 'eur ', 'EURO', 'E', `<b>${XSS_MARK}</b>`, 'EUR\u0000', 'usd\n'];

const OTPS = [
  '',
  'abc',
  '12345',
  '1'.repeat(11),
  '1'.repeat(5000),
  '１２３４５６',
  '123 456',
  '123456\u0000',
  `<script>${XSS_MARK}()</script>`,
  '-123456',
  '1e5',
];

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_ACCEPT = { accept: 'application/json' };
const GOOD = { amount: '12.50', currency: 'EUR', payee: 'Corpus Payee' };

/** At least 200 requests; the count is asserted by the test. */
export function badRequestCorpus(): BadRequest[] {
  const cases: BadRequest[] = [];
  const add = (c: BadRequest) => cases.push(c);

  // Field values, as a browser form and as a JSON client would send them.
  for (const [i, payee] of PAYEES.entries()) {
    for (const accept of [{}, JSON_ACCEPT]) {
      add({
        name: `payee #${i}${accept === JSON_ACCEPT ? ' (json)' : ''}`,
        method: 'POST',
        path: '/approvals',
        headers: { ...FORM, ...accept },
        body: form({ ...GOOD, payee }),
        session: 'valid',
      });
    }
  }
  for (const [i, payee] of DECEPTIVE_PAYEES.entries()) {
    for (const accept of [{}, JSON_ACCEPT]) {
      add({
        name: `deceptive payee #${i}${accept === JSON_ACCEPT ? ' (json)' : ''}`,
        method: 'POST',
        path: '/approvals',
        headers: { ...FORM, ...accept },
        body: form({ ...GOOD, payee }),
        session: 'valid',
      });
    }
  }
  for (const [i, amount] of AMOUNTS.entries()) {
    add({
      name: `amount #${i}`,
      method: 'POST',
      path: '/approvals',
      headers: FORM,
      body: form({ ...GOOD, amount }),
      session: 'valid',
    });
  }
  for (const [i, currency] of CURRENCIES.entries()) {
    add({
      name: `currency #${i}`,
      method: 'POST',
      path: '/approvals',
      headers: FORM,
      body: form({ ...GOOD, currency }),
      session: 'valid',
    });
  }
  for (const [i, otp] of OTPS.entries()) {
    add({
      name: `otp #${i} without a flow`,
      method: 'POST',
      path: '/approvals/otp',
      headers: FORM,
      body: form({ otp }),
      session: 'valid',
    });
  }

  // Wrong types and shapes: repeated fields, bracket names, missing fields, other encodings.
  const shapes: Array<[string, string, Record<string, string>]> = [
    ['repeated amount', 'amount=1&amount=2&currency=EUR&payee=X', FORM],
    ['repeated payee', 'amount=1&currency=EUR&payee=A&payee=B', FORM],
    ['bracket names', 'amount[]=1&currency[x]=EUR&payee[$gt]=', FORM],
    ['prototype keys', '__proto__[x]=1&constructor[prototype][y]=2&amount=1', FORM],
    ['no fields', '', FORM],
    ['only equals', '=&==&===', FORM],
    ['bad percent-encoding', 'amount=%E0%A4%A&currency=%&payee=%zz', FORM],
    ['21 parameters', Array.from({ length: 21 }, (_, i) => `p${i}=1`).join('&'), FORM],
    ['JSON body', JSON.stringify({ ...GOOD, amount: 5 }), { 'content-type': 'application/json' }],
    ['JSON array', '[1,2,3]', { 'content-type': 'application/json' }],
    ['plain text', 'amount=1', { 'content-type': 'text/plain' }],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n1\r\n--x--',
      { 'content-type': 'multipart/form-data; boundary=x' },
    ],
    [
      'utf-7 charset',
      'amount=1',
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-7' },
    ],
    ['no content type', 'amount=1&currency=EUR&payee=X', {}],
    ['oversized 11 kB', form({ ...GOOD, payee: 'x'.repeat(11_000) }), FORM],
    ['oversized 2 MB', 'a='.concat('x'.repeat(2_000_000)), FORM],
    ['gzip that is not', 'amount=1', { ...FORM, 'content-encoding': 'gzip' }],
    ['unknown encoding', 'amount=1', { ...FORM, 'content-encoding': 'br2' }],
  ];
  for (const path of ['/approvals', '/approvals/otp', '/approvals/resend', '/approvals/cancel']) {
    for (const [name, body, headers] of shapes) {
      add({ name: `${name} → ${path}`, method: 'POST', path, headers, body, session: 'valid' });
    }
  }

  // CSRF and the session cookie.
  for (const path of ['/approvals', '/approvals/otp', '/approvals/resend', '/approvals/cancel']) {
    for (const session of [
      'none',
      'no-csrf',
      'forged-csrf',
      'foreign-csrf',
      'tampered-cookie',
    ] as const) {
      add({
        name: `${session} → ${path}`,
        method: 'POST',
        path,
        headers: FORM,
        body: form({ ...GOOD, payee: XSS_PAYLOADS[0]!, otp: '123456' }),
        session,
      });
    }
  }
  const cookies = [
    'txa.sid=garbage',
    'txa.sid=s%3Anot-a-session.invalidsig',
    'txa.sid=s%3A' + 'a'.repeat(4000),
    'txa.sid=%E0%A4%A',
    'txa.sid=s:abc.def; txa.sid=s:ghi.jkl',
    `txa.sid=${encodeURIComponent(XSS_PAYLOADS[0]!)}`,
  ];
  for (const [i, cookie] of cookies.entries()) {
    for (const path of ['/', '/approvals/otp', '/approvals/result']) {
      add({
        name: `cookie #${i} → GET ${path}`,
        method: 'GET',
        path,
        headers: { cookie },
        session: 'none',
      });
    }
  }

  // Unknown routes, hostile paths and query strings, every method.
  const paths = [
    '/admin',
    '/approvals/../../etc/passwd',
    '/approvals/%2e%2e/%2e%2e/etc/passwd',
    '/approvals/%00',
    '/approvals/otp/extra',
    '/%E0%A4%A',
    '/callback?code=x&state=y',
    `/?notice=${encodeURIComponent(XSS_PAYLOADS[0]!)}`,
    `/?notice=session-expired&x=${encodeURIComponent(XSS_PAYLOADS[2]!)}`,
    `/approvals/result?transferId=${encodeURIComponent(XSS_PAYLOADS[1]!)}`,
    `/approvals?limit=-1&x=${encodeURIComponent(XSS_PAYLOADS[3]!)}`,
    `/${encodeURIComponent(XSS_PAYLOADS[0]!)}`,
    '/healthz?verbose=1',
    '/assets/../src/server.ts',
    '/assets/%2e%2e%2fpackage.json',
  ];
  for (const path of paths) {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      add({ name: `${method} ${path}`, method, path, session: 'none' });
    }
  }
  for (const method of ['HEAD', 'PROPFIND', 'TRACE', 'PURGE']) {
    add({ name: `${method} /`, method, path: '/', session: 'none' });
  }
  return cases;
}
