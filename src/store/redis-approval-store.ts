import type { ApprovalRecord, ApprovalStore, StoreHealth } from '../approval/approval-store.js';
import { approvalTimeMs } from './approval-time.js';
import type { RedisClient } from './connect-redis-client.js';

// One script, so the record and its index entry are written together or not at all: a racing
// duplicate finds the key taken and adds nothing (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
const CREATE_IF_ABSENT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0`;

/**
 * Approval records in Redis: one string key per transfer id (the JSON record) and a sorted set
 * of transfer ids scored by `approvedAt` for `listRecent`. The client belongs to the store
 * factory (connect-redis uses it too), so `close()` leaves it open.
 */
export class RedisApprovalStore implements ApprovalStore {
  private readonly indexKey: string;

  constructor(
    private readonly client: RedisClient,
    private readonly keyPrefix: string,
  ) {
    this.indexKey = `${keyPrefix}approvals:recent`;
  }

  private recordKey(transferId: string): string {
    return `${this.keyPrefix}approval:${transferId}`;
  }

  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    const written = await this.client.eval(CREATE_IF_ABSENT, {
      keys: [this.recordKey(record.transferId), this.indexKey],
      arguments: [JSON.stringify(record), String(approvalTimeMs(record)), record.transferId],
    });
    return written === 1;
  }

  async get(transferId: string): Promise<ApprovalRecord | undefined> {
    const json = await this.client.get(this.recordKey(transferId));
    return json ? (JSON.parse(json) as ApprovalRecord) : undefined;
  }

  async listRecent(limit: number): Promise<ApprovalRecord[]> {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const ids = await this.client.zRange(this.indexKey, 0, count - 1, { REV: true });
    if (ids.length === 0) return [];
    const values = await this.client.mGet(ids.map((id) => this.recordKey(id)));
    return values.flatMap((json) => (json ? [JSON.parse(json) as ApprovalRecord] : []));
  }

  async health(): Promise<StoreHealth> {
    if (!this.client.isOpen) return { ok: false, kind: 'redis', detail: 'connection closed' };
    if (!this.client.isReady) {
      return { ok: false, kind: 'redis', detail: 'not connected; reconnecting' };
    }
    try {
      // Shorter than the command timeout: a readiness probe should answer before its caller gives up.
      const pong = await this.client.withCommandOptions({ timeout: 1_000 }).ping();
      return pong === 'PONG'
        ? { ok: true, kind: 'redis' }
        : { ok: false, kind: 'redis', detail: `unexpected PING answer` };
    } catch (err) {
      return { ok: false, kind: 'redis', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {}
}
