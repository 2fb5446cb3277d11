import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';

/**
 * Text attributes share one shape; only their limits differ (RFC 8489 §14.3-14.9: USERNAME under
 * 513 bytes, REALM/NONCE/SOFTWARE/reason phrases under 128 characters, which is at most 763 bytes).
 */
export function utf8Attribute(type: number, name: string, maxBytes: number): AttributeCodec<string> {
  return {
    type,
    name,
    encode(value) {
      const bytes = Buffer.from(value, 'utf8');
      if (bytes.length > maxBytes) throw TurnError.invalidArgument(name, `longer than ${maxBytes} bytes`);
      return bytes;
    },
    decode(value) {
      if (value.length > maxBytes) throw TurnError.malformed(`${name} longer than ${maxBytes} bytes`);
      return value.toString('utf8');
    },
  };
}

export const MAX_TEXT_128_CHARACTERS_BYTES = 763;
