/** Milliseconds per step (page or PingOne call) of one approval. */
export type Timings = Record<string, number>;

/** One complete approval for virtual client `client`; throws when it did not approve. */
export type Approval = (marker: string, timings: Timings, client: number) => Promise<void>;

export interface DriveOptions {
  clients: number;
  count: number;
  /** Makes every marker (the payee the SMS is found by) unique across phases. */
  phase: string;
  /** Stop early after this many failures (the figures would mean nothing). */
  maxFailures?: number;
  onProgress?: (done: number) => void;
}

export interface DriveResult {
  count: number;
  failures: number;
  /** The first few failure messages. */
  errors: string[];
  durationMs: number;
  /** Per step, every successful approval's time, in completion order. */
  steps: Record<string, number[]>;
  /** Whole approvals (first request to last answer, SMS look-up included). */
  total: number[];
}

/** Runs `count` approvals on `clients` virtual clients, each one after another on its client. */
export async function drive(approval: Approval, options: DriveOptions): Promise<DriveResult> {
  const result: DriveResult = {
    count: 0,
    failures: 0,
    errors: [],
    durationMs: 0,
    steps: {},
    total: [],
  };
  const maxFailures = options.maxFailures ?? 20;
  let next = 0;
  const started = performance.now();
  const client = async (index: number) => {
    while (next < options.count && result.failures < maxFailures) {
      const seq = next++;
      // Fixed width (no marker is the start of another), and no run of 6 digits: the app
      // refuses a payee with as many digits in a row as the code has.
      const n = String(seq)
        .padStart(6, '0')
        .replace(/^(\d{3})/, '$1-');
      const marker = `Bench ${options.phase} c${String(index).padStart(3, '0')} n${n}`;
      const timings: Timings = {};
      const t0 = performance.now();
      try {
        await approval(marker, timings, index);
      } catch (error) {
        result.failures++;
        if (result.errors.length < 5) result.errors.push((error as Error).message);
        continue;
      }
      result.total.push(performance.now() - t0);
      for (const [step, ms] of Object.entries(timings)) (result.steps[step] ??= []).push(ms);
      result.count++;
      options.onProgress?.(result.count);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  result.durationMs = performance.now() - started;
  return result;
}
