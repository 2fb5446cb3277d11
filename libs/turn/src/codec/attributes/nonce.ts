import { AttributeType } from '../constants.js';
import { MAX_TEXT_128_CHARACTERS_BYTES, utf8Attribute } from './utf8-attribute.js';

/** RFC 8489 §14.10: NONCE, fewer than 128 characters. */
export const nonce = utf8Attribute(AttributeType.Nonce, 'NONCE', MAX_TEXT_128_CHARACTERS_BYTES);
