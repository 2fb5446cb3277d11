import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

export interface EvenPortValue {
  /** The R bit: also reserve the next port, for a later Allocate with the RESERVATION-TOKEN. */
  readonly reserveNext: boolean;
}

/** RFC 8656 §18.6: EVEN-PORT, one byte whose top bit is R, then padding. */
export const evenPort: AttributeCodec<EvenPortValue> = {
  type: AttributeType.EvenPort,
  name: 'EVEN-PORT',
  encode: ({ reserveNext }) => Buffer.from([reserveNext ? 0x80 : 0]),
  decode(value) {
    if (value.length !== 1) throw TurnError.malformed(`EVEN-PORT is ${value.length} bytes, not 1`);
    return { reserveNext: ((value[0] ?? 0) & 0x80) !== 0 };
  },
};
