import { templateVariables } from '../approval/request-jwt.js';
import type { PendingTransfer } from '../approval/session-state.js';
import { TEMPLATE_CONTENT } from '../provisioning/steps/template-content.js';
import type { InspectorOptions } from './inspector-options.js';
import { maskCode } from './redact.js';

export type SmsReader = (
  transfer: PendingTransfer | undefined,
) => Promise<{ text?: string; unreadable?: string }>;

/** The SMS PingOne renders for `transfer`: the provisioned template, pi.template's variables. */
function transactionText(transfer: PendingTransfer, otp: string): string {
  const values: Record<string, string> = { ...templateVariables(transfer), OTP: otp };
  return TEMPLATE_CONTENT.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

export function createSmsReader(
  options: Pick<InspectorOptions, 'smsOutboxUrl' | 'phoneHint' | 'smsTimeoutMs'>,
): SmsReader {
  /**
   * This flow's SMS from the emulator's outbox. The outbox says nothing about flows (to, text,
   * otp, sentAt), and the demo phone is shared: a message is this flow's only when its text is
   * exactly the provisioned template rendered with this transfer (and the message's own code).
   * Messages that match differ in their code alone, which the timeline masks; none that match
   * means nothing is shown rather than another person's transfer.
   */
  return async function readSms(
    transfer: PendingTransfer | undefined,
  ): Promise<{ text?: string; unreadable?: string }> {
    if (!options.smsOutboxUrl) return {};
    if (!transfer) return { unreadable: 'no transfer to match the message to' };
    const url = new URL(options.smsOutboxUrl);
    if (options.phoneHint) url.searchParams.set('to', options.phoneHint);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(options.smsTimeoutMs ?? 1_000),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return { unreadable: `HTTP ${res.status}` };
      const list = (await res.json()) as Array<{ text?: unknown; otp?: unknown }>;
      const mine = (Array.isArray(list) ? list : []).find(
        (m) =>
          typeof m.text === 'string' &&
          typeof m.otp === 'string' &&
          m.text === transactionText(transfer, m.otp),
      );
      if (!mine) return { unreadable: 'no message with this transfer’s text' };
      return { text: maskCode(mine.text as string, mine.otp as string) };
    } catch (error) {
      return { unreadable: error instanceof Error ? error.name : 'failed' };
    }
  };
}
