import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTurnError } from '../errors.js';
import { data } from './attributes/data.js';
import { encodeChannelData } from './channel-data.js';
import { StunMessageBuilder } from './stun-message-builder.js';
import { TurnStreamFramer } from './tcp-framer.js';

const frameArbitrary = fc.oneof(
  fc
    .uint8Array({ maxLength: 300 })
    .map((payload) => new StunMessageBuilder(0x0016).add(data, Buffer.from(payload)).encode()),
  fc
    .tuple(fc.integer({ min: 0x4000, max: 0x7fff }), fc.uint8Array({ maxLength: 300 }))
    .map(([channel, payload]) => encodeChannelData(channel, payload, { pad: true })),
);

describe('TurnStreamFramer', () => {
  it('hands on the same frames however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(frameArbitrary, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(400)), (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const out: Buffer[] = [];
        const framer = new TurnStreamFramer((frame) => out.push(Buffer.from(frame)));
        let offset = 0;
        for (const cut of cuts) {
          const end = Math.min(stream.length, offset + cut);
          framer.push(stream.subarray(offset, end));
          offset = end;
        }
        framer.push(stream.subarray(offset));
        expect(out).toEqual(frames);
        expect(framer.bufferedLength).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('hands on frames inside one chunk without copying', () => {
    const chunk = Buffer.concat([encodeChannelData(0x4000, Buffer.from('abcd')), new StunMessageBuilder(1).encode()]);
    const out: Buffer[] = [];
    new TurnStreamFramer((frame) => out.push(frame)).push(chunk);
    expect(out).toHaveLength(2);
    expect(out[0]?.buffer).toBe(chunk.buffer);
  });

  it('throws TURN_MALFORMED_MESSAGE on bytes that are neither STUN nor ChannelData', () => {
    for (const garbage of [
      Buffer.from([0x80, 0, 0, 0]),
      Buffer.from([0x00, 0x01, 0x00, 0x02]),
      Buffer.from([0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4]),
    ]) {
      const framer = new TurnStreamFramer(() => undefined);
      try {
        framer.push(garbage);
        expect.unreachable();
      } catch (error) {
        expect(isTurnError(error, 'TURN_MALFORMED_MESSAGE')).toBe(true);
      }
    }
  });
});
