import { ConfigError, loadSetupConfig, type Env, type SetupConfig } from '../config.js';
import { readEnvFile, updateEnvFile } from '../env-file.js';
import { PingOneError } from '../pingone/pingone-error.js';
import {
  provision,
  ProvisionError,
  teardown,
  type ProvisionResult,
  type StepReport,
} from './provision.js';
import { stepMap } from './step-map.js';
import { explainFailure } from './setup-explain.js';
import { EXIT, parseFlags, USAGE } from './setup-flags.js';

export interface SetupIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

function formatStep(r: StepReport): string {
  const detail = r.outcome === 'failed' ? '' : r.detail ? ` (${r.detail})` : '';
  return `  ${r.name.padEnd(18)} ${r.outcome.padEnd(12)} ${String(r.ms).padStart(5)} ms${detail}`;
}

function printJson(io: SetupIo, document: Record<string, unknown>): void {
  io.stdout(JSON.stringify(document, null, 2));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function count(steps: StepReport[], outcome: StepReport['outcome']): number {
  return steps.filter((s) => s.outcome === outcome).length;
}

function envFileUpToDate(path: string, values: Record<string, string>): boolean {
  const current = readEnvFile(path);
  return Object.entries(values).every(([k, v]) => current[k] === v);
}

// Returns the exit code: 0 done, 1 PingOne refused or failed, 2 bad input or configuration.
export async function runSetup(argv: string[], env: Env, io: SetupIo): Promise<number> {
  let config: SetupConfig;
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    if (flags.steps) {
      io.stdout(stepMap());
      return EXIT.ok;
    }
    const envFile = flags.writeEnv ?? '.env';
    config = loadSetupConfig(flags, { ...readEnvFile(envFile), ...env });
  } catch (error) {
    const problems =
      error instanceof ConfigError
        ? error.problems
        : [error instanceof Error ? error.message : String(error)];
    io.stderr('setup: cannot start, fix these first:');
    for (const p of problems) io.stderr(`  - ${p}`);
    io.stderr('Run `npm run setup -- --help` for the options.');
    return EXIT.usage;
  }

  // With --json, stdout carries only the JSON document.
  const progress = config.json ? io.stderr : io.stdout;
  const started = performance.now();
  const common = {
    location: config.location,
    worker: config.worker,
    prefix: config.prefix,
    timeoutMs: config.timeoutMs,
    onStep: (r: StepReport) => progress(formatStep(r)),
    fetch: io.fetch,
    sleep: io.sleep,
  };
  const fail = (error: unknown): number => {
    const cause = error instanceof ProvisionError ? error.cause : error;
    const calls = error instanceof ProvisionError ? error.calls : undefined;
    const message = explainFailure(cause, config.location);
    io.stderr(`setup failed: ${message}`);
    progress(
      `What was done is kept: run setup again to finish${calls !== undefined ? ` (${calls} PingOne calls in ${seconds(performance.now() - started)})` : ''}.`,
    );
    if (config.json) {
      const pingone = cause instanceof PingOneError ? cause.toJSON() : undefined;
      printJson(io, {
        ok: false,
        error: { message, pingone: pingone ?? null },
        steps: error instanceof ProvisionError ? error.steps : [],
        calls: calls ?? null,
      });
    }
    return EXIT.failed;
  };
  const where = config.location.apiUrl ?? `PingOne (${config.location.region})`;

  if (config.teardown) {
    progress(
      `Tearing down "${config.prefix}" objects in environment ${config.location.environmentId} at ${where}`,
    );
    try {
      const result = await teardown(common);
      const deleted = result.steps.filter((s) => s.outcome === 'deleted').map((s) => s.name);
      const calls = `${result.calls} PingOne calls in ${seconds(performance.now() - started)}`;
      progress(
        result.changed
          ? `Teardown done: deleted ${deleted.join(', ')} (${calls}). ${config.writeEnvPath} was left as it is.`
          : `Nothing to delete: no object carries the prefix "${config.prefix}" (${calls}).`,
      );
      if (config.json) {
        printJson(io, {
          ok: true,
          teardown: true,
          changed: result.changed,
          calls: result.calls,
          steps: result.steps,
        });
      }
      return EXIT.ok;
    } catch (error) {
      return fail(error);
    }
  }

  progress(
    `${config.dryRun ? 'Checking (dry run)' : 'Provisioning'} environment ${config.location.environmentId} at ${where}, prefix "${config.prefix}"`,
  );
  let result: ProvisionResult;
  try {
    result = await provision({
      ...common,
      phone: config.phone,
      username: config.username,
      redirectUri: config.redirectUri,
      dryRun: config.dryRun,
    });
  } catch (error) {
    return fail(error);
  }
  const elapsed = performance.now() - started;

  let wrote: 'written' | 'unchanged' | 'skipped' = 'skipped';
  if (!config.dryRun && result.ok) {
    if (envFileUpToDate(config.writeEnvPath, result.envValues)) {
      wrote = 'unchanged';
    } else {
      try {
        updateEnvFile(config.writeEnvPath, result.envValues);
        wrote = 'written';
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'write failed';
        io.stderr(
          `setup: PingOne is ready, but ${config.writeEnvPath} could not be written (${reason}).`,
        );
        return EXIT.failed;
      }
    }
  }

  const steps = result.steps.filter((s) => s.name !== 'self-check');
  const created = count(steps, 'created');
  const repaired = count(steps, 'repaired');
  const reused = count(steps, 'reused');
  const calls = `${result.calls} PingOne call${result.calls === 1 ? '' : 's'} in ${seconds(elapsed)}`;
  if (config.dryRun) {
    const wc = count(steps, 'would-create');
    const wr = count(steps, 'would-repair');
    progress(
      wc || wr
        ? `Dry run: would create ${wc} and repair ${wr}; ${reused} in place. Nothing was changed (${calls}, reads only).`
        : `Dry run: everything is in place; nothing would change (${calls}, reads only).`,
    );
  } else if (!result.ok) {
    progress('Self-check failed: PingOne does not hold what the approval flow needs:');
    for (const c of result.selfCheck?.checks.filter((x) => !x.ok) ?? []) {
      progress(`  - ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
    }
    progress(`Run setup again to repair, or check the objects in the PingOne console (${calls}).`);
  } else if (!result.changed) {
    progress(
      `Nothing changed: every object was already in place and the self-check passed (${calls}, reads only).`,
    );
  } else {
    progress(
      `Done: ${created} created, ${repaired} repaired, ${reused} reused; self-check passed (${calls}).`,
    );
  }
  if (wrote === 'written')
    progress(`Wrote the application's settings to ${config.writeEnvPath} (mode 0600).`);
  if (wrote === 'unchanged') progress(`${config.writeEnvPath} already holds these settings.`);
  if (result.ok && !config.dryRun && !config.json) {
    progress(
      `  client id ${result.settings.clientId}, user ${result.settings.username}, policy ${result.settings.policyName}`,
    );
    if (config.showSecrets) progress(`  client secret ${result.settings.clientSecret}`);
    for (const c of result.selfCheck?.checks.filter((x) => x.report) ?? []) {
      progress(`  ${c.name}: ${c.report}`);
    }
  }

  if (config.json) {
    const settings = { ...result.settings };
    const envValues = { ...result.envValues };
    if (!config.showSecrets) {
      settings.clientSecret = '[redacted]';
      if (envValues.PINGONE_CLIENT_SECRET) envValues.PINGONE_CLIENT_SECRET = '[redacted]';
    }
    printJson(io, {
      ok: result.ok,
      dryRun: result.dryRun,
      changed: result.changed,
      calls: result.calls,
      ms: Math.round(elapsed),
      envFile: wrote === 'skipped' ? null : config.writeEnvPath,
      settings,
      envValues,
      steps: result.steps,
      selfCheck: result.selfCheck ?? null,
    });
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}
