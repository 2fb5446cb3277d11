import type { ErrorBody } from '@shoal/protocol';
import { DomainError } from './domain-error.js';

/** Maps Fastify's own errors (raised before a route handler runs) to protocol codes. */
const fastifyCodes: Record<string, DomainError['code']> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when the error is not the client's fault and must be logged with its stack. */
  unexpected: boolean;
}

/** Turns anything thrown while serving a request into the answer the client gets. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (error.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.extra.retryAfterSeconds);
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.extra.issues) body.issues = error.extra.issues;
    return { status: error.status, body, headers, unexpected: false };
  }
  const err = error as {
    code?: string;
    statusCode?: number;
    message?: string;
    getStatus?: () => number;
    cause?: { code?: string; message?: string };
  };
  // Nest wraps Fastify's parser errors in an HttpException whose cause is the original.
  const origin = err.cause?.code && fastifyCodes[err.cause.code] ? err.cause : err;
  const fastifyCode = origin.code ? fastifyCodes[origin.code] : undefined;
  if (fastifyCode) {
    const mapped = new DomainError(fastifyCode, describeFastifyError(fastifyCode, origin.message));
    return errorAnswer(mapped);
  }
  // Nest's HttpExceptions for routes it cannot match.
  const status = typeof err.getStatus === 'function' ? err.getStatus() : err.statusCode;
  if (status === 404) return errorAnswer(new DomainError('NOT_FOUND', 'no such route'));
  if (status === 405) return errorAnswer(new DomainError('METHOD_NOT_ALLOWED', 'method not allowed'));
  if (status === 413) return errorAnswer(new DomainError('PAYLOAD_TOO_LARGE', 'the body is too large'));
  if (status === 415)
    return errorAnswer(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
  if (status === 400) return errorAnswer(new DomainError('VALIDATION_FAILED', 'bad request'));
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'internal error' },
    headers: {},
    unexpected: true,
  };
}

function describeFastifyError(code: DomainError['code'], original?: string): string {
  switch (code) {
    case 'MALFORMED_JSON':
      return 'the body is not valid JSON';
    case 'PAYLOAD_TOO_LARGE':
      return 'the body is too large';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'send the body as application/json';
    default:
      return original ?? 'bad request';
  }
}
