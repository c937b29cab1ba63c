import type { Env, PingOneLocation, WorkerCredentials } from './app-config.js';
import type { Problems } from './config-error.js';
import { parseRegion, parseUrl, parseUuid, str } from './parse-setting.js';

/** The environment id, region and optional host overrides. */
export function parseLocation(p: Problems, env: Env, environmentId: string): PingOneLocation {
  const location: PingOneLocation = {
    environmentId: parseUuid(p, 'PINGONE_ENVIRONMENT_ID', environmentId) ?? environmentId,
    region: parseRegion(p, str(env, 'PINGONE_REGION')),
  };
  const apiUrl = parseUrl(p, 'PINGONE_API_URL', str(env, 'PINGONE_API_URL'));
  const authUrl = parseUrl(p, 'PINGONE_AUTH_URL', str(env, 'PINGONE_AUTH_URL'));
  if (apiUrl) location.apiUrl = apiUrl;
  if (authUrl) location.authUrl = authUrl;
  return location;
}

/** The worker application's credentials: both id and secret, each named when missing. */
export function parseWorker(
  p: Problems,
  env: Env,
  environmentId: string,
): WorkerCredentials | undefined {
  const clientId = str(env, 'PINGONE_WORKER_CLIENT_ID');
  const clientSecret = str(env, 'PINGONE_WORKER_CLIENT_SECRET');
  const workerEnv = str(env, 'PINGONE_WORKER_ENVIRONMENT_ID');
  parseUuid(p, 'PINGONE_WORKER_ENVIRONMENT_ID', workerEnv);
  if (!clientId) p.add("PINGONE_WORKER_CLIENT_ID is missing (the worker application's client id)");
  if (!clientSecret)
    p.add("PINGONE_WORKER_CLIENT_SECRET is missing (the worker application's secret)");
  if (!clientId || !clientSecret) return undefined;
  return { clientId, clientSecret, environmentId: workerEnv ?? environmentId };
}
