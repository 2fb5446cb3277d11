import { describe, expect, it } from 'vitest';
import { StunClass, StunMethod } from './constants.js';
import { classOf, encodeMessageType, methodOf } from './message-type.js';

describe('message type', () => {
  it('interleaves method and class as RFC 8489 §5 and RFC 8656 list them', () => {
    expect(encodeMessageType(StunMethod.Binding, StunClass.Request)).toBe(0x0001);
    expect(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(0x0101);
    expect(encodeMessageType(StunMethod.Binding, StunClass.ErrorResponse)).toBe(0x0111);
    expect(encodeMessageType(StunMethod.Allocate, StunClass.ErrorResponse)).toBe(0x0113);
    expect(encodeMessageType(StunMethod.Send, StunClass.Indication)).toBe(0x0016);
    expect(encodeMessageType(StunMethod.Data, StunClass.Indication)).toBe(0x0017);
    expect(encodeMessageType(StunMethod.ChannelBind, StunClass.SuccessResponse)).toBe(0x0109);
  });

  it('round-trips every 12-bit method and class', () => {
    for (let method = 0; method < 0x1000; method++) {
      for (const messageClass of [0, 1, 2, 3] as const) {
        const type = encodeMessageType(method, messageClass);
        expect(type >> 14).toBe(0);
        expect(methodOf(type)).toBe(method);
        expect(classOf(type)).toBe(messageClass);
      }
    }
  });
});
