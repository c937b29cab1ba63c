/**
 * The approved transfers, with the evidence PingOne gave for each. Written once per transfer id,
 * only after the ID token was validated: `createIfAbsent` is the single place an approval is
 * recorded, and it is atomic in every implementation (memory, SQLite, Redis) so that two
 * requests or two instances racing on the same flow record one approval.
 */
export interface ApprovalRecord {
  /** The transfer's id, given when the transfer was submitted; the key. */
  transferId: string;
  /** Our id for the approval itself (shown on the result page, used in support tickets). */
  approvalId: string;
  amount: string;
  currency: string;
  payee: string;
  fromAccount: string;
  /** SHA-256 of the canonical transfer, bound into the flow when it started. */
  transferHash: string;
  /** ISO-8601 time the approval was recorded. */
  approvedAt: string;
  /**
   * Evidence from the validated ID token. Every store keeps it as one JSON value, so a field
   * added here needs no schema change, and records written before it simply lack it (`iss`,
   * `aud`, `jti`, `idTokenSha256` came later).
   */
  evidence: {
    sub: string;
    acr?: string;
    amr?: string[];
    authTime?: number;
    sid?: string;
    /** Who issued the ID token and for whom: the environment's issuer, our client id. */
    iss?: string;
    aud?: string | string[];
    /** The ID token's `jti`; when it has none, `idTokenSha256` names the token instead. */
    jti?: string;
    idTokenSha256?: string;
  };
}

export interface StoreHealth {
  ok: boolean;
  kind: 'memory' | 'sqlite' | 'redis';
  detail?: string;
}

/** Where a page of `listRecent` ends: the next page starts below this approval. */
export interface ApprovalCursor {
  approvedAtMs: number;
  transferId: string;
}

/** The cursor after `record`: pages are ordered by time, then transfer id, both descending. */
export function cursorAfter(record: ApprovalRecord): ApprovalCursor {
  return { approvedAtMs: Date.parse(record.approvedAt), transferId: record.transferId };
}

/** Whether `record` comes after `cursor` in the newest-first order. */
export function isBelow(record: ApprovalRecord, cursor: ApprovalCursor): boolean {
  const ms = Date.parse(record.approvedAt);
  return (
    ms < cursor.approvedAtMs ||
    (ms === cursor.approvedAtMs && record.transferId < cursor.transferId)
  );
}

export interface ApprovalStore {
  /** Records `record` unless its transfer id is already recorded; true when this call wrote it. */
  createIfAbsent(record: ApprovalRecord): Promise<boolean>;
  get(transferId: string): Promise<ApprovalRecord | undefined>;
  /**
   * Newest first (by time, then transfer id), at most `limit`, below `before` when given: a page
   * costs the same however many records the store holds (an index or a sorted set, never a scan).
   */
  listRecent(limit: number, before?: ApprovalCursor): Promise<ApprovalRecord[]>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** The in-process store: tests, and the embedded demo before a durable store is configured. */
export class MemoryApprovalStore implements ApprovalStore {
  private readonly records = new Map<string, ApprovalRecord>();

  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    if (this.records.has(record.transferId)) return false;
    this.records.set(record.transferId, structuredClone(record));
    return true;
  }

  async get(transferId: string): Promise<ApprovalRecord | undefined> {
    const record = this.records.get(transferId);
    return record && structuredClone(record);
  }

  async listRecent(limit: number, before?: ApprovalCursor): Promise<ApprovalRecord[]> {
    return [...this.records.values()]
      .filter((r) => !before || isBelow(r, before))
      .sort((a, b) => (isBelow(a, cursorAfter(b)) ? 1 : -1))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async health(): Promise<StoreHealth> {
    return { ok: true, kind: 'memory' };
  }

  async close(): Promise<void> {}
}
