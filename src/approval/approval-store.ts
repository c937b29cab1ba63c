// Written once per transfer id, after the ID token was validated: `createIfAbsent` is atomic in
// every store, so two requests or instances racing on one flow record one approval.
export interface ApprovalRecord {
  transferId: string;
  /** Ours, shown on the result page for support tickets. */
  approvalId: string;
  amount: string;
  currency: string;
  payee: string;
  fromAccount: string;
  transferHash: string;
  approvedAt: string;
  /** One JSON value in every store: a new field needs no schema change; older records lack it. */
  evidence: {
    sub: string;
    acr?: string;
    amr?: string[];
    authTime?: number;
    sid?: string;
    iss?: string;
    aud?: string | string[];
    jti?: string;
    idTokenSha256?: string;
  };
}

export type StoreHealth = { ok: boolean; kind: 'memory' | 'sqlite' | 'redis'; detail?: string };
export type ApprovalCursor = { approvedAtMs: number; transferId: string };

/** Pages are ordered by time, then transfer id, both descending. */
export function cursorAfter(record: ApprovalRecord): ApprovalCursor {
  return { approvedAtMs: Date.parse(record.approvedAt), transferId: record.transferId };
}

export function isBelow(record: ApprovalRecord, cursor: ApprovalCursor): boolean {
  const ms = Date.parse(record.approvedAt);
  return (
    ms < cursor.approvedAtMs ||
    (ms === cursor.approvedAtMs && record.transferId < cursor.transferId)
  );
}

export interface ApprovalStore {
  /** True when this call wrote it. */
  createIfAbsent(record: ApprovalRecord): Promise<boolean>;
  get(transferId: string): Promise<ApprovalRecord | undefined>;
  /** A page costs the same however many records there are (an index or a sorted set, no scan). */
  listRecent(limit: number, before?: ApprovalCursor): Promise<ApprovalRecord[]>;
  health(): Promise<StoreHealth>;
}

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
}
