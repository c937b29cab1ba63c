import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { measureSms } from '../../src/approval/sms-encoding.js';
import { appForTest, csrfOf, latestOtp, submitCode, submitTransfer } from '../helpers/app.js';

/**
 * The payee over HTTP, against the real emulator: what the form refuses (and keeps for the
 * person to correct), what the SMS, the pages and the record carry when it is accepted, and the
 * SMS preview the approve page shows before anything is sent.
 */
const TRANSFER = { amount: '250.00', currency: 'EUR' };
const POLISH = 'Przedsiębiorstwo Handlowo-Usługowe Żółć Sp. z o.o.';

/** The text of the field's error and of the error summary's line, and the field's value. */
function formOf(html: string) {
  return {
    fieldError: /<p class="error" id="payee-error">([^<]*)<\/p>/.exec(html)?.[1],
    summary: /<div class="alert error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '',
    value: /<input id="payee"[^>]*value="([^"]*)"/.exec(html)?.[1],
    invalid: /<input id="payee"[^>]*aria-invalid="true"/.test(html),
  };
}

describe('POST /approvals: the payee', () => {
  it('refuses an invisible filler on the form, naming it and where, and keeps the field', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const res = await submitTransfer(agent, { ...TRANSFER, payee: 'Bob \u3164?' });
    expect(res.status).toBe(400);
    const form = formOf(res.text);
    const message =
      'The 5th character, “\u3164” (U+3164, an invisible Hangul filler), cannot be sent by SMS: it shows as nothing.';
    expect(form.fieldError).toBe(message);
    expect(form.summary).toContain(`<a href="#payee">${message}</a>`);
    expect(form.value).toBe('Bob \u3164?');
    expect(form.invalid).toBe(true);
    expect(res.text).toContain('value="250.00"');
    expect(t.emulator.handle.sms()).toHaveLength(0);
  });

  it.each([
    ['a line separator', 'Bob\u2028Alice', 'U+2028, a line separator'],
    ['a Cyrillic letter in a Latin name', 'Pаypal Ltd', 'U+0430, a Cyrillic letter'],
    ['mathematical letters', '𝐁𝐨𝐛 Ltd', 'a mathematical letter shaped like “B”'],
    ['a fake code', 'Bob Ltd? Code: 000000. Ignore next', 'the word “Code”'],
    ['as many digits as the code', 'Bob Ltd 000000', '6 or more digits in a row'],
  ])('refuses %s, for a JSON client as {error: {code, fields}}', async (_, payee, message) => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const csrf = csrfOf((await agent.get('/')).text);
    const res = await agent
      .post('/approvals')
      .set('accept', 'application/json')
      .type('form')
      .send({ ...TRANSFER, payee, _csrf: csrf });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.fields.payee).toContain(message);
    expect(t.emulator.handle.sms()).toHaveLength(0);
  });

  it('sends, shows and records the normalized payee: NFC, one space for every run', async () => {
    const t = await appForTest();
    const agent = request.agent(t.app);
    const typed = '\u00a0Zoe\u0308\u2003\u2003Mu\u0308ller   GmbH\u3000';
    const payee = 'Zoë Müller GmbH';
    expect((await submitTransfer(agent, { ...TRANSFER, payee: typed })).status).toBe(303);
    const [sms] = t.emulator.handle.sms();
    expect(sms!.text).toBe(`Approve 250.00 EUR to ${payee}? Code: ${sms!.otp}`);
    expect((await agent.get('/approvals/otp')).text).toContain(`<dd>${payee}</dd>`);
    expect((await submitCode(agent, latestOtp(t.emulator))).headers.location).toBe(
      '/approvals/result',
    );
    const [record] = await t.approvals.listRecent(1);
    expect(record!.payee).toBe(payee);
    expect((await agent.get('/approvals/result')).text).toContain(payee);
  });

  it('SMS_MAX_SEGMENTS=1 refuses a payee that needs a second SMS part; the default 2 sends it', async () => {
    const narrow = await appForTest({ env: { SMS_MAX_SEGMENTS: '1' } });
    const one = await submitTransfer(request.agent(narrow.app), { ...TRANSFER, payee: POLISH });
    expect(one.status).toBe(400);
    expect(formOf(one.text).fieldError).toBe(
      'With this payee the SMS takes 2 messages (UCS-2: “ę” is not in the GSM alphabet); at most 1 are sent. Shorten it by 16 characters.',
    );
    expect(formOf(one.text).value).toBe(POLISH);
    expect(narrow.emulator.handle.sms()).toHaveLength(0);

    const t = await appForTest();
    expect(
      (await submitTransfer(request.agent(t.app), { ...TRANSFER, payee: POLISH })).status,
    ).toBe(303);
    // What the emulator texted is what the form counted: two UCS-2 parts.
    const [sms] = t.emulator.handle.sms();
    expect(measureSms(sms!.text)).toMatchObject({ encoding: 'UCS-2', segments: 2, length: 86 });
  });
});

describe('the SMS preview: how the SMS will travel, before it is sent', () => {
  it('GET / shows the demo transfer’s SMS, encoding, length and segments, without script', async () => {
    const t = await appForTest();
    const page = await request(t.app).get('/');
    expect(page.text).toContain(
      '<p class="sms-preview-text" id="sms-preview-text">Approve 250.00 EUR to Bob Example Ltd? Code: ••••••</p>',
    );
    expect(page.text).toContain('GSM-7 · 51 of 160 characters · 1 SMS');
    expect(page.text).toContain('<script src="/assets/sms-preview.js" defer></script>');
    expect(page.text).toMatch(/<input id="payee"[^>]*maxlength="70"/);
    const script = await request(t.app).get('/assets/sms-preview.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('the form re-rendered for another field shows no preview until the whole transfer can go', async () => {
    const t = await appForTest();
    const res = await submitTransfer(request.agent(t.app), {
      amount: 'abc',
      currency: 'EUR',
      payee: 'Zoë Müller GmbH',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Shown once the transfer above can be sent.');
    const fixed = await submitTransfer(request.agent(t.app), {
      amount: '',
      currency: 'EUR',
      payee: 'Bob \u3164?',
    });
    expect(fixed.text).not.toContain('Code: ••••••');
  });

  it('GET /approvals/sms-preview measures with the form’s own rules, and stores no session', async () => {
    const t = await appForTest();
    const ok = await request(t.app)
      .get('/approvals/sms-preview')
      .query({ ...TRANSFER, payee: 'Zoë Müller GmbH' })
      .set('accept', 'application/json');
    expect(ok.status).toBe(200);
    expect(ok.headers['set-cookie']).toBeUndefined();
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.body).toEqual({
      sms: {
        text: 'Approve 250.00 EUR to Zoë Müller GmbH? Code: ••••••',
        summary: 'UCS-2 (“ë” is not in the GSM alphabet) · 51 of 70 characters · 1 SMS',
        encoding: 'UCS-2',
        length: 51,
        segments: 1,
        perSegment: 70,
        maxSegments: 2,
      },
    });

    const refused = await request(t.app)
      .get('/approvals/sms-preview')
      .query({ ...TRANSFER, payee: 'Bob\u2800Ltd' })
      .set('accept', 'application/json');
    expect(refused.status).toBe(400);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(refused.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { payee: expect.stringContaining('U+2800, a blank Braille pattern') },
    });

    const repeated = await request(t.app)
      .get('/approvals/sms-preview?amount=1&amount=2&currency=EUR&payee=Bob')
      .set('accept', 'application/json');
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.fields).toHaveProperty('amount');
    expect(t.emulator.handle.sms()).toHaveLength(0);
  });
});
