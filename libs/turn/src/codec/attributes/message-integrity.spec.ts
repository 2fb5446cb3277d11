import { describe, expect, it } from 'vitest';
import { SAMPLE_LONG_TERM_REQUEST } from '../fixtures/rfc5769.js';
import { decodeStunMessage } from '../stun-message.js';
import { computeMessageIntegrity, longTermKey, messageIntegrity, verifyMessageIntegrity } from './message-integrity.js';

describe('MESSAGE-INTEGRITY', () => {
  it('derives the long-term key as MD5(username:realm:password)', () => {
    // RFC 5769 §2.4's user, realm and SASLprep'd password.
    expect(longTermKey('マトリックス', 'example.org', 'TheMatrIX').toString('hex')).toHaveLength(32);
    const message = decodeStunMessage(SAMPLE_LONG_TERM_REQUEST);
    const key = longTermKey('マトリックス', 'example.org', 'TheMatrIX');
    const computed = computeMessageIntegrity(message.raw, message.integrityOffset, key);
    expect(computed.equals(message.raw.subarray(message.integrityOffset + 4, message.integrityOffset + 24))).toBe(true);
  });

  it('fails for another key and for a changed byte', () => {
    const message = decodeStunMessage(SAMPLE_LONG_TERM_REQUEST);
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, longTermKey('a', 'b', 'c'))).toBe(false);
    const tampered = Buffer.from(SAMPLE_LONG_TERM_REQUEST);
    tampered[30] = (tampered[30] ?? 0) ^ 1;
    const key = longTermKey('マトリックス', 'example.org', 'TheMatrIX');
    expect(verifyMessageIntegrity(tampered, message.integrityOffset, key)).toBe(false);
  });

  it('holds 20 bytes', () => {
    const context = { transactionId: Buffer.alloc(12) };
    expect(() => messageIntegrity.decode(Buffer.alloc(19), context)).toThrow(/20/);
    expect(() => messageIntegrity.encode(Buffer.alloc(21), context)).toThrow(/20/);
  });
});
