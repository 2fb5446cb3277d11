import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';

export function uint32Attribute(type: number, name: string): AttributeCodec<number> {
  return {
    type,
    name,
    encode(value) {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw TurnError.invalidArgument(name, `${value} is not a 32-bit unsigned integer`);
      }
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value, 0);
      return bytes;
    },
    decode(value) {
      if (value.length !== 4) throw TurnError.malformed(`${name} is ${value.length} bytes, not 4`);
      return value.readUInt32BE(0);
    },
  };
}
