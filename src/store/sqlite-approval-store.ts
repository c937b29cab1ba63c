import type Database from 'better-sqlite3';
import type {
  ApprovalCursor,
  ApprovalRecord,
  ApprovalStore,
  StoreHealth,
} from '../approval/approval-store.js';
import { whileBusy } from './open-sqlite-database.js';

type ApprovalRow = Omit<ApprovalRecord, 'evidence'> & { evidence: string };

const COLUMNS = `transfer_id AS transferId, approval_id AS approvalId, amount, currency, payee,
  from_account AS fromAccount, transfer_hash AS transferHash, approved_at AS approvedAt, evidence`;

function prepareStatements(db: Database.Database) {
  return {
    // "Record once" as a property of the table: a second writer of a transfer id changes nothing.
    insert: db.prepare<[ApprovalRow & { approvedAtMs: number }]>(
      `INSERT INTO approvals (transfer_id, approval_id, amount, currency, payee, from_account,
         transfer_hash, approved_at, evidence, approved_at_ms)
       VALUES (@transferId, @approvalId, @amount, @currency, @payee, @fromAccount,
         @transferHash, @approvedAt, @evidence, @approvedAtMs)
       ON CONFLICT (transfer_id) DO NOTHING`,
    ),
    get: db.prepare<[string], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals WHERE transfer_id = ?`,
    ),
    recent: db.prepare<[number], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals ORDER BY approved_at_ms DESC, transfer_id DESC LIMIT ?`,
    ),
    // A row-value comparison walks the index from the cursor: any page costs what the first does.
    below: db.prepare<[number, string, number], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals WHERE (approved_at_ms, transfer_id) < (?, ?)
       ORDER BY approved_at_ms DESC, transfer_id DESC LIMIT ?`,
    ),
  };
}

const toRecord = (row: ApprovalRow): ApprovalRecord => ({
  ...row,
  evidence: JSON.parse(row.evidence) as ApprovalRecord['evidence'],
});

/** Approval records in SQLite; the store factory closes the database. */
export class SqliteApprovalStore implements ApprovalStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  // Locked for too long: SQLITE_BUSY, a 503, never a record written after the answer.
  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    const row = {
      ...record,
      evidence: JSON.stringify(record.evidence),
      approvedAtMs: Date.parse(record.approvedAt),
    };
    const result = await whileBusy(() => this.statements.insert.run(row));
    return result.changes === 1;
  }

  async get(transferId: string): Promise<ApprovalRecord | undefined> {
    const row = await whileBusy(() => this.statements.get.get(transferId));
    return row && toRecord(row);
  }

  async listRecent(limit: number, before?: ApprovalCursor): Promise<ApprovalRecord[]> {
    const count = Math.max(0, Math.floor(limit));
    const rows = await whileBusy(() =>
      before
        ? this.statements.below.all(before.approvedAtMs, before.transferId, count)
        : this.statements.recent.all(count),
    );
    return rows.map(toRecord);
  }

  async health(): Promise<StoreHealth> {
    if (!this.db.open) return { ok: false, kind: 'sqlite', detail: 'database closed' };
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true, kind: 'sqlite' };
    } catch (err) {
      return {
        ok: false,
        kind: 'sqlite',
        detail: err instanceof Error ? err.message : String(err),
      };
    }
  }
}
