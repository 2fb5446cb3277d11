import { crc32 } from 'node:zlib';
import { AttributeType, FINGERPRINT_XOR } from '../constants.js';
import { uint32Attribute } from './uint32-attribute.js';

/** RFC 8489 §14.7: FINGERPRINT, CRC-32 of the message up to it, XOR 0x5354554e. */
export const fingerprint = uint32Attribute(AttributeType.Fingerprint, 'FINGERPRINT');

/**
 * `message` must be the bytes before the FINGERPRINT attribute with the header length already
 * counting it (8 bytes).
 */
export function computeFingerprint(message: Uint8Array): number {
  return (crc32(message) ^ FINGERPRINT_XOR) >>> 0;
}
