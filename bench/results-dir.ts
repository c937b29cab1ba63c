import { fileURLToPath } from 'node:url';

/** Where the benchmarks write their results: bench/results/, or BENCH_RESULTS_DIR (the CI smoke). */
export const RESULTS =
  process.env.BENCH_RESULTS_DIR ?? fileURLToPath(new URL('./results/', import.meta.url));
