import { AttributeType } from '../constants.js';
import { MAX_TEXT_128_CHARACTERS_BYTES, utf8Attribute } from './utf8-attribute.js';

/** RFC 8489 §14.14: SOFTWARE, fewer than 128 characters; informational only. */
export const software = utf8Attribute(AttributeType.Software, 'SOFTWARE', MAX_TEXT_128_CHARACTERS_BYTES);
