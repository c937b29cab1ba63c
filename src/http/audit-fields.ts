import type { Request } from 'express';

/** Enough of a user agent to tell browsers and scripts apart; the rest only grows log lines. */
const USER_AGENT_MAX = 200;

/**
 * Who sent a request, for the audit lines (wrong codes, recorded approvals, refusals): `req.ip`
 * is the client's address as `trust proxy` resolved it, not a raw forwarded header.
 */
export function auditFields(req: Request) {
  const agent = req.get('user-agent');
  // Cut by code point, so a truncated agent never ends in half a surrogate pair.
  const userAgent =
    agent === undefined || agent.length <= USER_AGENT_MAX
      ? agent
      : Array.from(agent).slice(0, USER_AGENT_MAX).join('');
  return { clientAddress: req.ip, userAgent };
}
