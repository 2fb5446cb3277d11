import { createHmac } from 'node:crypto';
import { TurnError } from '../errors.js';
import type { TurnAuthenticator } from './authenticator.js';

/*
 * The TURN REST credential scheme (draft-uberti-behave-turn-rest-00, coturn's `use-auth-secret`):
 * username = "<expiry unix seconds>:<user id>", password = base64(HMAC-SHA1(secret, username)).
 * Whoever knows the shared secret can mint credentials; the TURN server only recomputes them.
 */

export const TURN_REST_SEPARATOR = ':';

export interface TurnRestCredentials {
  readonly username: string;
  readonly password: string;
  /** When the credentials stop working, in Unix seconds. */
  readonly expiresAt: number;
  readonly ttlSeconds: number;
}

export function turnRestPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

/** Fresh credentials for `userId`, valid for `ttlSeconds` from `now` (milliseconds, default the clock). */
export function turnRestCredentials(
  secret: string,
  userId: string,
  ttlSeconds: number,
  now: number = Date.now(),
): TurnRestCredentials {
  if (secret.length === 0) throw TurnError.invalidArgument('TURN REST secret', 'empty');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw TurnError.invalidArgument('TURN REST ttl', `${ttlSeconds} is not a positive integer`);
  }
  if (userId.includes(TURN_REST_SEPARATOR)) {
    // The user id is everything after the first separator, so it may contain more; but a
    // predictable username is easier to audit in logs.
    throw TurnError.invalidArgument('TURN REST user id', `must not contain "${TURN_REST_SEPARATOR}"`);
  }
  const expiresAt = Math.floor(now / 1000) + ttlSeconds;
  const username = userId === '' ? String(expiresAt) : `${expiresAt}${TURN_REST_SEPARATOR}${userId}`;
  return { username, password: turnRestPassword(secret, username), expiresAt, ttlSeconds };
}

export interface TurnRestUsername {
  /** Unix seconds. */
  readonly expiresAt: number;
  /** The part after the separator; the whole username when there is none (coturn accepts "<expiry>"). */
  readonly userId: string;
}

/** Reads "<expiry>:<user id>" or "<expiry>"; `undefined` when the expiry is not a decimal number. */
export function parseTurnRestUsername(username: string): TurnRestUsername | undefined {
  const separator = username.indexOf(TURN_REST_SEPARATOR);
  const expiry = separator === -1 ? username : username.slice(0, separator);
  if (!/^\d{1,15}$/.test(expiry)) return undefined;
  return { expiresAt: Number(expiry), userId: separator === -1 ? username : username.slice(separator + 1) };
}

/**
 * The server side of the scheme: recomputes the password of a well-formed, unexpired username;
 * refuses (undefined → 401) any other. Quotas count by the user id.
 */
export function turnRestAuthenticator(secret: string): TurnAuthenticator {
  if (secret.length === 0) throw TurnError.invalidArgument('TURN REST secret', 'empty');
  return ({ username, now }) => {
    const parsed = parseTurnRestUsername(username);
    if (parsed === undefined || parsed.expiresAt * 1000 <= now) return undefined;
    return { password: turnRestPassword(secret, username), userId: parsed.userId };
  };
}
