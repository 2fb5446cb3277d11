import { TurnError } from '../errors.js';
import type { AttributeCodec, AttributeContext } from './attribute.js';
import {
  ATTRIBUTE_HEADER_LENGTH,
  AttributeType,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  type StunClass,
  isComprehensionRequired,
} from './constants.js';
import { computeFingerprint } from './attributes/fingerprint.js';
import { classOf, methodOf } from './message-type.js';

/** Where an attribute sits in the received bytes; values are read lazily, on demand. */
export interface RawAttribute {
  readonly type: number;
  /** Offset of the attribute header (type) in `StunMessage.raw`. */
  readonly offset: number;
  /** Length of the value, without padding. */
  readonly length: number;
}

/** A decoded STUN message: its header and an index of its attributes over the received bytes. */
export class StunMessage implements AttributeContext {
  readonly method: number;
  readonly messageClass: StunClass;

  constructor(
    /** The message as received; attribute values are views into it. */
    readonly raw: Buffer,
    readonly type: number,
    readonly transactionId: Buffer,
    /** In wire order, those after MESSAGE-INTEGRITY left out except FINGERPRINT (RFC 8489 §14.5). */
    readonly attributes: readonly RawAttribute[],
    /** Offset of the MESSAGE-INTEGRITY attribute header, or -1 when there is none. */
    readonly integrityOffset: number,
  ) {
    this.method = methodOf(type);
    this.messageClass = classOf(type);
  }

  has(type: number): boolean {
    return this.attributes.some((attribute) => attribute.type === type);
  }

  /** The value bytes of the first attribute of `type` (RFC 8489 §14: later duplicates are ignored). */
  value(type: number): Buffer | undefined {
    const attribute = this.attributes.find((candidate) => candidate.type === type);
    if (attribute === undefined) return undefined;
    const start = attribute.offset + ATTRIBUTE_HEADER_LENGTH;
    return this.raw.subarray(start, start + attribute.length);
  }

  /** Decodes the first attribute of the codec's type; throws `TURN_MALFORMED_MESSAGE` if it is malformed. */
  get<T>(codec: AttributeCodec<T>): T | undefined {
    const value = this.value(codec.type);
    return value === undefined ? undefined : codec.decode(value, this);
  }

  /** Decodes every attribute of the codec's type, in wire order (CreatePermission may carry several peers). */
  getAll<T>(codec: AttributeCodec<T>): T[] {
    const values: T[] = [];
    for (const attribute of this.attributes) {
      if (attribute.type !== codec.type) continue;
      const start = attribute.offset + ATTRIBUTE_HEADER_LENGTH;
      values.push(codec.decode(this.raw.subarray(start, start + attribute.length), this));
    }
    return values;
  }

  /** Comprehension-required attribute types (< 0x8000) not in `known`, each once, in wire order. */
  unknownComprehensionRequired(known: ReadonlySet<number>): number[] {
    const unknown: number[] = [];
    for (const { type } of this.attributes) {
      if (isComprehensionRequired(type) && !known.has(type) && !unknown.includes(type)) unknown.push(type);
    }
    return unknown;
  }
}

/** Cheap test for "could be STUN": the first two bits are zero and the magic cookie is in place. */
export function looksLikeStun(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEADER_LENGTH &&
    ((bytes[0] ?? 0xff) & 0xc0) === 0 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42
  );
}

/**
 * Decodes one whole STUN message (a UDP datagram or a frame cut by `StunTcpFramer`). Checks every
 * length, the magic cookie and FINGERPRINT when present; throws only `TurnError`
 * `TURN_MALFORMED_MESSAGE`. Attribute values are not decoded until asked for.
 */
export function decodeStunMessage(bytes: Buffer): StunMessage {
  if (bytes.length < HEADER_LENGTH) throw TurnError.malformed(`${bytes.length} bytes, shorter than a header`);
  if (((bytes[0] ?? 0) & 0xc0) !== 0) throw TurnError.malformed('the first two bits are not zero');
  const length = bytes.readUInt16BE(2);
  if (length % 4 !== 0) throw TurnError.malformed(`length ${length} is not a multiple of 4`);
  if (HEADER_LENGTH + length !== bytes.length) {
    throw TurnError.malformed(`the header says ${HEADER_LENGTH + length} bytes, ${bytes.length} arrived`);
  }
  if (bytes.readUInt32BE(4) !== MAGIC_COOKIE) throw TurnError.malformed('no magic cookie (RFC 3489 is not spoken)');

  const attributes: RawAttribute[] = [];
  let integrityOffset = -1;
  let fingerprintSeen = false;
  let offset = HEADER_LENGTH;
  while (offset < bytes.length) {
    if (fingerprintSeen) throw TurnError.malformed('an attribute follows FINGERPRINT');
    if (bytes.length - offset < ATTRIBUTE_HEADER_LENGTH) throw TurnError.malformed('truncated attribute header');
    const type = bytes.readUInt16BE(offset);
    const valueLength = bytes.readUInt16BE(offset + 2);
    const valueEnd = offset + ATTRIBUTE_HEADER_LENGTH + valueLength;
    if (valueEnd > bytes.length) throw TurnError.malformed(`attribute 0x${type.toString(16)} overruns the message`);

    if (type === AttributeType.Fingerprint) {
      fingerprintSeen = true;
      if (valueLength !== 4) throw TurnError.malformed('FINGERPRINT is not 4 bytes');
      const expected = computeFingerprint(bytes.subarray(0, offset));
      if (bytes.readUInt32BE(offset + ATTRIBUTE_HEADER_LENGTH) !== expected) {
        throw TurnError.malformed('FINGERPRINT does not match');
      }
      attributes.push({ type, offset, length: valueLength });
    } else if (integrityOffset === -1 || type === AttributeType.MessageIntegritySha256) {
      if (type === AttributeType.MessageIntegrity) integrityOffset = offset;
      attributes.push({ type, offset, length: valueLength });
    }
    offset = valueEnd + ((4 - (valueLength % 4)) % 4);
  }
  return new StunMessage(bytes, bytes.readUInt16BE(0), bytes.subarray(8, HEADER_LENGTH), attributes, integrityOffset);
}
