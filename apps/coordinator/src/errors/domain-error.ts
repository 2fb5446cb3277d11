import { statusForCode } from '@shoal/protocol';
import type { ErrorCode } from '@shoal/protocol';

/**
 * The one error class domain code throws. It carries a stable code from the protocol's catalog;
 * the exception filter turns it into `{"code","message"}` with the catalog's HTTP status.
 */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number; issues?: { path: string; message: string }[] } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = statusForCode(code);
  }
}

/** Factories for the cases that recur, so messages stay consistent. */
export const errors = {
  authRequired: () => new DomainError('AUTH_REQUIRED', 'this endpoint needs an Authorization: Bearer token'),
  invalidToken: () => new DomainError('AUTH_INVALID_TOKEN', 'the bearer token is not valid'),
  tokenExpired: () => new DomainError('AUTH_TOKEN_EXPIRED', 'the access token has expired; refresh it'),
  sessionRevoked: () => new DomainError('AUTH_SESSION_REVOKED', 'this session has ended; log in again'),
  invalidCredentials: () => new DomainError('AUTH_INVALID_CREDENTIALS', 'wrong username or password'),
  rateLimited: (retryAfterSeconds: number) =>
    new DomainError('RATE_LIMITED', `too many attempts; retry in ${retryAfterSeconds} s`, { retryAfterSeconds }),
  validation: (issues: { path: string; message: string }[]) =>
    new DomainError(
      'VALIDATION_FAILED',
      issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
      { issues },
    ),
};
