import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';
import type { IpFamily } from '../ip-address.js';

/**
 * RFC 8656 §18.8: REQUESTED-ADDRESS-FAMILY, 0x01 IPv4 or 0x02 IPv6 and 3 reserved bytes. Any other
 * family byte decodes to `undefined`, which the server answers with 440.
 */
export const requestedAddressFamily: AttributeCodec<IpFamily | undefined> = {
  type: AttributeType.RequestedAddressFamily,
  name: 'REQUESTED-ADDRESS-FAMILY',
  encode(family) {
    if (family === undefined) throw TurnError.invalidArgument('REQUESTED-ADDRESS-FAMILY', 'no family');
    const bytes = Buffer.alloc(4);
    bytes[0] = family === 'IPv4' ? 0x01 : 0x02;
    return bytes;
  },
  decode(value) {
    if (value.length !== 4) throw TurnError.malformed(`REQUESTED-ADDRESS-FAMILY is ${value.length} bytes, not 4`);
    return value[0] === 0x01 ? 'IPv4' : value[0] === 0x02 ? 'IPv6' : undefined;
  },
};
