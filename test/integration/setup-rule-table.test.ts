import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { MANAGEMENT_RULES, type ManagementResource } from '../../src/emulator/management-rules.js';
import { validateManagementBody } from '../../src/emulator/checker.js';
import { startTestEmulator } from '../helpers/emulator.js';
import {
  adminCall,
  listNamed,
  recordingFetch,
  setup,
  setupEnv,
  tempEnvPath,
  type WireCall,
} from './setup-helpers.js';

// Setup's bodies held against the emulator's rule table (the published specs as data), field by
// field, whatever the emulator's handlers happen to accept: a body the table refuses is a body
// PingOne would refuse.

const ID = '[0-9a-f-]{36}';
const RESOURCE_PATHS: readonly (readonly [string, ManagementResource])[] = [
  ['/applications(/ID)?', 'application'],
  ['/applications/ID/grants(/ID)?', 'applicationGrant'],
  ['/applications/ID/signOnPolicyAssignments(/ID)?', 'signOnPolicyAssignment'],
  ['/signOnPolicies(/ID)?', 'signOnPolicy'],
  ['/signOnPolicies/ID/actions(/ID)?', 'signOnPolicyAction'],
  ['/templates/transaction/contents(/ID)?', 'templateContent'],
  ['/populations(/ID)?', 'population'],
  ['/users(/ID)?', 'user'],
  ['/users/ID/password', 'userPassword'],
  ['/users/ID/mfaEnabled', 'userMfaEnabled'],
  ['/deviceAuthenticationPolicies(/ID)?', 'deviceAuthenticationPolicy'],
  ['/users/ID/devices(/ID)?', 'userDevice'],
];
const RESOURCE_OF = RESOURCE_PATHS.map(
  ([path, name]) => [new RegExp(`^${path.replaceAll('ID', ID)}$`), name] as const,
);

function resourceOf(call: WireCall): ManagementResource | undefined {
  return RESOURCE_OF.find(([re]) => re.test(call.path))?.[1];
}

const writesOf = (calls: WireCall[]) =>
  calls.filter((c) => (c.method === 'POST' || c.method === 'PUT') && c.body !== undefined);

let emu: RunningEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  return () => emu.close();
});

describe('setup bodies against the emulator rule table', () => {
  it('every body of a first run passes its resource table, and every table is exercised', async () => {
    const wire = recordingFetch();
    const run = await setup(
      ['--phone', '+15125201234', '--prefix', 'RuleTable', '--write-env', tempEnvPath()],
      setupEnv(emu),
      { fetch: wire.fetch },
    );
    expect(run.code, run.text).toBe(0);
    const seen = new Set<ManagementResource>();
    for (const call of writesOf(wire.calls)) {
      const resource = resourceOf(call);
      expect(resource, `${call.method} ${call.path} has no rule table`).toBeDefined();
      seen.add(resource!);
      expect(validateManagementBody(resource!, call.body), `${call.method} ${call.path}`).toEqual(
        [],
      );
    }
    expect([...seen].sort()).toEqual(Object.keys(MANAGEMENT_RULES).sort());
  });

  it('repair bodies (PUT after drift) pass the tables too', async () => {
    const env = setupEnv(emu);
    const envPath = tempEnvPath();
    const args = ['--phone', '+15125201234', '--prefix', 'RuleRepair', '--write-env', envPath];
    expect((await setup(args, env)).code).toBe(0);
    // Real drift, made without the client under test: the app and the device policy disabled.
    for (const [path, key] of [
      ['/applications', 'name'],
      ['/deviceAuthenticationPolicies', 'name'],
    ] as const) {
      const [object] = await listNamed(emu, path, 'RuleRepair', key);
      const { id, _links, environment, createdAt, updatedAt, ...writable } = object!;
      void [_links, environment, createdAt, updatedAt];
      const drifted =
        path === '/applications'
          ? { ...writable, enabled: false }
          : { ...writable, sms: { ...(writable.sms as object), enabled: false } };
      expect((await adminCall(emu, 'PUT', `${path}/${String(id)}`, drifted)).status).toBe(200);
    }
    const wire = recordingFetch();
    const run = await setup(args, env, { fetch: wire.fetch });
    expect(run.code, run.text).toBe(0);
    const puts = writesOf(wire.calls).filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path.split('/')[1]).sort()).toEqual([
      'applications',
      'deviceAuthenticationPolicies',
    ]);
    for (const call of puts) {
      const resource = resourceOf(call);
      expect(resource, `${call.method} ${call.path} has no rule table`).toBeDefined();
      expect(validateManagementBody(resource!, call.body), `${call.method} ${call.path}`).toEqual(
        [],
      );
    }
  });
});
