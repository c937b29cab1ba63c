import { defaultBaseUrl, type Env } from './app-config.js';
import { Settings } from './settings.js';

export const DEFAULT_PREFIX = 'TxApproval';
const E164 = /^\+[1-9][0-9]{6,14}$/;
/** PingOne's sign-on policy name pattern; our prefix ends up in that name. */
const NAME = /^[a-zA-Z0-9_. -]+$/;

/** The setup command's flags, already split by `scripts/setup.ts`; undefined when not given. */
export interface SetupFlags {
  phone?: string;
  username?: string;
  redirectUri?: string;
  prefix?: string;
  writeEnv?: string;
  dryRun?: boolean;
  teardown?: boolean;
  json?: boolean;
  showSecrets?: boolean;
}

export type SetupConfig = ReturnType<typeof loadSetupConfig>;

/** Validates the setup command's flags, then the environment, listing every problem at once. */
export function loadSetupConfig(flags: SetupFlags, env: Env) {
  const s = new Settings(env);
  const environmentId = s.str('PINGONE_ENVIRONMENT_ID');
  if (!environmentId) s.add('PINGONE_ENVIRONMENT_ID is missing (the environment to provision)');
  const location = s.location(environmentId ?? '');
  const worker = s.worker(location.environmentId);
  // The app's own default, so that the redirect URI registered is the one `npm start` uses.
  const baseUrl = s.url('BASE_URL') ?? defaultBaseUrl(s.number('PORT'));
  const phone = flags.phone ?? s.str('PINGONE_PHONE');
  if (!phone && !flags.teardown)
    s.add("--phone is missing (the demo user's mobile number, e.g. --phone +15125201234)");
  if (phone && !E164.test(phone)) s.add(`--phone must be + and 7-15 digits (got "${phone}")`);
  const prefix = flags.prefix ?? DEFAULT_PREFIX;
  if (!NAME.test(prefix) || prefix.length > 40) {
    s.add(
      `--prefix may hold letters, digits, space, "_", "." and "-", at most 40 (got "${prefix}")`,
    );
  }
  const username =
    flags.username ??
    s.str('PINGONE_USERNAME') ??
    `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-demo`;
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(username))
    s.add(`--username has characters PingOne refuses (got "${username}")`);
  const redirectUri = s.url('--redirect-uri', flags.redirectUri) ?? `${baseUrl}/callback`;
  if (flags.dryRun && flags.teardown) s.add('--dry-run and --teardown cannot be combined');
  const timeoutMs = s.number('PINGONE_TIMEOUT_MS');
  s.throwIfAny();
  return {
    location,
    worker: worker!,
    phone: phone ?? '',
    username,
    redirectUri,
    prefix,
    writeEnvPath: flags.writeEnv ?? '.env',
    dryRun: flags.dryRun ?? false,
    teardown: flags.teardown ?? false,
    json: flags.json ?? false,
    showSecrets: flags.showSecrets ?? false,
    timeoutMs,
  };
}
