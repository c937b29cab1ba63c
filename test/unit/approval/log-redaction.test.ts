import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { PingOneError } from '../../../src/pingone/pingone-error.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('createLogger', () => {
  it('redacts secrets, OTPs, cookies, tokens and bodies wherever a careless call puts them', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        otp: '123456',
        clientSecret: 'client-secret-value',
        flow: {
          cookies: { ST: 'cookie-value' },
          codeVerifier: 'verifier-value',
          nonce: 'nonce-value',
        },
        tokens: { access_token: 'access-token-value', id_token: 'id-token-value' },
        req: { headers: { cookie: 'txa.sid=session-value' }, body: { otp: '654321' } },
        upstream: { cookies: { ST: 'any-holder-cookie' }, headers: { cookie: 'ST=any-header' } },
        transferId: 'kept-visible',
      },
      'careless',
    );
    const text = lines.join('');
    for (const secret of [
      '123456',
      'client-secret-value',
      'cookie-value',
      'verifier-value',
      'nonce-value',
      'access-token-value',
      'id-token-value',
      'session-value',
      '654321',
      'any-holder-cookie',
      'any-header',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('kept-visible');
    expect(text).toContain('[redacted]');
  });

  it('redacts the bindings of a child logger too (pino’s redact applies to them, as to each line)', () => {
    const { logger, lines } = capture();
    logger
      .child({ flow: { cookies: { ST: 'child-cookie-value' } }, otp: '246813' })
      .info({ res: { 'set-cookie': ['ST=set-cookie-value'] } }, 'child');
    const text = lines.join('');
    for (const secret of ['child-cookie-value', '246813', 'set-cookie-value']) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ otp: '[redacted]', msg: 'child' });
  });

  it('keeps PingOne’s own `code` and `state` one level down, and changes nothing it was given', () => {
    const { logger, lines } = capture();
    const given = { answer: { code: 'INVALID_DATA', state: 'OTP_REQUIRED' }, code: 'auth-code' };
    logger.info(given, 'nested');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ answer: { code: 'INVALID_DATA', state: 'OTP_REQUIRED' } });
    expect(line.code).toBe('[redacted]');
    expect(given.code).toBe('auth-code');
  });

  it('serializes errors by name, message and code only (no request, no cause body)', () => {
    const { logger, lines } = capture();
    const error = new PingOneError({
      step: 'token',
      method: 'POST',
      url: 'https://auth.pingone.com/env/as/token',
      status: 400,
      code: 'invalid_grant',
      cause: { body: 'secret-body' },
    });
    logger.warn({ err: error }, 'failed');
    const entry = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(entry.err).toEqual({
      type: 'PingOneError',
      message: expect.stringContaining('invalid_grant'),
      code: 'invalid_grant',
      status: 400,
      step: 'token',
    });
    expect(lines[0]).not.toContain('secret-body');
  });
});
