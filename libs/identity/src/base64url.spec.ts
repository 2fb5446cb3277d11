import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.js';

describe('base64url', () => {
  it('matches Node’s encoder for any bytes (round trip)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('never throws anything but its own error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (text) => {
        try {
          const bytes = fromBase64Url(text);
          // Whatever decodes must encode back to the same text: one text per byte string.
          expect(toBase64Url(bytes)).toBe(text);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('INVALID_BASE64URL');
        }
      }),
    );
  });

  it('refuses padding, foreign characters and non-canonical tails', () => {
    expect(() => fromBase64Url('AA==')).toThrow(/character/);
    expect(() => fromBase64Url('A+B/')).toThrow(/character/);
    expect(() => fromBase64Url('AB')).toThrow(/non-canonical/);
    expect(() => fromBase64Url('A')).toThrow(/length/);
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
  });
});
