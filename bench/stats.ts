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
