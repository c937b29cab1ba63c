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
  /** Evidence from the validated ID token. */
  evidence: {
    sub: string;
    acr?: string;
    amr?: string[];
    authTime?: number;
    sid?: string;
  };
}

export interface StoreHealth {
  ok: boolean;
  kind: 'memory' | 'sqlite' | 'redis';
  detail?: string;
}

export interface ApprovalStore {
  /** Records `record` unless its transfer id is already recorded; true when this call wrote it. */
  createIfAbsent(record: ApprovalRecord): Promise<boolean>;
  get(transferId: string): Promise<ApprovalRecord | undefined>;
  /** Newest first. */
  listRecent(limit: number): Promise<ApprovalRecord[]>;
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

  async listRecent(limit: number): Promise<ApprovalRecord[]> {
    return [...this.records.values()]
      .sort((a, b) => b.approvedAt.localeCompare(a.approvedAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async health(): Promise<StoreHealth> {
    return { ok: true, kind: 'memory' };
  }

  async close(): Promise<void> {}
}
