import diagnostics_channel from 'node:diagnostics_channel';
import type { Outcome } from '../approval/session-state.js';
import { subscribe } from './subscribe.js';

/**
 * What the approval core tells on its `approval.event` diagnostics channel, as metrics and traces
 * read it: metadata only (no code, cookie, token, payee or phone), published in the request the
 * step happened in. This file is the one place that knows the shape; a change of the core's
 * event changes only `approvalEventOf`.
 */
export const APPROVAL_CHANNEL = 'approval.event';

export const APPROVAL_EVENT_KINDS = [
  'started',
  'sms-sent',
  'code-wrong',
  'code-accepted',
  'resumed',
  'token-checked',
  'recorded',
  'settled',
] as const;

export type ApprovalEventKind = (typeof APPROVAL_EVENT_KINDS)[number];

export interface ApprovalEvent {
  kind: ApprovalEventKind;
  /** The transfer (approval) the event belongs to. Kept in memory, never in a label or a span. */
  transferId?: string;
  /** `settled`: what the result page shows. */
  outcome?: Outcome;
  /** `settled` not approved: a stable reason code (`store_failure`, `token_rejected`…). */
  reason?: string;
  /** `settled` after PingOne failed: the workflow step that failed (16–19). */
  step?: number;
}

const KINDS: ReadonlySet<string> = new Set(APPROVAL_EVENT_KINDS);

/** The event in `message`, or undefined when it is not one this code understands. */
export function approvalEventOf(message: unknown): ApprovalEvent | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (typeof m.kind !== 'string' || !KINDS.has(m.kind)) return undefined;
  const event: ApprovalEvent = { kind: m.kind as ApprovalEventKind };
  if (typeof m.transferId === 'string') event.transferId = m.transferId;
  if (typeof m.outcome === 'string') event.outcome = m.outcome as Outcome;
  if (typeof m.reason === 'string') event.reason = m.reason;
  if (typeof m.step === 'number') event.step = m.step;
  return event;
}

/** Calls `listener` for every approval event until `signal` aborts; it never throws into the core. */
export function onApprovalEvent(listener: (event: ApprovalEvent) => void, signal: AbortSignal) {
  subscribe(
    diagnostics_channel.channel(APPROVAL_CHANNEL),
    (message: unknown) => {
      const event = approvalEventOf(message);
      if (event) listener(event);
    },
    signal,
  );
}
