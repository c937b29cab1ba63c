import { parseArgs } from 'node:util';
import { ConfigError, type SetupFlags } from '../config.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `Usage: npm run setup -- [options]

Provisions a PingOne environment for the SMS transaction approval (steps 1-15 of Ping's
workflow) and writes the application's settings to an env file. Safe to run again: it reuses
what exists, repairs what drifted and creates only what is missing.

Options:
  --phone +E164        the demo user's mobile number (or PINGONE_PHONE)
  --username NAME      the demo user (default: <prefix>-demo, or PINGONE_USERNAME)
  --redirect-uri URL   the app's redirect URI (default: BASE_URL/callback)
  --prefix NAME        prefix of every object's name (default: TxApproval)
  --write-env PATH     env file to read settings from and write to (default: .env)
  --dry-run            read only: show what would be created or repaired
  --teardown           delete everything carrying the prefix
  --json               print one JSON result on stdout (progress goes to stderr)
  --show-secrets       include the application's secret in --json output
  --steps              print the workflow's 19 steps, their calls and code, and exit
  --help               this text

Environment (or the env file): PINGONE_ENVIRONMENT_ID, PINGONE_REGION (com, ca, eu, com.au,
sg, asia), PINGONE_WORKER_CLIENT_ID, PINGONE_WORKER_CLIENT_SECRET, PINGONE_WORKER_ENVIRONMENT_ID
(when the worker lives in another environment), PINGONE_API_URL / PINGONE_AUTH_URL (overrides).

Exit codes: 0 done, 1 PingOne refused or failed, 2 bad input or configuration.`;

type Flags = SetupFlags & { help?: boolean; steps?: boolean };

const STRINGS = ['phone', 'username', 'redirect-uri', 'prefix', 'write-env'];
const BOOLEANS = ['dry-run', 'teardown', 'json', 'show-secrets', 'steps', 'help'];

export function parseFlags(argv: string[]): Flags {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(STRINGS.map((name) => [name, { type: 'string' as const }])),
      ...Object.fromEntries(BOOLEANS.map((name) => [name, { type: 'boolean' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length) throw new ConfigError([`unexpected argument "${positionals[0]}"`]);
  // Each flag under its option's camelCase name: --dry-run is dryRun.
  const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [camel(k), v])) as Flags;
}
