import {
  createApplication,
  createDeviceAuthenticationPolicy,
  createGrant,
  createPopulation,
  createSignOnPolicy,
  createSignOnPolicyAction,
  createSignOnPolicyAssignment,
  createTransactionContent,
  createUser,
  createUserDevice,
  deleteUserDevice,
  findUserByUsername,
  listApplications,
  listDeviceAuthenticationPolicies,
  listGrants,
  listPopulations,
  listResources,
  listScopes,
  listSignOnPolicies,
  listSignOnPolicyActions,
  listSignOnPolicyAssignments,
  listTransactionContents,
  listUserDevices,
  patchUser,
  readApplication,
  readApplicationSecret,
  readDeviceAuthenticationPolicy,
  readSignOnPolicyAction,
  readTransactionContent,
  readUserMfaEnabled,
  readUserPasswordStatus,
  setUserMfaEnabled,
  setUserPassword,
  updateApplication,
  updateDeviceAuthenticationPolicy,
  updateGrant,
  updateSignOnPolicyAction,
  updateTransactionContent,
  writableFields,
  type Application,
  type DeviceAuthenticationPolicy,
  type ManagementContext,
  type PingOneResource,
  type Population,
  type SignOnPolicy,
  type TemplateContent,
  type User,
} from '../management.js';
import { createOnce } from './create-once.js';
import {
  applicationDrift,
  desiredApplication,
  desiredDevicePolicy,
  desiredGrant,
  desiredMfaAction,
  desiredPolicyAssignment,
  desiredPopulation,
  desiredSignOnPolicy,
  desiredSmsDevice,
  desiredTemplateContent,
  desiredUser,
  devicePolicyDrift,
  mfaActionDrift,
  phoneDigits,
  randomPassword,
  repairedApplication,
  repairedDevicePolicy,
  repairedMfaAction,
  samePhone,
  sameVariant,
  TEMPLATE_CONTENT,
  TEMPLATE_DELIVERY,
  TEMPLATE_LOCALE,
  type DesiredNames,
} from './desired.js';
import { once, StepRunner, type StepResult } from './step-runner.js';

