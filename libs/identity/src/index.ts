export { toBase64Url, fromBase64Url, Base64UrlError } from './base64url.js';
export {
  generateDeviceKeys,
  serializeDeviceKeys,
  deserializeDeviceKeys,
  deviceIdFromPublicKey,
  equalBytes,
  IdentityError,
} from './keys.js';
export type { DeviceKeys, SerializedDeviceKeys } from './keys.js';
export { sign, verify } from './signatures.js';
export { deviceRegistrationMessage } from './device-registration.js';
export { deviceHelloMessage, signalSignatureMessage, sdpFingerprints } from './signalling.js';
export { safetyNumber } from './safety-number.js';
