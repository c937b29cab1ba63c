/**
 * Fields PingOne sets itself and answers with, but that a PUT body does not carry (the specs
 * mark them read-only). Everything else of a resource read back is sent back unchanged.
 */
const READ_ONLY = ['id', '_links', '_embedded', 'environment', 'createdAt', 'updatedAt'] as const;

/**
 * A copy of `resource` without PingOne's read-only fields: the start of a read-modify-write.
 * A PingOne PUT replaces the whole object, so a repair must send back every field it does not
 * mean to change (an application's `signing`, `jwks`, `corsSettings`, …).
 * See docs/pingone-contract.md §10.
 */
export function writableFields<T extends object>(resource: T): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(resource as Record<string, unknown>) };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}
