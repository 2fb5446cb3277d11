import { z } from 'zod';

/**
 * Every error that crosses a process boundary carries one of these codes. The code is the
 * stable contract (clients switch on it); the HTTP status is how the coordinator's REST API
 * answers it; the message is for people and may change.
 */
export const errorCatalog = {
  // Request shape
  VALIDATION_FAILED: { status: 400, summary: 'The body, query or path does not match the schema' },
  MALFORMED_JSON: { status: 400, summary: 'The body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The body is not application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The body is larger than the limit' },
  NOT_FOUND: { status: 404, summary: 'No such route or resource' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'The route exists for other methods' },
  RATE_LIMITED: { status: 429, summary: 'Too many requests; retry after the Retry-After header' },
  INTERNAL: { status: 500, summary: 'An unexpected error on the server' },
  UNAVAILABLE: { status: 503, summary: 'A dependency (database, Redis) is unavailable' },

  // Authentication and accounts
  AUTH_REQUIRED: { status: 401, summary: 'No bearer token was given' },
  AUTH_INVALID_TOKEN: { status: 401, summary: 'The token is malformed, forged or signed with another key' },
  AUTH_TOKEN_EXPIRED: { status: 401, summary: 'The access token has expired; refresh it' },
  AUTH_SESSION_REVOKED: { status: 401, summary: 'The session was logged out or revoked' },
  AUTH_INVALID_CREDENTIALS: { status: 401, summary: 'Wrong username or password' },
  AUTH_INVALID_REFRESH_TOKEN: { status: 401, summary: 'The refresh token is unknown or expired' },
  AUTH_REFRESH_TOKEN_REUSED: {
    status: 401,
    summary: 'A rotated refresh token was used again; the whole session was revoked',
  },
  AUTH_API_KEY_REVOKED: { status: 401, summary: 'The API key was revoked or has expired' },
  AUTH_USERNAME_TAKEN: { status: 409, summary: 'The username is already registered' },
  AUTH_WEAK_PASSWORD: { status: 400, summary: 'The password is empty, too short or too common' },
  AUTH_FORBIDDEN: { status: 403, summary: 'The credentials do not allow this action' },
  AUTH_INSUFFICIENT_SCOPE: { status: 403, summary: 'The API key lacks the scope this endpoint needs' },

  // Devices
  DEVICE_CHALLENGE_INVALID: {
    status: 400,
    summary: 'The device challenge is unknown, expired, already used or not yours',
  },
  DEVICE_SIGNATURE_INVALID: { status: 400, summary: 'The signature does not verify against the device key' },
  DEVICE_KEY_IN_USE: { status: 409, summary: 'This device key is already registered' },
  DEVICE_NOT_FOUND: { status: 404, summary: 'No such device for this account' },
  USER_NOT_FOUND: { status: 404, summary: 'No such user' },

  // API keys
  API_KEY_NOT_FOUND: { status: 404, summary: 'No such API key for this account' },

  // Tracker administration
  SWARM_NOT_FOUND: { status: 404, summary: 'No such swarm or blocklist entry' },

  // Contacts
  CONTACT_SELF: { status: 400, summary: 'You cannot add yourself as a contact' },
  CONTACT_NOT_FOUND: { status: 404, summary: 'No such contact or contact request' },
  CONTACT_BLOCKED: { status: 409, summary: 'You blocked this user; unblock them first' },

  // WebSocket signalling (sent as error frames; the status is what an HTTP form would use)
  WS_MALFORMED_FRAME: { status: 400, summary: 'The frame is not JSON or does not match its schema' },
  WS_FRAME_TOO_LARGE: { status: 413, summary: 'The frame is larger than the limit' },
  WS_UNKNOWN_FRAME: { status: 400, summary: 'Unknown frame type' },
  WS_NOT_READY: { status: 409, summary: 'Send hello (and wait for ready) before anything else' },
  WS_HELLO_INVALID: {
    status: 401,
    summary: 'The device is not one of your active devices, or its signature does not verify',
  },
  WS_SLOW_CONSUMER: { status: 503, summary: 'The client reads too slowly; the socket is closed, reconnect' },
  SIGNAL_UNKNOWN_DEVICE: { status: 404, summary: 'No such active device' },
  SIGNAL_PEER_OFFLINE: { status: 409, summary: 'The device is not online (or does not take your signals)' },
  SIGNAL_BAD_SIGNATURE: { status: 400, summary: 'The offer or answer is not signed by the sending device' },
  SIGNAL_STALE: { status: 400, summary: 'The signed timestamp is too far from now' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof errorCatalog;
export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];
export const ErrorCodeSchema = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

export function statusForCode(code: ErrorCode): number {
  return errorCatalog[code].status;
}

/** The body of every error answer: `{"code","message"}`, and per-field issues for validation. */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('For VALIDATION_FAILED: what is wrong, field by field'),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
