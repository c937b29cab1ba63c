import type { RequestHandler } from 'express';
import { ValidationError } from '../errors.js';
import { smsPreview, smsSummary } from './sms-text.js';
import { parseTransfer, type SmsLimits, type Transfer } from './transfer.js';

function viewOf(transfer: Transfer, limits: SmsLimits) {
  const sms = smsPreview(transfer, limits.otpLength);
  const { text, encoding, length, segments, perSegment } = sms;
  const summary = smsSummary(sms);
  return { text, summary, encoding, length, segments, perSegment, maxSegments: limits.maxSegments };
}

/** The approve page's preview; undefined while any field would be refused (the page says why). */
export function smsPreviewView(values: unknown, limits: SmsLimits) {
  const parsed = parseTransfer(values, limits);
  return parsed.ok ? viewOf(parsed.transfer, limits) : undefined;
}

/**
 * `GET /approvals/sms-preview?amount=&currency=&payee=`, asked by the approve page's script while
 * the person types: stateless, sends nothing, refuses a field as the form would.
 */
export function smsPreviewRoute(limits: SmsLimits): RequestHandler {
  return (req, res) => {
    const parsed = parseTransfer(req.query, limits);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    res.set('Cache-Control', 'no-store');
    res.json({ sms: viewOf(parsed.transfer, limits) });
  };
}
