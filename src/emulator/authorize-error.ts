import { invalidRequest, type P1Error } from './p1-error.js';

/** An authorize failure: PingOne's error body in pi.flow mode, an RFC 6749 redirect otherwise. */
export class AuthorizeError extends Error {
  constructor(
    readonly oauthError: string,
    readonly p1: P1Error,
  ) {
    super(p1.message);
  }
}

/** A 400 about the parameter `target`; `oauthError` is what a redirect would carry. */
export function refuse(
  target: string,
  message: string,
  oauthError = 'invalid_request',
  code = 'INVALID_VALUE',
): AuthorizeError {
  return new AuthorizeError(oauthError, invalidRequest(target, message, code));
}
