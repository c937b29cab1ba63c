import type { PingOneResource } from '../pingone/management.js';
import { createOnce } from './create-once.js';
import type { Outcome } from './run-step.js';
import type { Found, SetupContext } from './setup-context.js';

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

export interface FindOrCreate<T> {
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
