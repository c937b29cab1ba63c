import type { PingOneLocation } from '../config.js';
import { LOCAL_ERROR_CODES, PingOneError } from '../pingone/pingone-error.js';

// Built-in roles per https://apidocs.pingidentity.com/pingone/platform/v1/api/#roles
export function roleFor(step: string): string {
  const s = step.toLowerCase();
  if (/application|grant|secret|assign|resource|scope/.test(s))
    return 'Client Application Developer';
  if (/device polic|sign-on polic|policy action|mfa action|template|population(?! users)/.test(s)) {
    return 'Environment Admin';
  }
  return 'Identity Data Admin';
}

const REQUIRED_ROLES = 'Environment Admin, Identity Data Admin and Client Application Developer';

export function explainFailure(error: unknown, location: PingOneLocation): string {
  if (!(error instanceof PingOneError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const id = error.pingoneErrorId ? ` PingOne error id: ${error.pingoneErrorId}.` : '';
  const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
  const what = `${error.step} (${error.method} ${error.url})`;
  const region = `PINGONE_REGION=${location.region}${location.apiUrl ? `, PINGONE_API_URL=${location.apiUrl}` : ''}`;
  const token = error.step === 'worker token';

  if (error.code === LOCAL_ERROR_CODES.timeout || error.code === LOCAL_ERROR_CODES.network) {
    return `No answer from PingOne for ${what}${tries}: ${error.description ?? error.code}. Check the network and the region (${region}).`;
  }
  if (token && (error.status === 401 || error.code === 'invalid_client')) {
    return (
      `PingOne refused the worker credentials (${error.status} ${error.code}). Check PINGONE_WORKER_CLIENT_ID and ` +
      `PINGONE_WORKER_CLIENT_SECRET, that the worker application lives in PINGONE_WORKER_ENVIRONMENT_ID ` +
      `(default: the target environment), is enabled and uses client_secret_basic, and the region (${region}).${id}`
    );
  }
  if (token && error.status === 404) {
    return `PingOne does not know the worker's environment in this region (${region}): check PINGONE_WORKER_ENVIRONMENT_ID / PINGONE_ENVIRONMENT_ID and PINGONE_REGION.${id}`;
  }
  if (error.status === 401) {
    return (
      `PingOne refused the worker token for ${what} (401 ${error.code}). The worker credentials or the region are ` +
      `wrong: a token from one region is refused by another region's hosts. Check PINGONE_REGION (${region}).${id}`
    );
  }
  if (error.status === 403) {
    return (
      `The worker application may not do ${error.step} (403 ${error.code}): give it the ${roleFor(error.step)} role ` +
      `on environment ${location.environmentId} (setup needs ${REQUIRED_ROLES}). A role granted a moment ago ` +
      `can take a minute to apply.${id}`
    );
  }
  if (error.status === 404 && /list|find/.test(error.step)) {
    return `PingOne does not know environment ${location.environmentId} (${region}): check PINGONE_ENVIRONMENT_ID and PINGONE_REGION.${id}`;
  }
  if (error.status === 429 || (error.status !== undefined && error.status >= 500)) {
    return `PingOne kept answering ${error.status} ${error.code} to ${what}${tries}; run setup again later.${id}`;
  }
  const detail = error.details[0]?.message ?? error.description ?? '';
  return `PingOne refused ${what}: ${error.status ?? ''} ${error.code}${detail ? ` - ${detail}` : ''}.${id}`;
}
