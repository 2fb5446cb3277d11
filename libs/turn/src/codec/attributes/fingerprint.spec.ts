import { describe, expect, it } from 'vitest';
import { SAMPLE_IPV4_RESPONSE } from '../fixtures/rfc5769.js';
import { computeFingerprint } from './fingerprint.js';

describe('FINGERPRINT', () => {
  it('is CRC-32 of the message before it, XOR 0x5354554e (RFC 5769 §2.2)', () => {
    const before = SAMPLE_IPV4_RESPONSE.subarray(0, SAMPLE_IPV4_RESPONSE.length - 8);
    expect(computeFingerprint(before)).toBe(SAMPLE_IPV4_RESPONSE.readUInt32BE(SAMPLE_IPV4_RESPONSE.length - 4));
  });
});
