import { randomUUID } from 'node:crypto';
import { newClientSecret } from './management-applications.js';
import { createEnvironment, docs, save, type Environment, type Kind, type Store } from './store.js';

const OPENID_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'] as const;
const PINGONE_API_SCOPES = [
  'p1:read:user',
  'p1:update:user',
  'p1:read:device',
  'p1:create:device',
] as const;
const TEMPLATES = [
  'transaction',
  'general',
  'strong_authentication',
  'device_pairing',
  'verification_code_template',
] as const;

/** One environment as a fresh PingOne one looks to this workflow (worker app, resources, defaults). */
export function bootstrapEnvironment(
  store: Store,
  now: number,
  options: { environmentId?: string; worker?: { clientId: string; clientSecret: string } },
): { env: Environment; worker: { clientId: string; clientSecret: string } } {
  const env = createEnvironment(store, options.environmentId ?? randomUUID());
  const worker = {
    clientId: options.worker?.clientId ?? randomUUID(),
    clientSecret: options.worker?.clientSecret ?? newClientSecret(),
  };
  const add = (kind: Kind, fields: Record<string, unknown>) => save(env, kind, fields, now);

  const workerApp = {
    name: 'PingOne Emulator Worker',
    enabled: true,
    type: 'WORKER',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['CLIENT_CREDENTIALS'],
    responseTypes: [],
    redirectUris: [],
    postLogoutRedirectUris: [],
    tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
    pkceEnforcement: 'OPTIONAL',
    supportUnsignedRequestObject: false,
    requireSignedRequestObject: false,
  };
  save(env, 'applications', workerApp, now, { id: worker.clientId }); // its id is its client id
  env.secrets.set(worker.clientId, { secret: worker.clientSecret });

  const addResource = (
    fields: Record<string, unknown>,
    scopes: readonly string[],
    description: (scope: string) => string,
    extra: Record<string, unknown> = {},
  ) => {
    const { id } = add('resources', { ...fields, accessTokenValiditySeconds: 3600 });
    for (const name of scopes)
      add('scopes', { name, description: description(name), resource: { id }, ...extra });
  };
  addResource(
    { name: 'openid', type: 'OPENID_CONNECT', audience: 'openid' },
    OPENID_SCOPES,
    (name) => `OpenID Connect ${name} scope`,
    { schemaAttributes: [] },
  );
  addResource(
    { name: 'PingOne API', type: 'PINGONE_API', audience: 'https://api.pingone.com' },
    PINGONE_API_SCOPES,
    (name) => `PingOne API ${name}`,
  );

  const templates = docs(env, 'templates');
  for (const name of TEMPLATES) {
    templates.set(name, {
      id: name,
      name,
      environment: { id: env.id },
      displayName: name,
      deliveryMethods: ['SMS', 'Email', 'Voice', 'Push'],
    });
  }

  add('populations', { name: 'Default', description: 'The default population', default: true });
  // A fresh environment's default MFA policy, in the full shape PingOne answers (docs/pingone-contract.md §4 step 14).
  const failure = { count: 3, coolDown: { duration: 2, timeUnit: 'MINUTES' } };
  const offline = {
    enabled: true,
    otp: { failure, lifeTime: { duration: 30, timeUnit: 'MINUTES' }, otpLength: 6 },
  };
  add('deviceAuthenticationPolicies', {
    name: 'Default MFA Policy',
    default: true,
    forSignOnPolicy: false,
    newDeviceNotification: 'EMAIL_THEN_SMS',
    authentication: { deviceSelection: 'DEFAULT_TO_FIRST' },
    ...{ sms: offline, email: offline, voice: offline },
    mobile: { enabled: true, otp: { failure } },
    totp: { enabled: true, otp: { failure } },
    fido2: { enabled: true },
  });
  const single = add('signOnPolicies', {
    name: 'Single_Factor',
    description: 'The default sign-on policy',
    default: true,
  });
  add('actions', {
    signOnPolicy: { id: single.id },
    priority: 1,
    type: 'LOGIN',
    recovery: { enabled: true },
  });
  return { env, worker };
}
