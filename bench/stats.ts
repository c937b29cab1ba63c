export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in milliseconds, rounded to 0.01. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (!sorted.length) return 0;
    const index = Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
    );
    return round(sorted[index]!);
  };
  return { p50: at(50), p95: at(95), p99: at(99), max: round(sorted.at(-1) ?? 0) };
}

export const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const mb = (bytes: number): number => round(bytes / (1024 * 1024), 1);

/** Student's t at 97.5% (a two-sided 95% interval) by degrees of freedom; 1.96 beyond 30. */
const T_975: Record<number, number> = {
  1: 12.706,
  2: 4.303,
  3: 3.182,
  4: 2.776,
  5: 2.571,
  6: 2.447,
  7: 2.365,
  8: 2.306,
  9: 2.262,
  10: 2.228,
  15: 2.131,
  20: 2.086,
  30: 2.042,
};

function t975(df: number): number {
  const known = Object.keys(T_975)
    .map(Number)
    .filter((d) => d <= df);
  return df > 30 ? 1.96 : T_975[Math.max(...known)]!;
}

/**
 * The mean of paired differences (one per round, each measured in the same window) and its 95%
 * interval; no interval from a single round.
 */
export function meanWithInterval(values: number[]): { mean: number; low?: number; high?: number } {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / Math.max(1, n);
  if (n < 2) return { mean };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const half = t975(n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half };
}
