import { refuse } from './authorize-error.js';
import type { FlowStep } from './flow-registry.js';
import { find, list, type Doc, type Environment } from './store.js';

const byPriority = (a: Doc, b: Doc) => Number(a.priority) - Number(b.priority);

/** The sign-on policy: the one named by acr_values among the app's assignments, else the first by priority. */
export function policyOf(
  env: Environment,
  app: Doc,
  acrValues: string | undefined,
): { doc: Doc; actions: Doc[] } {
  const assigned = list(env, 'signOnPolicyAssignments', 'application.id', app.id)
    .sort(byPriority)
    .map((a) => find(env, 'signOnPolicies', (a.signOnPolicy as { id: string }).id))
    .filter((p): p is Doc => p !== undefined);
  let policy: Doc | undefined;
  if (acrValues) {
    // acr_values is space-separated (OIDC Core §3.1.2.1) yet policy names may hold spaces: try the whole value first.
    const names = [acrValues, ...acrValues.split(/\s+/).filter(Boolean)];
    policy = names.map((n) => assigned.find((p) => p.name === n)).find((p) => p !== undefined);
    if (!policy)
      throw refuse('acr_values', 'acr_values names no sign-on policy assigned to the application');
  } else {
    policy = assigned[0] ?? list(env, 'signOnPolicies').find((p) => p.default === true);
  }
  if (!policy) throw refuse('acr_values', 'No sign-on policy applies to the application');
  return {
    doc: policy,
    actions: list(env, 'actions', 'signOnPolicy.id', policy.id).sort(byPriority),
  };
}

/**
 * What the flow must still do, in order. Without a login hint (docs/pingone-contract.md §6.20), a
 * policy with a LOGIN action asks for username and password; an MFA-only policy asks only who the
 * user is (SIGN_ON_REQUIRED, then user.lookup). The hosted sign-on page (query mode) always asks
 * for both: it is the emulator's stand-in for PingOne's own page, whose form is PingOne's choice.
 */
export function pendingSteps(actions: Doc[], knownUser: boolean, piFlow: boolean): FlowStep[] {
  const pending: FlowStep[] = [];
  const login = actions.some((a) => a.type === 'LOGIN');
  if (!knownUser) pending.push(login || !piFlow ? 'PASSWORD' : 'LOOKUP');
  if (actions.some((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION')) pending.push('MFA');
  return pending;
}

/** `sub` of the login_hint_token: the user's id or username (docs/pingone-contract.md §5). */
export function userOf(env: Environment, sub: unknown): Doc {
  if (typeof sub !== 'string' || !sub) {
    const message = 'login_hint_token must carry sub';
    throw refuse('login_hint_token', message, undefined, 'REQUIRED_VALUE');
  }
  const user =
    find(env, 'users', sub) ??
    list(env, 'users').find((u) => String(u.username).toLowerCase() === sub.toLowerCase());
  if (!user)
    throw refuse('login_hint_token', 'The user named by login_hint_token sub was not found');
  if (user.enabled === false)
    throw refuse('login_hint_token', 'The user is disabled', 'access_denied');
  return user;
}
