import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

/** RFC 8656 §18.7: REQUESTED-TRANSPORT, an IANA protocol number (17 = UDP) and 3 reserved bytes. */
export const requestedTransport: AttributeCodec<number> = {
  type: AttributeType.RequestedTransport,
  name: 'REQUESTED-TRANSPORT',
  encode(protocol) {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xff) {
      throw TurnError.invalidArgument('REQUESTED-TRANSPORT', `protocol ${protocol}`);
    }
    const bytes = Buffer.alloc(4);
    bytes[0] = protocol;
    return bytes;
  },
  decode(value) {
    if (value.length !== 4) throw TurnError.malformed(`REQUESTED-TRANSPORT is ${value.length} bytes, not 4`);
    return value[0] ?? 0;
  },
};
