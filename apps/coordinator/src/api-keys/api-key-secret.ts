import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../auth/opaque-tokens.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new API key `shoal_<prefix>_<secret>`: the prefix finds the row, the secret (256 bits) proves
 * possession; the SHA-256 of the whole key is stored, never the key.
 */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  // 62 does not divide 256; rejecting bytes >= 248 keeps every character equally likely.
  let prefix = '';
  while (prefix.length < 12) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && prefix.length < 12) prefix += ALPHANUMERIC[byte % 62];
    }
  }
  const key = `shoal_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256Hex(key) };
}
