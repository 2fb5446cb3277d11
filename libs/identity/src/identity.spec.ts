import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deserializeDeviceKeys,
  deviceIdFromPublicKey,
  deviceRegistrationMessage,
  generateDeviceKeys,
  serializeDeviceKeys,
  sign,
  toBase64Url,
  verify,
} from './index.js';

describe('device keys', () => {
  const keys = generateDeviceKeys();

  it('survive serialisation and refuse a mismatched pair', () => {
    const data = serializeDeviceKeys(keys);
    expect(deserializeDeviceKeys(data).signing.publicKey).toEqual(keys.signing.publicKey);
    const other = serializeDeviceKeys(generateDeviceKeys());
    expect(() => deserializeDeviceKeys({ ...data, signingPublicKey: other.signingPublicKey })).toThrow(
      /does not match/,
    );
  });

  it('derive a stable 40-hex device id from the signing key', () => {
    const id = deviceIdFromPublicKey(keys.signing.publicKey);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(deviceIdFromPublicKey(toBase64Url(keys.signing.publicKey))).toBe(id);
    expect(deviceIdFromPublicKey(generateDeviceKeys().signing.publicKey)).not.toBe(id);
  });

  it('sign messages that verify, and nothing else verifies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.nat(), (message, flip) => {
        const signature = sign(keys.signing.secretKey, message);
        expect(verify(keys.signing.publicKey, message, signature)).toBe(true);
        const tampered = message.length === 0 ? new Uint8Array([1]) : Uint8Array.from(message);
        if (message.length > 0) tampered[flip % message.length]! ^= 1;
        expect(verify(keys.signing.publicKey, tampered, signature)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('answers false, never throws, for garbage keys and signatures', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, signature) => {
        expect(verify(key, 'hello', signature)).toBe(false);
      }),
    );
    const good = sign(keys.signing.secretKey, 'hello');
    expect(verify(generateDeviceKeys().signing.publicKey, 'hello', good)).toBe(false);
  });

  it('binds every part of a device registration', () => {
    const base = { userId: 'u', challenge: 'c', publicKey: 'p', exchangeKey: 'x' };
    const message = deviceRegistrationMessage(base);
    for (const field of Object.keys(base) as (keyof typeof base)[]) {
      expect(deviceRegistrationMessage({ ...base, [field]: 'other' })).not.toBe(message);
    }
  });
});
