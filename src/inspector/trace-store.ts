import type { Trace } from './trace.js';

/**
 * Finished traces by id (the approval id once approved, and always the transfer id), so that the
 * result page and `trace.json` show the whole story even when the session's copy is gone or was
 * cut. Reading one is always gated by the session that owns it (inspector.ts): holding an id is
 * not enough.
 */
export interface TraceStore {
  put(trace: Trace): void;
  get(id: string): Trace | undefined;
}

/** In-process, bounded and short-lived: the inspector is a teaching and support aid, not a log. */
export class MemoryTraceStore implements TraceStore {
  private readonly traces = new Map<string, { trace: Trace; at: number }>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly max = 200,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  put(trace: Trace): void {
    const entry = { trace: structuredClone(trace), at: this.now().getTime() };
    for (const id of [trace.transferId, trace.approvalId]) {
      if (!id) continue;
      this.traces.delete(id); // re-insert: Map order is the eviction order
      this.traces.set(id, entry);
    }
    while (this.traces.size > this.max * 2) {
      const oldest = this.traces.keys().next().value;
      if (oldest === undefined) break;
      this.traces.delete(oldest);
    }
  }

  get(id: string): Trace | undefined {
    const entry = this.traces.get(id);
    if (!entry) return undefined;
    if (this.now().getTime() - entry.at > this.ttlMs) {
      this.traces.delete(id);
      return undefined;
    }
    return structuredClone(entry.trace);
  }
}
