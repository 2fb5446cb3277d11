import { AttributeType } from '../constants.js';
import { uint32Attribute } from './uint32-attribute.js';

/** RFC 8656 §18.2: LIFETIME, the seconds an allocation is asked for or granted. */
export const lifetime = uint32Attribute(AttributeType.Lifetime, 'LIFETIME');
