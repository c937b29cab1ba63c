// GSM-7 (3GPP TS 23.038; an extension character costs two septets), else UCS-2, counted as a
// carrier counts. National shift tables are not assumed: without them a carrier sends UCS-2.

export interface SmsMeasure {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  length: number;
  segments: number;
  perSegment: number;
  /** UCS-2 only: the first character that is not in the GSM-7 alphabet. */
  outside?: string;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsMeasure['encoding'], { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

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
  const outside = chars.find((c) => !GSM_BASIC.has(c) && !GSM_EXTENSION.has(c));
  const encoding = outside === undefined ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((c) => (outside !== undefined ? c.length : GSM_BASIC.has(c) ? 1 : 2));
  const length = costs.reduce((sum, cost) => sum + cost, 0);
  const limit = LIMITS[encoding];
  const single = length <= limit.single;
  return {
    encoding,
    length,
    segments: single ? 1 : parts(costs, limit.part),
    perSegment: single ? limit.single : limit.part,
    ...(outside !== undefined && { outside }),
  };
}
