import {
  isBelow,
  type ApprovalCursor,
  type ApprovalRecord,
  type ApprovalStore,
  type StoreHealth,
} from '../approval/approval-store.js';
import { withinDeadline, type RedisClient, type StoreLogger } from './connect-redis-client.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

async function measureOffset(client: RedisClient): Promise<number> {
  const before = Date.now();
  const [seconds, micros] = await client.time();
  const after = Date.now();
  // The server read its clock about halfway through the round trip.
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (before + after) / 2;
}

/**
 * The server's clock checks an approval's deadline: an app host minutes off would refuse or
 * accept late. The offset is measured again after each reconnect (a failover changes hosts).
 * `client` comes from connectRedisClient, so each reading has the commands' deadline.
 */
export async function redisClock(client: RedisClient, logger?: StoreLogger): Promise<() => number> {
  let offset = await measureOffset(client);
  client.on('ready', () => {
    measureOffset(client).then(
      (measured) => (offset = measured),
      (err: unknown) =>
        logger?.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not read the Redis clock after reconnecting; keeping the last offset',
        ),
    );
  });
  return () => Date.now() + offset;
}

// Record and index entry together or not at all, and only before the request's deadline: what a
// frozen server runs after the request gave up records nothing (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
const CREATE_IF_ABSENT = `
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[4]) then
  return -1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`;

/** Approvals recorded in one millisecond that a page read past a cursor leaves room for. */
const SAME_MILLISECOND = 32;

/** A JSON record per transfer id and a sorted set of the ids by `approvedAt` for `listRecent`. */
export class RedisApprovalStore implements ApprovalStore {
  private readonly indexKey: string;

  constructor(
    private readonly client: RedisClient,
    private readonly options: { keyPrefix: string; serverNow: () => number; deadlineMs: number },
  ) {
    this.indexKey = `${options.keyPrefix}approvals:recent`;
  }

  private recordKey(transferId: string): string {
    return `${this.options.keyPrefix}approval:${transferId}`;
  }

  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    // Ours less a margin (the reply's way back, the offset's error): we wait for what it accepts.
    const { deadlineMs, serverNow } = this.options;
    const serverDeadline = Math.floor(serverNow() + deadlineMs - Math.min(500, deadlineMs / 4));
    const written = await this.client.eval(CREATE_IF_ABSENT, {
      keys: [this.recordKey(record.transferId), this.indexKey],
      arguments: [
        JSON.stringify(record),
        String(Date.parse(record.approvedAt)),
        record.transferId,
        String(serverDeadline),
      ],
    });
    if (written === -1) {
      throw new StoreUnavailableError(
        'redis',
        'Redis ran the approval record after its deadline; nothing was recorded',
      );
    }
    return written === 1;
  }

  async get(transferId: string): Promise<ApprovalRecord | undefined> {
    const json = await this.client.get(this.recordKey(transferId));
    return json ? (JSON.parse(json) as ApprovalRecord) : undefined;
  }

  async listRecent(limit: number, before?: ApprovalCursor): Promise<ApprovalRecord[]> {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    // From the cursor's score down, with room for members of its millisecond, cut at the cursor.
    const ids = before
      ? await this.client.zRange(this.indexKey, before.approvedAtMs, '-inf', {
          BY: 'SCORE',
          REV: true,
          LIMIT: { offset: 0, count: count + SAME_MILLISECOND },
        })
      : await this.client.zRange(this.indexKey, 0, count - 1, { REV: true });
    if (ids.length === 0) return [];
    const values = await this.client.mGet(ids.map((id) => this.recordKey(id)));
    const records = values.flatMap((json) => (json ? [JSON.parse(json) as ApprovalRecord] : []));
    return (before ? records.filter((r) => isBelow(r, before)) : records).slice(0, count);
  }

  async health(): Promise<StoreHealth> {
    if (!this.client.isOpen) return { ok: false, kind: 'redis', detail: 'connection closed' };
    if (!this.client.isReady)
      return { ok: false, kind: 'redis', detail: 'not connected; reconnecting' };
    try {
      // A readiness probe answers before its caller (a load balancer, HEALTHCHECK) gives up.
      const pong = await withinDeadline(this.client.ping(), 1_000);
      return pong === 'PONG'
        ? { ok: true, kind: 'redis' }
        : { ok: false, kind: 'redis', detail: `unexpected PING answer` };
    } catch (err) {
      return { ok: false, kind: 'redis', detail: err instanceof Error ? err.message : String(err) };
    }
  }
}
