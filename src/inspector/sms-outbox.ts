import { measureSms, type SmsMeasure } from '../approval/sms-encoding.js';
import { transferSms, type SmsTransfer } from '../approval/sms-text.js';
import type { InspectorOptions } from './inspector-options.js';

export type SmsReading = { text: string; measure: SmsMeasure } | { unreadable: string };

/**
 * The emulator's message for a transfer, read from its outbox (`GET /__emulator/sms`), with the
 * code masked. The one place the inspector meets a code, and only the local emulator's: real
 * PingOne has no outbox. The outbox says nothing about flows (to, text, otp, sentAt) and the demo
 * phone is shared: a message is this transfer's only when its text is exactly the provisioned
 * template rendered with this transfer and the message's own code. Messages that match differ in
 * their code alone; none that match means nothing is shown rather than another person's transfer.
 */
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
