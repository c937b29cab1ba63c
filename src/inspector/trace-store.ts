import { REDIS_KEY_PREFIX } from '../store/connect-redis-client.js';
import type { Trace } from './trace.js';

// Reading a trace is always gated by the session that owns it (inspector-http.ts).
export interface TraceStore {
  put(trace: Trace): Promise<void>;
  get(id: string): Promise<Trace | undefined>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class MemoryTraceStore implements TraceStore {
  private readonly traces = new Map<string, { trace: Trace; at: number }>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly max = 200,
    private readonly ttlMs = DAY_MS,
  ) {}

  async put(trace: Trace): Promise<void> {
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

  async get(id: string): Promise<Trace | undefined> {
    const entry = this.traces.get(id);
    if (!entry) return undefined;
    if (this.now().getTime() - entry.at > this.ttlMs) {
      this.traces.delete(id);
      return undefined;
    }
    return structuredClone(entry.trace);
  }
}

interface TraceRedis {
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

// One key per id that expires on its own: bounded without a sweep.
export class RedisTraceStore implements TraceStore {
  constructor(
    private readonly client: TraceRedis,
    private readonly keyPrefix = REDIS_KEY_PREFIX,
    private readonly ttlMs = DAY_MS,
  ) {}

  private key(id: string): string {
    return `${this.keyPrefix}trace:${id}`;
  }

  async put(trace: Trace): Promise<void> {
    const json = JSON.stringify(trace);
    const ids = [trace.transferId, trace.approvalId].filter((id): id is string => Boolean(id));
    await Promise.all(ids.map((id) => this.client.set(this.key(id), json, { PX: this.ttlMs })));
  }

  async get(id: string): Promise<Trace | undefined> {
    const json = await this.client.get(this.key(id));
    return json ? (JSON.parse(json) as Trace) : undefined;
  }
}
