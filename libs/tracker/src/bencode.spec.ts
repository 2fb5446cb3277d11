import bencodeLib from 'bencode';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bencode } from './bencode.js';

describe('bencode', () => {
  it('encodes the BEP 3 forms byte for byte', () => {
    expect(bencode(42).toString()).toBe('i42e');
    expect(bencode(-3).toString()).toBe('i-3e');
    expect(bencode('spam').toString()).toBe('4:spam');
    expect(bencode(['spam', 7]).toString()).toBe('l4:spami7ee');
    expect(bencode({ z: 1, a: 'b', skipped: undefined }).toString()).toBe('d1:a1:b1:zi1ee');
    expect(bencode(Buffer.from([0, 255]))).toEqual(Buffer.from([0x32, 0x3a, 0, 255]));
  });

  it('sorts dictionary keys by raw bytes, binary keys included', () => {
    const keys = new Map<Uint8Array, number>([
      [Buffer.from([0xff]), 1],
      [Buffer.from([0x01]), 2],
      [Buffer.from('a'), 3],
    ]);
    expect(bencode(keys)).toEqual(
      Buffer.concat([Buffer.from('d1:\x01i2e1:ai3e1:', 'latin1'), Buffer.from([0xff]), Buffer.from('i1ee')]),
    );
  });

  it('refuses numbers bencode cannot carry', () => {
    expect(() => bencode(1.5)).toThrow(RangeError);
    expect(() => bencode(Infinity)).toThrow(RangeError);
  });

  it('is decoded to the same value by an independent implementation', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.maxSafeInteger(),
        fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string({ unit: fc.constantFrom(...'abcdefghij_ '), minLength: 1, maxLength: 8 }),
          tie('node'),
          {
            maxKeys: 4,
          },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const decoded = bencodeLib.decode(bencode(v as never));
        expect(normalise(decoded)).toEqual(normalise(v));
      }),
    );
  });
});

function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}
