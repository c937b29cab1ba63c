import type Database from 'better-sqlite3';
import type { ApprovalRecord, ApprovalStore, StoreHealth } from '../approval/approval-store.js';
import { approvalTimeMs } from './approval-time.js';
import { whileBusy } from './sqlite-busy.js';

interface ApprovalRow {
  transfer_id: string;
  approval_id: string;
  amount: string;
  currency: string;
  payee: string;
  from_account: string;
  transfer_hash: string;
  approved_at: string;
  evidence: string;
}

const COLUMNS =
  'transfer_id, approval_id, amount, currency, payee, from_account, transfer_hash, approved_at, evidence';

function prepareStatements(db: Database.Database) {
  return {
    // DO NOTHING on the primary key makes "record once" a property of the table: the second
    // writer of a transfer id changes no row, whichever process or request it comes from.
    insert: db.prepare<[ApprovalRow & { approved_at_ms: number }]>(
      `INSERT INTO approvals (${COLUMNS}, approved_at_ms)
       VALUES (@transfer_id, @approval_id, @amount, @currency, @payee, @from_account,
               @transfer_hash, @approved_at, @evidence, @approved_at_ms)
       ON CONFLICT (transfer_id) DO NOTHING`,
    ),
    get: db.prepare<[string], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals WHERE transfer_id = ?`,
    ),
    recent: db.prepare<[number], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals ORDER BY approved_at_ms DESC, transfer_id DESC LIMIT ?`,
    ),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
  };
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    transferId: row.transfer_id,
    approvalId: row.approval_id,
    amount: row.amount,
    currency: row.currency,
    payee: row.payee,
    fromAccount: row.from_account,
    transferHash: row.transfer_hash,
    approvedAt: row.approved_at,
    evidence: JSON.parse(row.evidence) as ApprovalRecord['evidence'],
  };
}

/**
 * Approval records in SQLite. The database handle belongs to the store factory (it also holds
 * the sessions), so `close()` leaves it open; `Stores.close()` closes it.
 */
export class SqliteApprovalStore implements ApprovalStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  // A locked file (another process writing, a backup) is retried without blocking the loop,
  // then surfaces as SQLITE_BUSY: a 503, never an approval recorded after the answer.
  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    const row = {
      transfer_id: record.transferId,
      approval_id: record.approvalId,
      amount: record.amount,
      currency: record.currency,
      payee: record.payee,
      from_account: record.fromAccount,
      transfer_hash: record.transferHash,
      approved_at: record.approvedAt,
      approved_at_ms: approvalTimeMs(record),
      evidence: JSON.stringify(record.evidence),
    };
    const result = await whileBusy(() => this.statements.insert.run(row));
    return result.changes === 1;
  }

  async get(transferId: string): Promise<ApprovalRecord | undefined> {
    const row = await whileBusy(() => this.statements.get.get(transferId));
    return row && toRecord(row);
  }

  async listRecent(limit: number): Promise<ApprovalRecord[]> {
    const count = Math.max(0, Math.floor(limit));
    const rows = await whileBusy(() => this.statements.recent.all(count));
    return rows.map(toRecord);
  }

  async health(): Promise<StoreHealth> {
    if (!this.db.open) return { ok: false, kind: 'sqlite', detail: 'database closed' };
    try {
      this.statements.ping.get();
      return { ok: true, kind: 'sqlite' };
    } catch (err) {
      return {
        ok: false,
        kind: 'sqlite',
        detail: err instanceof Error ? err.message : String(err),
      };
    }
  }

  async close(): Promise<void> {}
}
