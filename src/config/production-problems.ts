import ipaddr from 'ipaddr.js';
import type { AppConfig } from './app-config.js';

/** The settings real PingOne needs, as the refusal of an unintended demo names them. */
const PINGONE_SETTINGS = [
  'PINGONE_ENVIRONMENT_ID',
  'PINGONE_CLIENT_ID',
  'PINGONE_CLIENT_SECRET',
  'PINGONE_USERNAME',
  'PINGONE_TEMPLATE_VARIANT',
  'PINGONE_POLICY_NAME',
  'SESSION_SECRET',
];

/** Whether `url` names this machine: plain http there never crosses a network. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/**
 * What production (`NODE_ENV=production`) refuses unless `DEMO=1` says the deployment is a demo
 * on purpose: the offline demo itself (its emulator hands every code to whoever reaches it),
 * and plain http off this machine, which would carry the client secret, tokens and the session
 * cookie in clear. docs/operations.md gives the reasons for each choice.
 */
export function productionProblems(config: AppConfig): string[] {
  if (!config.production || config.demo) return [];
  const problems: string[] = [];
  if (config.mode === 'embedded') {
    problems.push(
      'NODE_ENV=production without PINGONE_ENVIRONMENT_ID would run the offline demo, whose ' +
        `emulator shows every code: set ${PINGONE_SETTINGS.join(', ')} for real PingOne ` +
        '(`npm run setup` writes them), or DEMO=1 to run the demo on purpose',
    );
  }
  const location = config.pingone;
  for (const [key, url] of [
    ['PINGONE_API_URL', location?.apiUrl],
    ['PINGONE_AUTH_URL', location?.authUrl],
  ] as const) {
    if (url?.startsWith('http://') && !isLoopbackUrl(url)) {
      problems.push(
        `${key} is plain http to another machine (${url}): the client secret and the tokens ` +
          'would cross the network in clear. Use https (plain http only to this machine, e.g. a ' +
          'local emulator), or DEMO=1 for a demo against an emulator elsewhere',
      );
    }
  }
  if (config.baseUrl.startsWith('http://') && !isLoopbackUrl(config.baseUrl)) {
    problems.push(
      `BASE_URL is plain http (${config.baseUrl}): browsers would send the session cookie and ` +
        'the codes in clear. Serve the app over https (a TLS-terminating proxy, with ' +
        "TRUST_PROXY set to the proxy's address) and set an https BASE_URL, or DEMO=1 for a demo",
    );
  }
  return problems;
}
