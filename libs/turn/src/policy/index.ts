export { type Cidr, parseCidr } from './cidr.js';
export {
  LOOPBACK_RANGES,
  PeerAddressPolicy,
  type PeerAddressPolicyOptions,
  SPECIAL_PURPOSE_RANGES,
} from './peer-address-policy.js';
