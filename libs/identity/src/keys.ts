import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromBase64Url, toBase64Url } from './base64url.js';

/** A device's keys: Ed25519 to sign, X25519 to receive sealed messages. */
export interface DeviceKeys {
  signing: { secretKey: Uint8Array; publicKey: Uint8Array };
  exchange: { secretKey: Uint8Array; publicKey: Uint8Array };
}

/** The portable, text form of DeviceKeys, as a device stores it in its data dir. */
export interface SerializedDeviceKeys {
  version: 1;
  signingSecretKey: string;
  signingPublicKey: string;
  exchangeSecretKey: string;
  exchangePublicKey: string;
}

export function generateDeviceKeys(): DeviceKeys {
  const signingSecret = ed25519.utils.randomSecretKey();
  const exchangeSecret = x25519.utils.randomSecretKey();
  return {
    signing: { secretKey: signingSecret, publicKey: ed25519.getPublicKey(signingSecret) },
    exchange: { secretKey: exchangeSecret, publicKey: x25519.getPublicKey(exchangeSecret) },
  };
}

export function serializeDeviceKeys(keys: DeviceKeys): SerializedDeviceKeys {
  return {
    version: 1,
    signingSecretKey: toBase64Url(keys.signing.secretKey),
    signingPublicKey: toBase64Url(keys.signing.publicKey),
    exchangeSecretKey: toBase64Url(keys.exchange.secretKey),
    exchangePublicKey: toBase64Url(keys.exchange.publicKey),
  };
}

export class IdentityError extends Error {
  constructor(
    readonly code: 'IDENTITY_KEYS_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** Restores keys and checks that each public key belongs to its secret key. */
export function deserializeDeviceKeys(data: SerializedDeviceKeys): DeviceKeys {
  if (data.version !== 1)
    throw new IdentityError('IDENTITY_KEYS_INVALID', `unknown key file version ${String(data.version)}`);
  const keys: DeviceKeys = {
    signing: { secretKey: fromBase64Url(data.signingSecretKey), publicKey: fromBase64Url(data.signingPublicKey) },
    exchange: { secretKey: fromBase64Url(data.exchangeSecretKey), publicKey: fromBase64Url(data.exchangePublicKey) },
  };
  const signingOk = equalBytes(ed25519.getPublicKey(keys.signing.secretKey), keys.signing.publicKey);
  const exchangeOk = equalBytes(x25519.getPublicKey(keys.exchange.secretKey), keys.exchange.publicKey);
  if (!signingOk || !exchangeOk) {
    throw new IdentityError('IDENTITY_KEYS_INVALID', 'a public key does not match its secret key');
  }
  return keys;
}

/** Device id: hex of the first 20 bytes of SHA-256 of the Ed25519 public key. */
export function deviceIdFromPublicKey(publicKey: Uint8Array | string): string {
  const bytes = typeof publicKey === 'string' ? fromBase64Url(publicKey) : publicKey;
  return bytesToHex(sha256(bytes).subarray(0, 20));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
