import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url } from './base64url.js';

const encoder = new TextEncoder();

export function sign(secretKey: Uint8Array, message: Uint8Array | string): string {
  const bytes = typeof message === 'string' ? encoder.encode(message) : message;
  return toBase64Url(ed25519.sign(bytes, secretKey));
}

/**
 * True only for a valid signature of `message` by `publicKey`. Malformed keys or signatures
 * are answered with false rather than thrown, because they come from the network.
 */
export function verify(publicKey: Uint8Array | string, message: Uint8Array | string, signature: string): boolean {
  try {
    const key = typeof publicKey === 'string' ? fromBase64Url(publicKey) : publicKey;
    const sig = fromBase64Url(signature);
    if (key.length !== 32 || sig.length !== 64) return false;
    const bytes = typeof message === 'string' ? encoder.encode(message) : message;
    // zip215: false is the strict RFC 8032 check, so one signature has one meaning everywhere.
    return ed25519.verify(sig, bytes, key, { zip215: false });
  } catch {
    return false;
  }
}
