import { describe, expect, it } from 'vitest';
import { errorCode } from './error-code.js';

const context = { transactionId: Buffer.alloc(12) };

describe('ERROR-CODE', () => {
  it('splits the code into class and number and keeps the reason', () => {
    const value = errorCode.encode({ code: 438, reason: 'Stale Nonce' }, context);
    expect(value.subarray(0, 4).toString('hex')).toBe('00000426');
    expect(errorCode.decode(value, context)).toEqual({ code: 438, reason: 'Stale Nonce' });
  });

  it('refuses codes outside 300-699 both ways', () => {
    expect(() => errorCode.encode({ code: 200, reason: '' }, context)).toThrow(/300-699/);
    expect(() => errorCode.decode(Buffer.from([0, 0, 2, 0]), context)).toThrow(/300-699/);
    expect(() => errorCode.decode(Buffer.from([0, 0, 4, 100]), context)).toThrow(/300-699/);
    expect(() => errorCode.decode(Buffer.from([0, 0, 4]), context)).toThrow(/shorter/);
  });
});
