import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';
import { MAX_TEXT_128_CHARACTERS_BYTES } from './utf8-attribute.js';

export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

/** RFC 8489 §14.8: ERROR-CODE, 21 reserved bits, the hundreds in 3 bits, the rest in 8, a reason. */
export const errorCode: AttributeCodec<ErrorCodeValue> = {
  type: AttributeType.ErrorCode,
  name: 'ERROR-CODE',
  encode({ code, reason }) {
    if (!Number.isInteger(code) || code < 300 || code > 699) {
      throw TurnError.invalidArgument('ERROR-CODE', `code ${code} is outside 300-699`);
    }
    const phrase = Buffer.from(reason, 'utf8');
    if (phrase.length > MAX_TEXT_128_CHARACTERS_BYTES) throw TurnError.invalidArgument('ERROR-CODE', 'reason too long');
    const bytes = Buffer.alloc(4 + phrase.length);
    bytes[2] = Math.floor(code / 100);
    bytes[3] = code % 100;
    phrase.copy(bytes, 4);
    return bytes;
  },
  decode(value) {
    if (value.length < 4) throw TurnError.malformed('ERROR-CODE shorter than 4 bytes');
    if (value.length > 4 + MAX_TEXT_128_CHARACTERS_BYTES) throw TurnError.malformed('ERROR-CODE reason too long');
    const hundreds = (value[2] ?? 0) & 0x07;
    const rest = value[3] ?? 0;
    if (hundreds < 3 || hundreds > 6 || rest > 99) throw TurnError.malformed('ERROR-CODE outside 300-699');
    return { code: hundreds * 100 + rest, reason: value.toString('utf8', 4) };
  },
};
