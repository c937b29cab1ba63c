import { parseArgs } from 'node:util';
import { runSoak, type SoakSample } from './soak/run-soak.js';

/**
 * `tsx scripts/soak.ts [--approvals 10000] [--users 20] [--fresh-browsers]`: many approvals
 * through one app process on the SQLite store; prints the app's RSS and the session table's
 * size as it goes. Exit 0 when every approval succeeded, 1 otherwise, 2 on bad flags.
 */
function mb(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function line(s: SoakSample): string {
  const rate = s.elapsedMs ? ((s.done / s.elapsedMs) * 1000).toFixed(0) : '0';
  return `${String(s.done).padStart(6)} approvals  ${(s.elapsedMs / 1000).toFixed(1).padStart(6)} s  ${rate.padStart(4)}/s  RSS ${mb(s.rssBytes).padStart(9)}  session rows ${s.sessionRows}  approval rows ${s.approvalRows}`;
}

async function main(): Promise<number> {
  let values: { approvals?: string; users?: string; 'fresh-browsers'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        approvals: { type: 'string' },
        users: { type: 'string' },
        'fresh-browsers': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (values.help) {
    console.log('Usage: tsx scripts/soak.ts [--approvals 10000] [--users 20] [--fresh-browsers]');
    return 0;
  }
  const approvals = Number(values.approvals ?? 10_000);
  const users = Number(values.users ?? 20);
  if (!Number.isInteger(approvals) || approvals < 1 || !Number.isInteger(users) || users < 1) {
    console.error('--approvals and --users must be whole numbers of at least 1');
    return 2;
  }
  console.log(
    `Soak: ${approvals} approvals, ${users} ${values['fresh-browsers'] ? 'at a time, each from a new browser' : 'browsers reused'}, SQLite store, app in its own process`,
  );
  const result = await runSoak({
    approvals,
    users,
    freshBrowsers: values['fresh-browsers'] ?? false,
    onSample: (s) => console.log(line(s)),
  });
  console.log(`\nstart   ${line(result.start)}`);
  console.log(`warm    ${line(result.warm)}`);
  console.log(`end     ${line(result.end)}`);
  console.log(
    `RSS start ${mb(result.start.rssBytes)}, after warm-up ${mb(result.warm.rssBytes)}, end ${mb(result.end.rssBytes)}, peak ${mb(result.peakRssBytes)}`,
  );
  console.log(
    `session rows start ${result.start.sessionRows}, end ${result.end.sessionRows}, peak ${result.peakSessionRows}; approvals recorded ${result.approvals}; failures ${result.failures}`,
  );
  if (result.firstFailure) console.log(`first failure: ${result.firstFailure}`);
  return result.failures === 0 && result.approvals === approvals ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Soak failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
