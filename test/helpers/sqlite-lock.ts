import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface SqliteLock {
  /** COMMIT, then wait for the holder to exit. */
  release(): Promise<void>;
}

// A second process, as a backup tool or `sqlite3 store.sqlite "BEGIN IMMEDIATE;"` would be: it
// takes the write lock, says so, and holds it until its stdin closes.
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { timeout: 10000 });
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
process.stdin.resume();
process.stdin.on('end', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
`;

/** Holds `BEGIN IMMEDIATE` on the SQLite file `file` from another process until `release()`. */
export async function holdSqliteLock(file: string): Promise<SqliteLock> {
  const child: ChildProcess = spawn(process.execPath, ['-e', HOLDER, file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no lock within 15 s: ${output}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the lock holder exited: ${output}`));
    });
  });
  return {
    async release() {
      if (child.exitCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}
