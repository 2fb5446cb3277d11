import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

/** RFC 8489 §14.9: UNKNOWN-ATTRIBUTES, the 16-bit types a 420 response did not understand. */
export const unknownAttributes: AttributeCodec<readonly number[]> = {
  type: AttributeType.UnknownAttributes,
  name: 'UNKNOWN-ATTRIBUTES',
  encode(types) {
    const bytes = Buffer.alloc(types.length * 2);
    types.forEach((type, index) => {
      if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
        throw TurnError.invalidArgument('UNKNOWN-ATTRIBUTES', `type ${type}`);
      }
      bytes.writeUInt16BE(type, index * 2);
    });
    return bytes;
  },
  decode(value) {
    if (value.length % 2 !== 0) throw TurnError.malformed('UNKNOWN-ATTRIBUTES has an odd length');
    const types: number[] = [];
    for (let offset = 0; offset < value.length; offset += 2) types.push(value.readUInt16BE(offset));
    return types;
  },
};
