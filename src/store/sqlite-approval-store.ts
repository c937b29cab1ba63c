import type Database from 'better-sqlite3';
import type {
  ApprovalCursor,
  ApprovalRecord,
  ApprovalStore,
  StoreHealth,
} from '../approval/approval-store.js';
import { whileBusy } from './open-sqlite-database.js';

/** Each column of the approvals table and the record field it holds (`evidence` as JSON). */
const FIELD_OF = {
  transfer_id: 'transferId',
  approval_id: 'approvalId',
  amount: 'amount',
  currency: 'currency',
  payee: 'payee',
  from_account: 'fromAccount',
  transfer_hash: 'transferHash',
  approved_at: 'approvedAt',
  evidence: 'evidence',
} as const satisfies Record<string, keyof ApprovalRecord>;

type ApprovalRow = Record<keyof typeof FIELD_OF, string>;
const COLUMNS = Object.keys(FIELD_OF).join(', ');

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
    // A row-value comparison walks the (approved_at_ms DESC, transfer_id DESC) index from the
    // cursor on: the same cost on page 50,000 as on page 1.
    below: db.prepare<[number, string, number], ApprovalRow>(
      `SELECT ${COLUMNS} FROM approvals WHERE (approved_at_ms, transfer_id) < (?, ?)
       ORDER BY approved_at_ms DESC, transfer_id DESC LIMIT ?`,
    ),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
  };
}

function toRow(record: ApprovalRecord): ApprovalRow {
  const entries = Object.entries(FIELD_OF).map(([column, field]) => [
    column,
    field === 'evidence' ? JSON.stringify(record.evidence) : record[field],
  ]);
  return Object.fromEntries(entries) as ApprovalRow;
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  const entries = Object.entries(FIELD_OF).map(([column, field]) => {
    const value = row[column as keyof ApprovalRow];
    return [field, field === 'evidence' ? JSON.parse(value) : value];
  });
  return Object.fromEntries(entries) as ApprovalRecord;
}

/**
 * Approval records in SQLite. The database handle belongs to the store factory, so `close()`
 * leaves it open; `Stores.close()` closes it.
 */
export class SqliteApprovalStore implements ApprovalStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  // A locked file (another process writing, a backup) is retried without blocking the loop,
  // then surfaces as SQLITE_BUSY: a 503, never an approval recorded after the answer. The
  // insert returns once its commit is on disk (synchronous = FULL, open-sqlite-database.ts).
  async createIfAbsent(record: ApprovalRecord): Promise<boolean> {
    const row = { ...toRow(record), approved_at_ms: Date.parse(record.approvedAt) };
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
