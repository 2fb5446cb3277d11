import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTurnError } from '../errors.js';
import { SendIndicationReader } from '../server/send-indication-reader.js';
import type { AttributeCodec } from './attribute.js';
import { channelNumber } from './attributes/channel-number.js';
import { data } from './attributes/data.js';
import { errorCode } from './attributes/error-code.js';
import { evenPort } from './attributes/even-port.js';
import { lifetime } from './attributes/lifetime.js';
import { verifyMessageIntegrity } from './attributes/message-integrity.js';
import { nonce } from './attributes/nonce.js';
import { realm } from './attributes/realm.js';
import { requestedAddressFamily } from './attributes/requested-address-family.js';
import { requestedTransport } from './attributes/requested-transport.js';
import { reservationToken } from './attributes/reservation-token.js';
import { software } from './attributes/software.js';
import { unknownAttributes } from './attributes/unknown-attributes.js';
import { username } from './attributes/username.js';
import { xorMappedAddress, xorPeerAddress, xorRelayedAddress } from './attributes/xor-address.js';
import { decodeChannelData } from './channel-data.js';
import { AttributeType, MAGIC_COOKIE } from './constants.js';
import { formatIp, type TransportAddress } from './ip-address.js';
import { decodeStunMessage } from './stun-message.js';
import { StunMessageBuilder } from './stun-message-builder.js';
import { TurnStreamFramer } from './tcp-framer.js';

/** One attribute: its codec and a value, so the round trip can compare decoded with original. */
interface Entry {
  readonly codec: AttributeCodec<unknown>;
  readonly value: unknown;
}

const entry = <T>(codec: AttributeCodec<T>, value: fc.Arbitrary<T>): fc.Arbitrary<Entry> =>
  value.map((each) => ({ codec: codec as AttributeCodec<unknown>, value: each }));

const address: fc.Arbitrary<TransportAddress> = fc.oneof(
  fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.nat(0xffff)).map(([bytes, port]) => ({
    family: 'IPv4' as const,
    address: formatIp(bytes, 0, 'IPv4'),
    port,
  })),
  fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(0xffff)).map(([bytes, port]) => ({
    family: 'IPv6' as const,
    address: formatIp(bytes, 0, 'IPv6'),
    port,
  })),
);
const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

const attribute: fc.Arbitrary<Entry> = fc.oneof(
  entry(xorMappedAddress, address),
  entry(xorPeerAddress, address),
  entry(xorRelayedAddress, address),
  entry(username, text(120)),
  entry(realm, text(60)),
  entry(nonce, text(60)),
  entry(software, text(60)),
  entry(errorCode, fc.record({ code: fc.integer({ min: 300, max: 699 }), reason: text(60) })),
  entry(unknownAttributes, fc.array(fc.nat(0xffff), { maxLength: 10 })),
  entry(lifetime, fc.nat({ max: 0xffffffff })),
  entry(requestedTransport, fc.nat(0xff)),
  entry(channelNumber, fc.nat(0xffff)),
  entry(requestedAddressFamily, fc.constantFrom('IPv4' as const, 'IPv6' as const)),
  entry(evenPort, fc.record({ reserveNext: fc.boolean() })),
  entry(
    reservationToken,
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
  ),
  entry(
    data,
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  ),
);

/** Only TurnError TURN_MALFORMED_MESSAGE may come out of a decoder. */
function onlyMalformed(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!isTurnError(error, 'TURN_MALFORMED_MESSAGE')) throw error;
  }
}

const stunLooking = fc.uint8Array({ minLength: 20, maxLength: 400 }).map((bytes) => {
  const message = Buffer.from(bytes);
  message[0] = (message[0] ?? 0) & 0x3f;
  message.writeUInt16BE((message.length - 20) & ~3, 2);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  return message.subarray(0, 20 + ((message.length - 20) & ~3));
});

describe('codec properties', () => {
  it('round-trips any message: type, transaction ID, attributes, integrity, fingerprint', () => {
    fc.assert(
      fc.property(
        fc.nat(0x3fff),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.array(attribute, { maxLength: 12 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 })),
        fc.boolean(),
        (type, transactionId, entries, key, fingerprint) => {
          const builder = new StunMessageBuilder(type, Buffer.from(transactionId));
          for (const { codec, value } of entries) builder.add(codec, value);
          const integrityKey = key === null ? undefined : Buffer.from(key);
          const bytes = builder.encode({ integrityKey, fingerprint });
          const message = decodeStunMessage(bytes);
          expect(message.type).toBe(type);
          expect(message.transactionId.equals(Buffer.from(transactionId))).toBe(true);
          const decoded = message.attributes
            .filter((raw) => raw.type !== AttributeType.MessageIntegrity && raw.type !== AttributeType.Fingerprint)
            .map((raw, index) => {
              const codec = entries[index]?.codec as AttributeCodec<unknown>;
              expect(raw.type).toBe(codec.type);
              return codec.decode(message.raw.subarray(raw.offset + 4, raw.offset + 4 + raw.length), message);
            });
          expect(decoded).toEqual(entries.map((each) => each.value));
          if (integrityKey !== undefined) {
            expect(verifyMessageIntegrity(message.raw, message.integrityOffset, integrityKey)).toBe(true);
          }
          expect(message.has(AttributeType.Fingerprint)).toBe(fingerprint);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decoding arbitrary bytes throws nothing but TURN_MALFORMED_MESSAGE, attributes included', () => {
    const codecs = [
      xorMappedAddress,
      xorPeerAddress,
      username,
      realm,
      nonce,
      software,
      errorCode,
      unknownAttributes,
      lifetime,
      requestedTransport,
      channelNumber,
      requestedAddressFamily,
      evenPort,
      reservationToken,
    ] as AttributeCodec<unknown>[];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
          stunLooking,
        ),
        (bytes) => {
          onlyMalformed(() => {
            const message = decodeStunMessage(bytes);
            for (const codec of codecs) onlyMalformed(() => message.getAll(codec));
          });
          onlyMalformed(() => decodeChannelData(bytes));
          onlyMalformed(() => new TurnStreamFramer(() => undefined).push(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('decodes every attribute value, whatever its bytes, to a value or TURN_MALFORMED_MESSAGE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (value, id) => {
        const context = { transactionId: Buffer.from(id) };
        for (const codec of [xorMappedAddress, errorCode, unknownAttributes, lifetime, channelNumber, evenPort]) {
          onlyMalformed(() => (codec as AttributeCodec<unknown>).decode(Buffer.from(value), context));
        }
      }),
    );
  });

  it('the in-place Send indication reader never throws on STUN-looking bytes', () => {
    const reader = new SendIndicationReader();
    fc.assert(
      fc.property(stunLooking, (bytes) => {
        const ok = reader.read(bytes);
        if (ok) {
          expect(reader.peerOffset + reader.peerLength).toBeLessThanOrEqual(bytes.length);
          expect(reader.dataOffset + reader.dataLength).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
