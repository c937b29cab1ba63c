import { fileURLToPath } from 'node:url';

/**
 * Where the benchmarks write their results: bench/results/ (ignored by git, so a run leaves the
 * clone clean), or BENCH_RESULTS_DIR (the CI smoke). The figures the docs quote are in
 * docs/performance.md.
 */
export const RESULTS =
  process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('./results/', import.meta.url));
