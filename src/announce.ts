import { join } from 'node:path';
import { ConfigError, logFormatFromProcess, type AppConfig } from './config.js';
import { createLogger, type Logger } from './log.js';
import type { StoreKind } from './store/create-stores.js';
import { SQLITE_FILE_NAME } from './store/open-sqlite-database.js';
import { redactRedisUrl } from './store/redact-redis-url.js';

/** server.ts's RunningStack (it imports this file). */
interface Announced {
  url: string;
  config: AppConfig;
  emulatorUrl?: string;
  phoneUrl?: string;
  storeKind: StoreKind;
}

export function explainConfigError(error: ConfigError): void {
  if (logFormatFromProcess() === 'json') {
    createLogger().fatal(
      { errorCode: error.code, problems: error.problems },
      'The app cannot start: the configuration has problems',
    );
    return;
  }
  console.error('The app cannot start: the configuration has problems.\n');
  for (const problem of error.problems) console.error(`  - ${problem}`);
  console.error(
    '\nFix them in .env or the environment. `npm run setup` provisions PingOne and writes the PINGONE_* settings;' +
      '\nwithout PINGONE_ENVIRONMENT_ID, `npm start` runs the offline demo against the built-in emulator' +
      '\n(with NODE_ENV=production only when DEMO=1 says so).',
  );
}

/** Three readable lines for `npm start`, one JSON line (the same facts as fields) for JSON logs. */
export function announce(stack: Announced, config: AppConfig, logger: Logger): void {
  const store =
    stack.storeKind === 'redis'
      ? `Redis at ${redactRedisUrl(config.redisUrl ?? '')}`
      : stack.storeKind === 'sqlite'
        ? `${join(config.dataDir, SQLITE_FILE_NAME)} (SQLite)`
        : 'memory (lost when the app stops)';
  const where = stack.phoneUrl
    ? `Embedded PingOne emulator at ${stack.emulatorUrl}; the SMS arrives on ${stack.phoneUrl}`
    : `PingOne environment ${stack.config.pingone?.environmentId} (${stack.config.approvalUi} approval UI)`;
  const first = `Approve a transfer at ${stack.config.baseUrl}  (listening on ${stack.url})`;
  if (config.logFormat === 'json') {
    logger.info(
      {
        event: 'ready',
        baseUrl: stack.config.baseUrl,
        listening: stack.url,
        mode: stack.config.mode,
        ...(stack.phoneUrl ? { emulatorUrl: stack.emulatorUrl, phoneUrl: stack.phoneUrl } : {}),
        store: stack.storeKind,
      },
      `${first}. ${where}. Sessions and approvals in ${store}`,
    );
    return;
  }
  console.log([first, where, `Sessions and approvals in ${store}`].join('\n'));
}
