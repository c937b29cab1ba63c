import type { Request } from 'express';

/** Long enough for any real browser's user agent; a header stuffed to the limit is cut. */
const USER_AGENT_MAX = 256;

/**
 * Who sent a request, for the log lines an audit reads (CSRF failures, rate limiting, wrong
 * codes, recorded approvals): the client address as `trust proxy` resolved it and the user
 * agent, cut to a sane length. The names are shared by every such line.
 */
export function auditFields(req: Request): { clientAddress?: string; userAgent?: string } {
  const userAgent = req.get('user-agent');
  return {
    ...(req.ip ? { clientAddress: req.ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, USER_AGENT_MAX) } : {}),
  };
}
