import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

/** RFC 8656 §18.1: CHANNEL-NUMBER, 16 bits of channel and 16 reserved bits. */
export const channelNumber: AttributeCodec<number> = {
  type: AttributeType.ChannelNumber,
  name: 'CHANNEL-NUMBER',
  encode(channel) {
    if (!Number.isInteger(channel) || channel < 0 || channel > 0xffff) {
      throw TurnError.invalidArgument('CHANNEL-NUMBER', `channel ${channel}`);
    }
    const bytes = Buffer.alloc(4);
    bytes.writeUInt16BE(channel, 0);
    return bytes;
  },
  decode(value) {
    if (value.length !== 4) throw TurnError.malformed(`CHANNEL-NUMBER is ${value.length} bytes, not 4`);
    return value.readUInt16BE(0);
  },
};
