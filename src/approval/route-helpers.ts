import type { Request, Response } from 'express';
import { saveSession, type PendingTransfer } from './session-state.js';
import { transferHash } from './transfer.js';

/**
 * Runs the rest of a flow this request took; should it throw (PingOne unreachable, a store
 * failure), the flow is no longer held, so no other request waits for it.
 */
export async function holding<T>(req: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (req.session.busy) {
      delete req.session.busy;
      await saveSession(req).catch(() => undefined);
    }
    throw error;
  }
}

export function redirect(res: Response, location: string): void {
  res.redirect(303, location);
}

/** A transfer in the session that still matches the hash its flow was started with. */
export function pendingTransfer(req: Request, transferId?: string): PendingTransfer | undefined {
  const transfer = req.session.transfer;
  if (!transfer) return undefined;
  if (transferId !== undefined && transfer.id !== transferId) return undefined;
  return transferHash(transfer.id, transfer) === transfer.hash ? transfer : undefined;
}
