import type { RequestHandler } from 'express';
import { ValidationError } from '../errors.js';
import { smsPreview, smsSummary } from './sms-text.js';
import { parseTransfer, type SmsLimits, type Transfer } from './transfer.js';

/** How the SMS of the transfer on the form will travel, as the approve page shows it. */
export interface SmsPreviewView {
  /** The SMS, the code's digits as `•`. */
  text: string;
  /** "GSM-7 · 52 of 160 characters · 1 SMS". */
  summary: string;
  encoding: string;
  length: number;
  segments: number;
  perSegment: number;
  maxSegments: number;
}

/**
 * The preview of the transfer the form holds, checked by the same rules as the form itself;
 * undefined while any field would be refused (the page then says why, field by field).
 */
export function smsPreviewView(values: unknown, limits: SmsLimits): SmsPreviewView | undefined {
  const parsed = parseTransfer(values, limits);
  return parsed.ok ? viewOf(parsed.transfer, limits) : undefined;
}

function viewOf(transfer: Transfer, limits: SmsLimits): SmsPreviewView {
  const sms = smsPreview(transfer, limits.otpLength);
  return {
    text: sms.text,
    summary: smsSummary(sms),
    encoding: sms.encoding,
    length: sms.length,
    segments: sms.segments,
    perSegment: sms.perSegment,
    maxSegments: limits.maxSegments,
  };
}

/**
 * `GET /approvals/sms-preview?amount=&currency=&payee=`: the approve page's script asks while the
 * person types. Stateless (no session is read or stored) and nothing is sent: it only measures,
 * and answers a field the form would refuse as the form would (400 INVALID_INPUT with the field
 * messages).
 */
export function smsPreviewRoute(limits: SmsLimits): RequestHandler {
  return (req, res) => {
    const parsed = parseTransfer(req.query, limits);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    res.set('Cache-Control', 'no-store');
    res.json({ sms: viewOf(parsed.transfer, limits) });
  };
}