export interface PlanInput {
  names: DesiredNames;
  phone: string;
  username: string;
  redirectUri: string;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** An object the plan found or made; `fresh` when this run created it (nothing to read under it). */
interface Held<T> {
  value: T;
  fresh: boolean;
}

export interface PlanOutcome {
  application?: Application;
  clientSecret: string;
  openidResourceId?: string;
  scopeIds: string[];
  policy?: SignOnPolicy;
  devicePolicy?: DeviceAuthenticationPolicy;
  templateContent?: TemplateContent;
  population?: Population;
  user?: User;
}

function oldest<T extends PingOneResource>(items: T[]): T | undefined {
  return [...items].sort((a, b) =>
    String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')),
  )[0];
}

const sameText = (a: string | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/**
 * The provisioning plan as a graph of steps: each awaits only what it needs, so every
 * independent call runs concurrently. A first run is 6 round trips deep (token, lists, creates
 * of independent objects, creates under them, password + MFA + device, self-check); a second run
 * is reads only. Throws the first failure after every running step has settled.
 */
export async function runPlan(
  ctx: ManagementContext,
  steps: StepRunner,
  input: PlanInput,
): Promise<PlanOutcome> {
  const { names, dryRun } = input;
  const retry = input.sleep ? { sleep: input.sleep } : {};
  const byName =
    <T extends { name?: string }>(name: string) =>
    (item: T) =>
      item.name === name;

  // Reads shared by several steps (one call each).
  const apps = once(() => listApplications(ctx));
  const resources = once(() => listResources(ctx));
  const policies = once(() => listSignOnPolicies(ctx));
  const contents = once(() => listTransactionContents(ctx));
  const populations = once(() => listPopulations(ctx));
  const devicePolicies = once(() => listDeviceAuthenticationPolicies(ctx));
  const existingUser = once(() => findUserByUsername(ctx, input.username));

  const findApp = async () =>
    oldest((await listApplications(ctx)).filter(byName(names.applicationName)));
  const findPolicy = async () =>
    oldest((await listSignOnPolicies(ctx)).filter(byName(names.policyName)));
  const findPopulation = async () =>
    oldest((await listPopulations(ctx)).filter(byName(names.populationName)));
  const findDevicePolicy = async () =>
    oldest((await listDeviceAuthenticationPolicies(ctx)).filter(byName(names.devicePolicyName)));
  const isOurContent = (c: TemplateContent) =>
    sameVariant(c.variant, names.templateVariant) &&
    sameText(c.locale, TEMPLATE_LOCALE) &&
    sameText(c.deliveryMethod, TEMPLATE_DELIVERY);
  const findContent = async () => oldest((await listTransactionContents(ctx)).filter(isOurContent));

  const application = once(() =>
    steps.run('application', async (): Promise<StepResult<Held<Application> | undefined>> => {
      const existing = oldest((await apps()).filter(byName(names.applicationName)));
      if (!existing) {
        if (dryRun) return { value: undefined, outcome: 'would-create' };
        const created = await createOnce({
          find: findApp,
          create: () =>
            createApplication(ctx, desiredApplication(names.applicationName, input.redirectUri)),
          ...retry,
        });
        return { value: { value: created, fresh: true }, outcome: 'created' };
      }
      const drift = applicationDrift(existing, input.redirectUri);
      if (!drift.length) return { value: { value: existing, fresh: false }, outcome: 'reused' };
      const detail = drift.join(', ');
      if (dryRun)
        return { value: { value: existing, fresh: false }, outcome: 'would-repair', detail };
      // A PUT replaces the application: start from all of it, as PingOne has it now.
      const current = await readApplication(ctx, existing.id);
      const updated = await updateApplication(
        ctx,
        existing.id,
        repairedApplication(current, names.applicationName, input.redirectUri),
      );
      return {
        value: { value: { ...existing, ...updated }, fresh: false },
        outcome: 'repaired',
        detail,
      };
    }),
  );

  const secret = once(async () => {
    const app = await application();
    return app ? (await readApplicationSecret(ctx, app.value.id)).secret : '';
  });

  const openid = once(async () => {
    const resource = (await resources()).find(
      (r) => r.type === 'OPENID_CONNECT' || r.name === 'openid',
    );
    if (!resource)
      throw new Error('the environment has no OPENID_CONNECT resource (named "openid")');
    const scopes = await listScopes(ctx, resource.id);
    // Ping's workflow grants the `profile` scope of the openid resource; `openid` itself is
    // implied for an OIDC application.
    const profile = scopes.find((s) => s.name === 'profile');
    if (!profile) throw new Error('the openid resource has no "profile" scope');
    return { resourceId: resource.id, scopeIds: [profile.id] };
  });

  const grant = once(() =>
    steps.run('openid grant', async (ready): Promise<StepResult<undefined>> => {
      const app = await application();
      ready();
      // The app's grants are read while the openid resource and its scopes are looked up.
      const [grants, { resourceId, scopeIds }] = await Promise.all([
        !app || app.fresh ? Promise.resolve([]) : listGrants(ctx, app.value.id),
        openid(),
      ]);
      if (!app) return { value: undefined, outcome: 'would-create' };
      const existing = grants.find((g) => g.resource?.id === resourceId);
      const body = desiredGrant(resourceId, scopeIds);
      if (!existing) {
        if (dryRun) return { value: undefined, outcome: 'would-create' };
        await createOnce({
          find: async () =>
            (await listGrants(ctx, app.value.id)).find((g) => g.resource?.id === resourceId),
          create: () => createGrant(ctx, app.value.id, body),
          ...retry,
        });
        return {
          value: undefined,
          outcome: app.fresh ? 'created' : 'repaired',
          detail: app.fresh ? undefined : 'grant was missing',
        };
      }
      const have = new Set((existing.scopes ?? []).map((s) => s.id));
      if (scopeIds.every((id) => have.has(id))) return { value: undefined, outcome: 'reused' };
      if (dryRun)
        return { value: undefined, outcome: 'would-repair', detail: 'profile scope missing' };
      const scopes = [...new Set([...have, ...scopeIds])];
      await updateGrant(ctx, app.value.id, existing.id, desiredGrant(resourceId, scopes));
      return { value: undefined, outcome: 'repaired', detail: 'profile scope missing' };
    }),
  );

  const devicePolicy = once(() =>
    steps.run(
      'device policy',
      async (): Promise<StepResult<Held<DeviceAuthenticationPolicy> | undefined>> => {
        const existing = oldest((await devicePolicies()).filter(byName(names.devicePolicyName)));
        const desired = desiredDevicePolicy(names.devicePolicyName);
        if (!existing) {
          if (dryRun) return { value: undefined, outcome: 'would-create' };
          const created = await createOnce({
            find: findDevicePolicy,
            create: () => createDeviceAuthenticationPolicy(ctx, desired),
            ...retry,
          });
          return { value: { value: created, fresh: true }, outcome: 'created' };
        }
        const drift = devicePolicyDrift(existing);
        if (!drift.length) return { value: { value: existing, fresh: false }, outcome: 'reused' };
        const detail = drift.join(', ');
        if (dryRun)
          return { value: { value: existing, fresh: false }, outcome: 'would-repair', detail };
        // A PUT replaces the policy: start from all of it, as PingOne has it now.
        const current = await readDeviceAuthenticationPolicy(ctx, existing.id);
        const updated = await updateDeviceAuthenticationPolicy(
          ctx,
          existing.id,
          repairedDevicePolicy(current, desired),
        );
        return {
          value: { value: { ...existing, ...updated }, fresh: false },
          outcome: 'repaired',
          detail,
        };
      },
    ),
  );

  const policy = once(() =>
    steps.run('sign-on policy', async (): Promise<StepResult<Held<SignOnPolicy> | undefined>> => {
      const existing = oldest((await policies()).filter(byName(names.policyName)));
      if (existing) return { value: { value: existing, fresh: false }, outcome: 'reused' };
      if (dryRun) return { value: undefined, outcome: 'would-create' };
      const created = await createOnce({
        find: findPolicy,
        create: () => createSignOnPolicy(ctx, desiredSignOnPolicy(names.policyName)),
        ...retry,
      });
      return { value: { value: created, fresh: true }, outcome: 'created' };
    }),
  );

  const mfaAction = once(() =>
    steps.run('MFA action', async (ready): Promise<StepResult<undefined>> => {
      const [pol, dap] = await Promise.all([policy(), devicePolicy()]);
      if (!pol || !dap) return { value: undefined, outcome: 'would-create' };
      ready();
      const actions = pol.fresh ? [] : await listSignOnPolicyActions(ctx, pol.value.id);
      const existing = actions.find((a) => a.type === 'MULTI_FACTOR_AUTHENTICATION');
      if (!existing) {
        if (dryRun) return { value: undefined, outcome: 'would-create' };
        const priority = Math.max(0, ...actions.map((a) => a.priority ?? 0)) + 1;
        await createOnce({
          find: async () =>
            (await listSignOnPolicyActions(ctx, pol.value.id)).find(
              (a) => a.type === 'MULTI_FACTOR_AUTHENTICATION',
            ),
          create: () =>
            createSignOnPolicyAction(ctx, pol.value.id, desiredMfaAction(dap.value.id, priority)),
          ...retry,
        });
        return {
          value: undefined,
          outcome: pol.fresh ? 'created' : 'repaired',
          detail: pol.fresh ? undefined : 'MFA action was missing',
        };
      }
      const drift = mfaActionDrift(existing, dap.value.id);
      if (!drift.length) return { value: undefined, outcome: 'reused' };
      const detail = drift.join(', ');
      if (dryRun) return { value: undefined, outcome: 'would-repair', detail };
      // A PUT replaces the action (its conditions too): start from all of it.
      const current = await readSignOnPolicyAction(ctx, pol.value.id, existing.id);
      await updateSignOnPolicyAction(
        ctx,
        pol.value.id,
        existing.id,
        repairedMfaAction(current, dap.value.id),
      );
      return { value: undefined, outcome: 'repaired', detail };
    }),
  );

  const assignment = once(() =>
    steps.run('policy assignment', async (ready): Promise<StepResult<undefined>> => {
      const [app, pol] = await Promise.all([application(), policy()]);
      if (!app || !pol) return { value: undefined, outcome: 'would-create' };
      ready();
      const assignments = app.fresh ? [] : await listSignOnPolicyAssignments(ctx, app.value.id);
      if (assignments.some((a) => a.signOnPolicy?.id === pol.value.id)) {
        return { value: undefined, outcome: 'reused' };
      }
      if (dryRun) return { value: undefined, outcome: 'would-create' };
      const priority = Math.max(0, ...assignments.map((a) => a.priority ?? 0)) + 1;
      await createOnce({
        find: async () =>
          (await listSignOnPolicyAssignments(ctx, app.value.id)).find(
            (a) => a.signOnPolicy?.id === pol.value.id,
          ),
        create: () =>
          createSignOnPolicyAssignment(
            ctx,
            app.value.id,
            desiredPolicyAssignment(pol.value.id, priority),
          ),
        ...retry,
      });
      return {
        value: undefined,
        outcome: app.fresh || pol.fresh ? 'created' : 'repaired',
        detail: app.fresh || pol.fresh ? undefined : 'assignment was missing',
      };
    }),
  );

  const templateContent = once(() =>
    steps.run('template content', async (): Promise<StepResult<TemplateContent | undefined>> => {
      const existing = oldest((await contents()).filter(isOurContent));
      const body = desiredTemplateContent(names.templateVariant);
      if (!existing) {
        if (dryRun) return { value: undefined, outcome: 'would-create' };
        const created = await createOnce({
          find: findContent,
          create: () => createTransactionContent(ctx, body),
          ...retry,
        });
        return { value: created, outcome: 'created' };
      }
      if (existing.content === TEMPLATE_CONTENT) return { value: existing, outcome: 'reused' };
      const detail = 'content changed';
      if (dryRun) return { value: existing, outcome: 'would-repair', detail };
      // A PUT replaces the content (its sender, say): send back all of it, new text only.
      const current = await readTransactionContent(ctx, existing.id);
      const updated = await updateTransactionContent(ctx, existing.id, {
        ...(writableFields(current) as Omit<TemplateContent, 'id'>),
        content: TEMPLATE_CONTENT,
      });
      return { value: { ...existing, ...updated }, outcome: 'repaired', detail };
    }),
  );

  const population = once(() =>
    steps.run('population', async (): Promise<StepResult<Population | undefined>> => {
      const existing = oldest((await populations()).filter(byName(names.populationName)));
      if (existing) return { value: existing, outcome: 'reused' };
      if (dryRun) return { value: undefined, outcome: 'would-create' };
      const created = await createOnce({
        find: findPopulation,
        create: () => createPopulation(ctx, desiredPopulation(names.populationName)),
        ...retry,
      });
      return { value: created, outcome: 'created' };
    }),
  );

  const user = once(() =>
    steps.run('user', async (ready): Promise<StepResult<Held<User> | undefined>> => {
      const lookup = existingUser();
      // Awaited below; this only keeps a failure from surfacing as unhandled meanwhile.
      lookup.catch(() => undefined);
      const pop = await population();
      ready();
      const existing = await lookup;
      if (!existing) {
        if (dryRun || !pop) return { value: undefined, outcome: 'would-create' };
        const created = await createOnce({
          find: () => findUserByUsername(ctx, input.username),
          create: () => createUser(ctx, desiredUser(input.username, input.phone, pop.id)),
          ...retry,
        });
        return { value: { value: created, fresh: true }, outcome: 'created' };
      }
      if (phoneDigits(existing.mobilePhone) === phoneDigits(input.phone)) {
        return { value: { value: existing, fresh: false }, outcome: 'reused' };
      }
      const detail = 'mobile phone changed';
      if (dryRun)
        return { value: { value: existing, fresh: false }, outcome: 'would-repair', detail };
      const updated = await patchUser(ctx, existing.id, { mobilePhone: input.phone });
      return {
        value: { value: { ...existing, ...updated }, fresh: false },
        outcome: 'repaired',
        detail,
      };
    }),
  );

  /** Whether the user's MFA is on, read only when the user object does not say. */
  const mfaOn = once(async () => {
    const u = await user();
    if (!u || u.fresh) return false;
    if (typeof u.value.mfaEnabled === 'boolean') return u.value.mfaEnabled;
    return readUserMfaEnabled(ctx, u.value.id);
  });

  const password = once(() =>
    steps.run('user password', async (ready): Promise<StepResult<undefined>> => {
      const u = await user();
      ready();
      if (!u) return { value: undefined, outcome: 'would-create' };
      // A run interrupted between the user and its password (steps 11-12) left none: set it.
      // Nobody signs on with it (the policy asks for the SMS code only).
      const status = u.fresh ? 'NO_PASSWORD' : await readUserPasswordStatus(ctx, u.value.id);
      if (status !== 'NO_PASSWORD') return { value: undefined, outcome: 'reused' };
      if (dryRun) {
        return {
          value: undefined,
          outcome: u.fresh ? 'would-create' : 'would-repair',
          detail: 'no password',
        };
      }
      await setUserPassword(ctx, u.value.id, randomPassword());
      return u.fresh
        ? { value: undefined, outcome: 'created' }
        : { value: undefined, outcome: 'repaired', detail: 'no password' };
    }),
  );

  const mfa = once(() =>
    steps.run('user MFA', async (ready): Promise<StepResult<undefined>> => {
      const [u, on] = await Promise.all([user(), mfaOn()]);
      ready();
      if (!u) return { value: undefined, outcome: 'would-create' };
      if (on) return { value: undefined, outcome: 'reused' };
      if (dryRun) return { value: undefined, outcome: 'would-repair', detail: 'MFA off' };
      await setUserMfaEnabled(ctx, u.value.id, true);
      return u.fresh
        ? { value: undefined, outcome: 'created' }
        : { value: undefined, outcome: 'repaired', detail: 'MFA was off' };
    }),
  );

  const device = once(() =>
    steps.run('SMS device', async (ready): Promise<StepResult<undefined>> => {
      const [u, dap] = await Promise.all([user(), devicePolicy()]);
      if (!u || !dap) return { value: undefined, outcome: 'would-create' };
      ready();
      const devices = u.fresh ? [] : await listUserDevices(ctx, u.value.id);
      const mine = devices.filter((d) => d.type === 'SMS' && samePhone(d.phone, input.phone));
      if (mine.some((d) => (d.status ?? 'ACTIVE') === 'ACTIVE'))
        return { value: undefined, outcome: 'reused' };
      const detail = mine.length ? 'device not ACTIVE' : 'device missing';
      if (dryRun)
        return { value: undefined, outcome: u.fresh ? 'would-create' : 'would-repair', detail };
      // An inactive device would still be offered: replace it.
      await Promise.all(mine.map((d) => deleteUserDevice(ctx, u.value.id, d.id)));
      await createOnce({
        find: async () =>
          (await listUserDevices(ctx, u.value.id)).find(
            (d) =>
              d.type === 'SMS' &&
              samePhone(d.phone, input.phone) &&
              (d.status ?? 'ACTIVE') === 'ACTIVE',
          ),
        create: () =>
          createUserDevice(ctx, u.value.id, desiredSmsDevice(input.phone, dap.value.id)),
        ...retry,
      });
      return u.fresh
        ? { value: undefined, outcome: 'created' }
        : { value: undefined, outcome: 'repaired', detail };
    }),
  );

  const all = [
    application(),
    secret(),
    grant(),
    devicePolicy(),
    policy(),
    mfaAction(),
    assignment(),
    templateContent(),
    population(),
    user(),
    password(),
    mfa(),
    device(),
    openid(),
  ] as const;
  const settled = await Promise.allSettled(all);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) {
    // A failed shared read (secret, openid resource) has no step of its own: report it here.
    steps.reportUnreported(rejected.reason);
    throw rejected.reason;
  }
  const [app, clientSecret, , dap, pol, , , content, pop, u] = await Promise.all(all);
  const ids = await openid();
  const outcome: PlanOutcome = {
    clientSecret,
    scopeIds: ids.scopeIds,
    openidResourceId: ids.resourceId,
  };
  if (app) outcome.application = app.value;
  if (dap) outcome.devicePolicy = dap.value;
  if (pol) outcome.policy = pol.value;
  if (content) outcome.templateContent = content;
  if (pop) outcome.population = pop;
  if (u) outcome.user = u.value;
  return outcome;
}
