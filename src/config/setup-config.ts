import {
  defaultBaseUrl,
  type Env,
  type PingOneLocation,
  type WorkerCredentials,
} from './app-config.js';
import { Problems } from './config-error.js';
import { parseMs, parsePort, parseUrl, str } from './parse-setting.js';
import { parseLocation, parseWorker } from './pingone-location.js';

export const DEFAULT_PREFIX = 'TxApproval';
export const E164 = /^\+[1-9][0-9]{6,14}$/;
/** PingOne's sign-on policy name pattern; our prefix ends up in that name. */
const NAME = /^[a-zA-Z0-9_. -]+$/;

export interface SetupConfig {
  location: PingOneLocation;
  worker: WorkerCredentials;
  phone: string;
  username: string;
  redirectUri: string;
  prefix: string;
  writeEnvPath: string;
  dryRun: boolean;
  teardown: boolean;
  json: boolean;
  showSecrets: boolean;
  timeoutMs: number;
}

/** The setup command's flags, already split by `scripts/setup.ts`; undefined when not given. */
export type SetupFlags = Partial<
  Omit<SetupConfig, 'location' | 'worker' | 'writeEnvPath' | 'timeoutMs'> & { writeEnv: string }
>;

/**
 * Validates the setup command's inputs: flags first, then the environment, then the env file.
 * Lists every problem at once (exit code 2 in the command line).
 */
export function loadSetupConfig(flags: SetupFlags, env: Env): SetupConfig {
  const p = new Problems();
  const environmentId = str(env, 'PINGONE_ENVIRONMENT_ID');
  if (!environmentId) p.add('PINGONE_ENVIRONMENT_ID is missing (the environment to provision)');
  const location = parseLocation(p, env, environmentId ?? '');
  const worker = parseWorker(p, env, location.environmentId);
  // The app's own default, so that the redirect URI registered is the one `npm start` uses.
  const baseUrl =
    parseUrl(p, 'BASE_URL', str(env, 'BASE_URL')) ??
    defaultBaseUrl(parsePort(p, 'PORT', str(env, 'PORT'), 3000));
  const phone = flags.phone ?? str(env, 'PINGONE_PHONE');
  if (!phone && !flags.teardown)
    p.add("--phone is missing (the demo user's mobile number, e.g. --phone +15125201234)");
  if (phone && !E164.test(phone)) p.add(`--phone must be + and 7-15 digits (got "${phone}")`);
  const prefix = flags.prefix ?? DEFAULT_PREFIX;
  if (!NAME.test(prefix) || prefix.length > 40) {
    p.add(
      `--prefix may hold letters, digits, space, "_", "." and "-", at most 40 (got "${prefix}")`,
    );
  }
  const username =
    flags.username ??
    str(env, 'PINGONE_USERNAME') ??
    `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-demo`;
  if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(username))
    p.add(`--username has characters PingOne refuses (got "${username}")`);
  const redirectUri = parseUrl(p, '--redirect-uri', flags.redirectUri) ?? `${baseUrl}/callback`;
  if (flags.dryRun && flags.teardown) p.add('--dry-run and --teardown cannot be combined');
  const timeoutMs = parseMs(p, env, 'PINGONE_TIMEOUT_MS');
  p.throwIfAny();
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
