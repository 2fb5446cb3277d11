import { AttributeType } from '../constants.js';
import { MAX_TEXT_128_CHARACTERS_BYTES, utf8Attribute } from './utf8-attribute.js';

/** RFC 8489 §14.9: REALM, fewer than 128 characters. */
export const realm = utf8Attribute(AttributeType.Realm, 'REALM', MAX_TEXT_128_CHARACTERS_BYTES);
