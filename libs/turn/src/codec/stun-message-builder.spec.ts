import { describe, expect, it } from 'vitest';
import { isTurnError } from '../errors.js';
import { verifyMessageIntegrity } from './attributes/message-integrity.js';
import { software } from './attributes/software.js';
import { xorMappedAddress } from './attributes/xor-address.js';
import { AttributeType, StunClass, StunMethod } from './constants.js';
import { SAMPLE_IPV4_RESPONSE, SAMPLE_REQUEST_PASSWORD } from './fixtures/rfc5769.js';
import { decodeStunMessage } from './stun-message.js';
import { StunMessageBuilder } from './stun-message-builder.js';

describe('StunMessageBuilder', () => {
  it('re-creates the RFC 5769 IPv4 response byte for byte (but for the padding it chooses)', () => {
    const vector = decodeStunMessage(SAMPLE_IPV4_RESPONSE);
    const bytes = StunMessageBuilder.of(StunMethod.Binding, StunClass.SuccessResponse, vector.transactionId)
      .add(software, 'test vector')
      .add(xorMappedAddress, { family: 'IPv4', address: '192.0.2.1', port: 32853 })
      .encode({ integrityKey: Buffer.from(SAMPLE_REQUEST_PASSWORD), fingerprint: true });
    // The vector pads SOFTWARE with a space, the builder with a zero; the rest is identical.
    const expected = Buffer.from(SAMPLE_IPV4_RESPONSE);
    expected[35] = 0;
    expect(bytes.subarray(0, 44).equals(expected.subarray(0, 44))).toBe(true);
    const decoded = decodeStunMessage(bytes);
    expect(verifyMessageIntegrity(decoded.raw, decoded.integrityOffset, Buffer.from(SAMPLE_REQUEST_PASSWORD))).toBe(
      true,
    );
  });

  it('puts MESSAGE-INTEGRITY then FINGERPRINT last, with lengths that count them', () => {
    const bytes = new StunMessageBuilder(0x0001).add(software, 'abc').encode({
      integrityKey: Buffer.from('key'),
      fingerprint: true,
    });
    const message = decodeStunMessage(bytes);
    expect(message.attributes.map((attribute) => attribute.type)).toEqual([
      AttributeType.Software,
      AttributeType.MessageIntegrity,
      AttributeType.Fingerprint,
    ]);
    expect(bytes.readUInt16BE(2)).toBe(bytes.length - 20);
  });

  it('refuses a transaction ID that is not 12 bytes and a message over 64 KiB', () => {
    expect(() => new StunMessageBuilder(1, Buffer.alloc(16))).toThrow(/transaction ID/);
    const builder = new StunMessageBuilder(1);
    for (let i = 0; i < 2; i++) builder.addRaw(0x8050, Buffer.alloc(40_000));
    try {
      builder.encode();
      expect.unreachable();
    } catch (error) {
      expect(isTurnError(error, 'TURN_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
