import { measureSms, type SmsMeasure } from '../approval/sms-encoding.js';
import { transferSms, type SmsTransfer } from '../approval/sms-text.js';
import type { InspectorOptions } from './inspector-options.js';

export type SmsReading = { text: string; measure: SmsMeasure } | { unreadable: string };

// The demo phone is shared and the outbox knows no flows: a message is this transfer's only when its
// text is the template rendered with this transfer and its own code; otherwise nothing is shown.
export async function readSms(
  options: Pick<InspectorOptions, 'smsOutboxUrl' | 'phoneHint' | 'smsTimeoutMs'>,
  transfer: SmsTransfer,
): Promise<SmsReading> {
  if (!options.smsOutboxUrl) return { unreadable: 'no outbox to read' };
  const url = new URL(options.smsOutboxUrl);
  if (options.phoneHint) url.searchParams.set('to', options.phoneHint);
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(options.smsTimeoutMs ?? 1_000),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) return { unreadable: `HTTP ${res.status}` };
    const list = (await res.json()) as unknown;
    const mine = (
      Array.isArray(list) ? (list as Array<{ text?: unknown; otp?: unknown }>) : []
    ).find(
      (m) =>
        typeof m.text === 'string' &&
        typeof m.otp === 'string' &&
        m.otp.length >= 4 &&
        m.text === transferSms(transfer, m.otp),
    );
    if (!mine) return { unreadable: 'no message with this transfer’s text' };
    const text = mine.text as string;
    const code = mine.otp as string;
    // Measured before masking: the mask is not in the GSM alphabet, the code's digits are.
    return { text: text.split(code).join('•'.repeat(code.length)), measure: measureSms(text) };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.name : 'failed' };
  }
}
