import type { PingOneLocation, WorkerCredentials } from '../config.js';
import { createHttpClient } from '../pingone/http.js';
import { PingOneError } from '../pingone/pingone-error.js';
import { createManagementContext, type PingOneResource } from '../pingone/management.js';
import { desiredNames } from './desired-names.js';
import type { Outcome, StepReport } from './run-step.js';

/** A step whose parent is missing: only a dry run gets here, and it would create both. */
export const WOULD_CREATE: Outcome<undefined> = { value: undefined, outcome: 'would-create' };

export function allNamed<T extends { name?: string }>(items: T[], name: string): T[] {
  return items.filter((item) => item.name === name);
}

/** The oldest of `items`: a run that raced another may have made two. */
export function oldest<T extends PingOneResource>(items: T[]): T | undefined {
  return [...items].sort((a, b) =>
    String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? '')),
  )[0];
}

export function nextPriority(items: { priority?: number }[]): number {
  return Math.max(0, ...items.map((i) => i.priority ?? 0)) + 1;
}

interface FindOrCreate<T> {
  find: () => Promise<T | undefined>;
  create: () => Promise<T>;
  drift?: (found: T) => string[];
  repair?: (found: T) => Promise<unknown>;
  // Its parent first: under a parent this run made there is nothing to find, and a missing object
  // under older ones is a repair, not a creation.
  parents?: Found<unknown>[];
  missing?: () => string;
}

export async function findOrCreate<T>(
  ctx: SetupContext,
  o: FindOrCreate<T>,
): Promise<Outcome<Found<T> | undefined>> {
  const parents = o.parents ?? [];
  const found = parents[0]?.fresh ? undefined : await o.find();
  if (!found) {
    const underOlder = parents.length > 0 && parents.every((p) => !p.fresh);
    const detail = underOlder ? o.missing?.() : undefined;
    if (ctx.dryRun)
      return { value: undefined, outcome: underOlder ? 'would-repair' : 'would-create', detail };
    const made = await createOnce({ find: o.find, create: o.create, sleep: ctx.sleep });
    return {
      value: { value: made, fresh: true },
      outcome: underOlder ? 'repaired' : 'created',
      detail,
    };
  }
  const value = { value: found, fresh: false };
  const drift = o.drift?.(found) ?? [];
  if (!drift.length || !o.repair) return { value, outcome: 'reused' };
  const detail = drift.join(', ');
  if (ctx.dryRun) return { value, outcome: 'would-repair', detail };
  await o.repair(found);
  return { value, outcome: 'repaired', detail };
}

type HttpClientOptions = NonNullable<Parameters<typeof createHttpClient>[0]>;

export interface SetupInput extends Omit<HttpClientOptions, 'random'> {
  location: PingOneLocation;
  worker: WorkerCredentials;
  prefix: string;
  dryRun?: boolean;
  onStep?: (s: StepReport) => void;
}

export type SetupContext = ReturnType<typeof createSetupContext>;

export interface ProvisionContext extends SetupContext {
  phone: string;
  username: string;
  redirectUri: string;
}

// `fresh`: made by this run, so nothing can be under it yet.
export interface Found<T> {
  value: T;
  fresh: boolean;
}

export function createSetupContext(input: SetupInput) {
  const { location, worker } = input;
  return {
    api: createManagementContext({ location, worker, http: createHttpClient(input) }),
    names: desiredNames(input.prefix),
    dryRun: input.dryRun ?? false,
    sleep: input.sleep,
    reports: [] as StepReport[],
    onStep: input.onStep,
  };
}

const MAX_CREATE_ATTEMPTS = 3;
const BASE_DELAY_MS = 250;

interface CreateOnceOptions<T> extends Pick<FindOrCreate<T>, 'find' | 'create'> {
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

// A POST is repeated only after a fresh read shows the first did not land (docs/pingone-contract.md §2.2).
export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.create();
    } catch (error) {
      if (!(error instanceof PingOneError)) throw error;
      const conflict =
        error.status === 400 &&
        (error.hasDetail('UNIQUENESS_VIOLATION') ||
          error.details.some((d) => d.code === 'INVALID_VALUE' && d.target === 'name'));
      if (!conflict && !error.transient) throw error;
      if (error.transient) {
        const wait = error.retryAfterMs ?? BASE_DELAY_MS * 2 ** (attempt - 1);
        if (wait > 30_000) throw error;
        await sleep(wait);
      }
      const found = await options.find();
      if (found !== undefined) return found;
      if (conflict || attempt >= MAX_CREATE_ATTEMPTS) throw error;
    }
  }
}
