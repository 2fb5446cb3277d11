import { AttributeType } from '../constants.js';
import { utf8Attribute } from './utf8-attribute.js';

/** RFC 8489 §14.3: USERNAME, less than 513 bytes of UTF-8. */
export const username = utf8Attribute(AttributeType.Username, 'USERNAME', 513);
