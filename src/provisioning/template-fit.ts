import { smsPreview } from '../approval/sms-text.js';
import { LONGEST_AMOUNT, PAYEE_MAX } from '../approval/transfer.js';
import { DEFAULT_SMS_MAX_SEGMENTS } from '../config/app-config.js';

// The longest transfer in GSM-7 must fit, or no full-length payee could be sent; UCS-2 is reported
// with how long such a payee may be, because the form refuses what goes beyond.
export function templateFit(
  content: string,
  otpLength: number,
  limit = DEFAULT_SMS_MAX_SEGMENTS,
): { name: string; ok: boolean; detail?: string; report: string } {
  const longest = (letter: string, length = PAYEE_MAX) =>
    smsPreview(
      { amount: LONGEST_AMOUNT, currency: 'EUR', payee: letter.repeat(length) },
      otpLength,
      content,
    );
  const gsm = longest('W');
  const ucs = longest('Ł');
  let ucsMax = PAYEE_MAX;
  while (ucsMax > 0 && longest('Ł', ucsMax).segments > limit) ucsMax--;
  const parts = (n: number) => `${n} ${n === 1 ? 'segment' : 'segments'}`;
  const report =
    `GSM-7 ${gsm.length} septets, ${parts(gsm.segments)}; ` +
    `UCS-2 ${ucs.length} units, ${parts(ucs.segments)}; limit ${parts(limit)}` +
    (ucsMax < PAYEE_MAX ? ` (a payee outside GSM-7 may have ${ucsMax} characters)` : '');
  const ok = gsm.segments <= limit;
  const name = `transaction SMS with the longest transfer fits ${parts(limit)}`;
  return ok ? { name, ok, report } : { name, ok, detail: report, report };
}
