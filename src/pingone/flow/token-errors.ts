import * as client from 'openid-client';
import { LOCAL_ERROR_CODES, PingOneError, parseErrorBody } from '../pingone-error.js';
import { parseRetryAfter } from '../wire.js';

/** The token exchange failed a check: not approved. `reason` is for logs, never for pages. */
export class IdTokenRejectedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`ID token rejected: ${reason}`, options);
    this.name = 'IdTokenRejectedError';
  }
}

/** The error and up to three of its causes, outermost first. */
function* causes(error: unknown): Generator<Error> {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    yield e;
  }
}

/** The error and its causes, e.g. "OAUTH_INVALID_RESPONSE: … <- signature verification failed". */
function describe(error: unknown): string {
  const parts = [...causes(error)].map((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  });
  return parts.length ? parts.join(' <- ') : String(error);
}

/**
 * What openid-client threw, sorted by its own error classes: PingOne failed or refused
 * ({@link PingOneError}, keeping PingOne's error id), or an answer came and failed a check
 * ({@link IdTokenRejectedError}). A discovery document that fails a check is PingOne's fault.
 */
export async function triage(
  step: string,
  method: string,
  url: string,
  error: unknown,
  prefix = '',
): Promise<PingOneError | IdTokenRejectedError> {
  // Our call path's own failure (timeout, network), which openid-client wraps in a ClientError.
  const own = [...causes(error)].find((e) => e instanceof PingOneError);
  if (own) return own;
  const base = { step, method, url, cause: error };
  if (error instanceof client.ResponseBodyError) {
    const body = error.cause as { id?: unknown };
    return new PingOneError({
      ...base,
      status: error.status,
      code: error.error,
      description: error.error_description ?? describe(error),
      ...(typeof body.id === 'string' && { pingoneErrorId: body.id }),
      retryAfterMs: parseRetryAfter(error.response.headers.get('retry-after')),
    });
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0]?.parameters;
    return new PingOneError({
      ...base,
      status: error.status,
      code: challenge?.error ?? LOCAL_ERROR_CODES.http,
      description: challenge?.error_description ?? describe(error),
    });
  }
  // A status the endpoint does not answer with (a 5xx page, a JWKS that is not there), in
  // PingOne's own error shape (`code`, `message`, `id`) rather than OAuth's.
  const answer = (error as { cause?: unknown }).cause;
  if (error instanceof client.ClientError && answer instanceof Response && answer.status >= 400) {
    const said = parseErrorBody(await answer.json().catch(() => undefined));
    return new PingOneError({
      ...base,
      status: answer.status,
      ...said,
      description: said.description ?? describe(error),
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
    });
  }
  if (step === 'discovery') {
    const code = LOCAL_ERROR_CODES.unexpectedResponse;
    return new PingOneError({ ...base, code, description: describe(error) });
  }
  return new IdTokenRejectedError(prefix + describe(error), { cause: error });
}
