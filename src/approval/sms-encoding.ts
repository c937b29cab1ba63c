/**
 * How a text travels as SMS: in GSM-7 (3GPP TS 23.038, the GSM 03.38 default alphabet) when
 * every character is in its basic set or extension table, otherwise in UCS-2. Counted the way
 * a carrier counts: septets (an extension character costs two, the escape and itself) or UTF-16
 * units, 160 septets or 70 units in one message, 153 or 67 per part once a user-data header
 * joins the parts. An escape pair or a surrogate pair is never split across two parts.
 * National language shift tables are not assumed: without them a carrier sends UCS-2, so the
 * count here is the one that holds everywhere.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  length: number;
  segments: number;
  /** What one message holds in this encoding: 160 or 70 alone, 153 or 67 per part. */
  perSegment: number;
  /** UCS-2 only: the first character that is not in the GSM-7 alphabet. */
  outside?: string;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

/** What each character costs in GSM-7; undefined when one of them is not in the alphabet. */
function septets(chars: string[]): { costs: number[] } | { outside: string } {
  const costs: number[] = [];
  for (const char of chars) {
    if (GSM_BASIC.has(char)) costs.push(1);
    else if (GSM_EXTENSION.has(char)) costs.push(2);
    else return { outside: char };
  }
  return { costs };
}

/** Parts of `size` units, none splitting a character. */
function parts(costs: number[], size: number): number {
  let count = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > size) {
      count++;
      used = 0;
    }
    used += cost;
  }
  return count;
}

export function measureSms(text: string): SmsMeasure {
  const chars = [...text];
  const gsm = septets(chars);
  const encoding: SmsEncoding = 'costs' in gsm ? 'GSM-7' : 'UCS-2';
  const costs = 'costs' in gsm ? gsm.costs : chars.map((c) => c.length);
  const length = costs.reduce((sum, cost) => sum + cost, 0);
  const limit = LIMITS[encoding];
  const single = length <= limit.single;
  const measure: SmsMeasure = {
    encoding,
    length,
    segments: single ? 1 : parts(costs, limit.part),
    perSegment: single ? limit.single : limit.part,
  };
  if ('outside' in gsm) measure.outside = gsm.outside;
  return measure;
}
