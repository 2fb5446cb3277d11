import { createHash, randomBytes } from 'node:crypto';

/** A random token with a readable prefix; only its SHA-256 is ever stored. */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256Hex(token) };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
