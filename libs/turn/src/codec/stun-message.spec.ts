import { describe, expect, it } from 'vitest';
import { isTurnError } from '../errors.js';
import { longTermKey, verifyMessageIntegrity } from './attributes/message-integrity.js';
import { nonce } from './attributes/nonce.js';
import { realm } from './attributes/realm.js';
import { software } from './attributes/software.js';
import { username } from './attributes/username.js';
import { xorMappedAddress } from './attributes/xor-address.js';
import { AttributeType, StunClass, StunMethod } from './constants.js';
import {
  SAMPLE_IPV4_RESPONSE,
  SAMPLE_IPV6_RESPONSE,
  SAMPLE_LONG_TERM_REQUEST,
  SAMPLE_REQUEST,
  SAMPLE_REQUEST_PASSWORD,
} from './fixtures/rfc5769.js';
import { decodeStunMessage, looksLikeStun } from './stun-message.js';
import { StunMessageBuilder } from './stun-message-builder.js';

const malformed = (bytes: Buffer): string => {
  try {
    decodeStunMessage(bytes);
    return 'decoded';
  } catch (error) {
    return isTurnError(error, 'TURN_MALFORMED_MESSAGE') ? 'malformed' : `other: ${String(error)}`;
  }
};

describe('decodeStunMessage on the RFC 5769 vectors', () => {
  it('reads the sample request and checks its short-term MESSAGE-INTEGRITY over the received bytes', () => {
    const message = decodeStunMessage(SAMPLE_REQUEST);
    expect(message.method).toBe(StunMethod.Binding);
    expect(message.messageClass).toBe(StunClass.Request);
    expect(message.get(software)).toBe('STUN test client');
    expect(message.get(username)).toBe('evtj:h6vY');
    expect(message.has(AttributeType.Priority)).toBe(true);
    const key = Buffer.from(SAMPLE_REQUEST_PASSWORD, 'utf8');
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, key)).toBe(true);
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, Buffer.from('wrong'))).toBe(false);
  });

  it('reads the IPv4 and IPv6 responses', () => {
    const v4 = decodeStunMessage(SAMPLE_IPV4_RESPONSE);
    expect(v4.messageClass).toBe(StunClass.SuccessResponse);
    expect(v4.get(xorMappedAddress)).toEqual({ family: 'IPv4', address: '192.0.2.1', port: 32853 });
    expect(v4.get(software)).toBe('test vector');
    const v6 = decodeStunMessage(SAMPLE_IPV6_RESPONSE);
    expect(v6.get(xorMappedAddress)).toEqual({
      family: 'IPv6',
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    const key = Buffer.from(SAMPLE_REQUEST_PASSWORD, 'utf8');
    expect(verifyMessageIntegrity(v4.raw, v4.integrityOffset, key)).toBe(true);
    expect(verifyMessageIntegrity(v6.raw, v6.integrityOffset, key)).toBe(true);
  });

  it('checks long-term MESSAGE-INTEGRITY with MD5(username:realm:password)', () => {
    const message = decodeStunMessage(SAMPLE_LONG_TERM_REQUEST);
    const user = message.get(username) as string;
    expect(user).toBe('マトリックス');
    expect(message.get(realm)).toBe('example.org');
    expect(message.get(nonce)).toBe('f//499k954d6OL34oL9FSTvy64sA');
    const key = longTermKey(user, 'example.org', 'TheMatrIX');
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, key)).toBe(true);
  });

  it('refuses a FINGERPRINT that does not match', () => {
    const corrupted = Buffer.from(SAMPLE_IPV4_RESPONSE);
    corrupted[corrupted.length - 1] = (corrupted[corrupted.length - 1] ?? 0) ^ 0xff;
    expect(malformed(corrupted)).toBe('malformed');
  });
});

describe('decodeStunMessage on bad input', () => {
  const valid = new StunMessageBuilder(0x0001).add(software, 'x').encode();

  it('refuses every truncation of a valid message', () => {
    for (let cut = 0; cut < valid.length; cut++) expect(malformed(valid.subarray(0, cut))).toBe('malformed');
  });

  it('refuses wrong first bits, cookie, length and attribute overruns', () => {
    const flip = (at: number, value: number): Buffer => {
      const copy = Buffer.from(valid);
      copy[at] = value;
      return copy;
    };
    expect(malformed(flip(0, 0x40))).toBe('malformed');
    expect(malformed(flip(4, 0x00))).toBe('malformed');
    expect(malformed(flip(3, (valid[3] ?? 0) + 1))).toBe('malformed');
    expect(malformed(flip(23, 0xff))).toBe('malformed'); // attribute length beyond the end
    expect(malformed(Buffer.concat([valid, Buffer.alloc(4)]))).toBe('malformed'); // trailing bytes
  });

  it('refuses an attribute after FINGERPRINT and ignores attributes after MESSAGE-INTEGRITY', () => {
    const fingerprinted = new StunMessageBuilder(0x0001).encode({ fingerprint: true });
    const after = Buffer.concat([fingerprinted, Buffer.from([0x80, 0x22, 0, 0])]);
    after.writeUInt16BE(after.length - 20, 2);
    expect(malformed(after)).toBe('malformed');

    const signed = new StunMessageBuilder(0x0001).encode({ integrityKey: Buffer.from('k') });
    const trailing = Buffer.concat([signed, Buffer.from([0x00, 0x06, 0, 1, 0x41, 0, 0, 0])]);
    trailing.writeUInt16BE(trailing.length - 20, 2);
    const message = decodeStunMessage(trailing);
    expect(message.has(AttributeType.Username)).toBe(false);
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, Buffer.from('k'))).toBe(true);
  });

  it('says which comprehension-required attributes are unknown', () => {
    const message = decodeStunMessage(
      new StunMessageBuilder(0x0003)
        .addRaw(0x0019, Buffer.alloc(4))
        .addRaw(0x7001, Buffer.alloc(0))
        .addRaw(0x7001, Buffer.alloc(0))
        .addRaw(0x8099, Buffer.alloc(0))
        .encode(),
    );
    expect(message.unknownComprehensionRequired(new Set([0x0019]))).toEqual([0x7001]);
  });

  it('looksLikeStun checks first bits and cookie only', () => {
    expect(looksLikeStun(valid)).toBe(true);
    expect(looksLikeStun(valid.subarray(0, 19))).toBe(false);
    expect(looksLikeStun(Buffer.from('GET / HTTP/1.1\r\n\r\n....'))).toBe(false);
  });
});
