import { describe, expect, it } from 'vitest';
import { unknownAttributes } from './unknown-attributes.js';

const context = { transactionId: Buffer.alloc(12) };

describe('UNKNOWN-ATTRIBUTES', () => {
  it('lists 16-bit types', () => {
    const value = unknownAttributes.encode([0x0018, 0x7777], context);
    expect(value.toString('hex')).toBe('00187777');
    expect(unknownAttributes.decode(value, context)).toEqual([0x0018, 0x7777]);
  });

  it('refuses an odd length', () => {
    expect(() => unknownAttributes.decode(Buffer.alloc(3), context)).toThrow(/odd/);
  });
});
