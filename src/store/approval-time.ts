import type { ApprovalRecord } from '../approval/approval-store.js';

/**
 * `approvedAt` as epoch milliseconds, the sort key of `listRecent` in the durable stores (ISO
 * strings only sort as text when they share one format, which a caller may not guarantee).
 */
export function approvalTimeMs(record: ApprovalRecord): number {
  const ms = Date.parse(record.approvedAt);
  if (!Number.isFinite(ms)) {
    throw new TypeError(`approvedAt must be an ISO-8601 time (transfer ${record.transferId})`);
  }
  return ms;
}
