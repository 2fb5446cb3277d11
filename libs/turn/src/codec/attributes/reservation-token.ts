import { TurnError } from '../../errors.js';
import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

/** RFC 8656 §18.10: RESERVATION-TOKEN, 8 opaque bytes naming a port the server holds back. */
export const reservationToken: AttributeCodec<Buffer> = {
  type: AttributeType.ReservationToken,
  name: 'RESERVATION-TOKEN',
  encode(value) {
    if (value.length !== 8) throw TurnError.invalidArgument('RESERVATION-TOKEN', `${value.length} bytes, not 8`);
    return value;
  },
  decode(value) {
    if (value.length !== 8) throw TurnError.malformed(`RESERVATION-TOKEN is ${value.length} bytes, not 8`);
    return value;
  },
};
