import type { PingOneLocation } from '../config.js';

/** Every PingOne address this project uses, for one environment. */
export interface PingOneUrls {
  /** Management base including `/v1`. */
  api: string;
  /** Auth host base without the environment id. */
  auth: string;
  /** `{auth}/{env}/as`: the issuer, and the `aud` of the request JWT. */
  issuer: string;
  discovery: string;
  jwks: string;
  authorize: string;
  token: string;
  resume: string;
  /** `{api}/environments/{env}`: prefix of every management call of this environment. */
  environment: string;
  /** `{auth}/{env}/flows/{flowId}`. */
  flow(flowId: string): string;
  /** Token endpoint of another environment (a worker that lives elsewhere). */
  tokenOf(environmentId: string): string;
}

/**
 * Builds PingOne's hosts from the region (`com`, `ca`, `eu`, `com.au`, `sg`, `asia`), or takes
 * the overrides (`PINGONE_API_URL`, `PINGONE_AUTH_URL`) used for the emulator and proxies.
 * The only place in the project where a hostname is built.
 *
 * @see https://apidocs.pingidentity.com/pingone/platform/v1/api/#top (regions and domains)
 */
export function pingoneUrls(location: PingOneLocation): PingOneUrls {
  const tld = location.region;
  const api = (location.apiUrl ?? `https://api.pingone.${tld}/v1`).replace(/\/+$/, '');
  const auth = (location.authUrl ?? `https://auth.pingone.${tld}`).replace(/\/+$/, '');
  const env = encodeURIComponent(location.environmentId);
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
    flow: (flowId) => `${auth}/${env}/flows/${encodeURIComponent(flowId)}`,
    tokenOf: (environmentId) => `${auth}/${encodeURIComponent(environmentId)}/as/token`,
  };
}
