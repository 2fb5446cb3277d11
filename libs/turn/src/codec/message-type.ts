import type { StunClass } from './constants.js';

/*
 * RFC 8489 §5: the 14-bit message type interleaves a 12-bit method (M) with a 2-bit class (C):
 *   M11..M7 C1 M6..M4 C0 M3..M0
 */

export function encodeMessageType(method: number, messageClass: StunClass): number {
  return (
    ((method & 0xf80) << 2) |
    ((method & 0x070) << 1) |
    (method & 0x00f) |
    ((messageClass & 0b10) << 7) |
    ((messageClass & 0b01) << 4)
  );
}

export function methodOf(type: number): number {
  return ((type & 0x3e00) >> 2) | ((type & 0x00e0) >> 1) | (type & 0x000f);
}

export function classOf(type: number): StunClass {
  return (((type & 0x0100) >> 7) | ((type & 0x0010) >> 4)) as StunClass;
}
