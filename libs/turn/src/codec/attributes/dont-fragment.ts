import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

const EMPTY = Buffer.alloc(0);

/**
 * RFC 8656 §18.9: DONT-FRAGMENT, no value. Node cannot set the DF bit on a UDP socket, so the
 * server accepts the attribute and relays as if it were absent (the datagram is fragmented or
 * dropped by the path either way); refusing it would only cost clients a round trip.
 */
export const dontFragment: AttributeCodec<true> = {
  type: AttributeType.DontFragment,
  name: 'DONT-FRAGMENT',
  encode: () => EMPTY,
  decode(value) {
    if (value.length !== 0) throw TurnError.malformed('DONT-FRAGMENT has a value');
    return true;
  },
};
