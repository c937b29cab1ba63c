import { randomUUID } from 'node:crypto';

/** One entry of `details` in PingOne's error body (docs/pingone-contract.md §2.1). */
export interface P1Detail {
  code: string;
  target?: string;
  message: string;
  innerError?: Record<string, unknown>;
}

/** An answer in PingOne's management/flow error shape; thrown from handlers, rendered by the error handler. */
export class P1Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: P1Detail[],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      id: randomUUID(),
      code: this.code,
      message: this.message,
    };
    if (this.details?.length) body.details = this.details;
    return body;
  }
}

export function notFound(what: string, id?: string): P1Error {
  const suffix = id === undefined ? '' : ` with id ${id}`;
  return new P1Error(404, 'NOT_FOUND', `Unable to find ${what}${suffix}`);
}

export function accessFailed(): P1Error {
  const message = 'The request could not be completed. You do not have access to this resource.';
  return new P1Error(401, 'ACCESS_FAILED', message, [
    { code: 'INVALID_TOKEN', message: 'The access token is missing, expired or invalid.' },
  ]);
}

export function invalidData(
  details: P1Detail[],
  message = 'Validation Error : One or more fields are invalid.',
): P1Error {
  return new P1Error(400, 'INVALID_DATA', message, details);
}

export function answerError(
  answer: { status: number; code: string; detailCode: string },
  message: string,
  detail: Omit<P1Detail, 'code'>,
): P1Error {
  return new P1Error(answer.status, answer.code, message, [{ code: answer.detailCode, ...detail }]);
}

export function constraintViolation(message: string, detail: string): P1Error {
  return invalidData([{ code: 'CONSTRAINT_VIOLATION', message: detail }], message);
}

export function invalidRequest(target: string, message: string, code = 'INVALID_VALUE'): P1Error {
  return new P1Error(400, 'INVALID_REQUEST', message, [{ code, target, message }]);
}

export function unsupportedMediaType(expected: string): P1Error {
  return new P1Error(415, 'INVALID_REQUEST', `Content-Type must be ${expected}`);
}

/** RFC 6749 §5.2 error of the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}
