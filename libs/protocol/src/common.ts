import { z } from 'zod';

/** Protocol version carried by WebSocket frames and reported by the API. */
export const PROTOCOL_VERSION = 1;

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
// argon2 takes any length, but hashing megabytes on every login is a denial of service.
export const PASSWORD_MAX = 1024;

/** Usernames are case-insensitive: stored and compared lower-cased. */
export const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(USERNAME_MIN, `a username has at least ${USERNAME_MIN} characters`)
  .max(USERNAME_MAX, `a username has at most ${USERNAME_MAX} characters`)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a username uses a-z, 0-9, "_", "." and "-", and starts with a letter or digit');

/** Length is checked by the server's password policy so that weak passwords get AUTH_WEAK_PASSWORD. */
export const PasswordSchema = z.string().max(PASSWORD_MAX, `a password has at most ${PASSWORD_MAX} characters`);

/** Unpadded base64url, as used for keys, signatures and challenges. */
export const Base64UrlSchema = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be unpadded base64url');

/** An Ed25519 or X25519 public key: 32 bytes, unpadded base64url (43 characters). */
export const PublicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'must be a 32-byte key in unpadded base64url');

/** An Ed25519 signature: 64 bytes, unpadded base64url (86 characters). */
export const SignatureSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'must be a 64-byte signature in unpadded base64url');

/** Device id: hex of the first 20 bytes of SHA-256 of the device's Ed25519 public key. */
export const DeviceIdSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character device id');

export const UuidSchema = z.uuid();
export const IsoDateSchema = z.iso.datetime({ offset: true });
