import type { AttributeCodec } from '../attribute.js';
import { AttributeType } from '../constants.js';

/** RFC 8656 §18.4: DATA, the application bytes of a Send or Data indication, as they are. */
export const data: AttributeCodec<Buffer> = {
  type: AttributeType.Data,
  name: 'DATA',
  encode: (value) => value,
  decode: (value) => value,
};
