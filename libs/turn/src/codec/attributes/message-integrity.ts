import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType, HEADER_LENGTH } from '../constants.js';

export const MESSAGE_INTEGRITY_LENGTH = 20;

/** RFC 8489 §14.5: MESSAGE-INTEGRITY, HMAC-SHA1 of the message up to it; the value is the raw digest. */
export const messageIntegrity: AttributeCodec<Buffer> = {
  type: AttributeType.MessageIntegrity,
  name: 'MESSAGE-INTEGRITY',
  encode(value) {
    if (value.length !== MESSAGE_INTEGRITY_LENGTH) {
      throw TurnError.invalidArgument('MESSAGE-INTEGRITY', `${value.length} bytes, not 20`);
    }
    return value;
  },
  decode(value) {
    if (value.length !== MESSAGE_INTEGRITY_LENGTH) {
      throw TurnError.malformed(`MESSAGE-INTEGRITY is ${value.length} bytes, not 20`);
    }
    return value;
  },
};

/** RFC 8489 §9.2.2: the long-term credential key, MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();
}

/**
 * HMAC-SHA1 over `message[0, attributeOffset)` where `attributeOffset` is where the
 * MESSAGE-INTEGRITY attribute starts, with the header's length field counting the message up to
 * the end of that attribute (RFC 8489 §14.5), whatever the length field actually says. Hashing the
 * received bytes (not a re-encoding) keeps padding and unknown attributes exactly as the sender
 * hashed them.
 */
export function computeMessageIntegrity(message: Buffer, attributeOffset: number, key: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_LENGTH);
  message.copy(header, 0, 0, HEADER_LENGTH);
  header.writeUInt16BE(attributeOffset + 4 + MESSAGE_INTEGRITY_LENGTH - HEADER_LENGTH, 2);
  return createHmac('sha1', key).update(header).update(message.subarray(HEADER_LENGTH, attributeOffset)).digest();
}

export function verifyMessageIntegrity(message: Buffer, attributeOffset: number, key: Buffer): boolean {
  const received = message.subarray(attributeOffset + 4, attributeOffset + 4 + MESSAGE_INTEGRITY_LENGTH);
  if (received.length !== MESSAGE_INTEGRITY_LENGTH) return false;
  return timingSafeEqual(received, computeMessageIntegrity(message, attributeOffset, key));
}
