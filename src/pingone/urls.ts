import type { PingOneLocation } from '../config.js';

export type PingOneUrls = ReturnType<typeof pingoneUrls>;

/**
 * Every PingOne address of one environment, from the region or the `PINGONE_API_URL` and
 * `PINGONE_AUTH_URL` overrides: the only place in the project where a hostname is built.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#top (regions and domains)
 */
export function pingoneUrls(location: PingOneLocation) {
  const tld = location.region;
  const api = (location.apiUrl ?? `https://api.pingone.${tld}/v1`).replace(/\/+$/, '');
  const auth = (location.authUrl ?? `https://auth.pingone.${tld}`).replace(/\/+$/, '');
  const env = encodeURIComponent(location.environmentId);
  /** The issuer, and the `aud` of the request JWT. */
  const issuer = `${auth}/${env}/as`;
  return {
    api,
    auth,
    issuer,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: `${issuer}/jwks`,
    authorize: `${issuer}/authorize`,
    token: `${issuer}/token`,
    resume: `${issuer}/resume`,
    environment: `${api}/environments/${env}`,
    flow: (flowId: string) => `${auth}/${env}/flows/${encodeURIComponent(flowId)}`,
    /** The token endpoint of another environment (a worker that lives elsewhere). */
    tokenOf: (environmentId: string) => `${auth}/${encodeURIComponent(environmentId)}/as/token`,
  };
}
