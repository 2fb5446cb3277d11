export type { AttributeCodec, AttributeContext } from './attribute.js';
export * from './constants.js';
export { encodeMessageType, methodOf, classOf } from './message-type.js';
export {
  type IpFamily,
  type TransportAddress,
  formatIp,
  formatTransportAddress,
  ipFamilyOf,
  ipToBytes,
  unmapIpv4,
} from './ip-address.js';
export { StunMessage, type RawAttribute, decodeStunMessage, looksLikeStun } from './stun-message.js';
export { StunMessageBuilder, type EncodeOptions, randomTransactionId } from './stun-message-builder.js';
export {
  CHANNEL_DATA_HEADER_LENGTH,
  MAX_CHANNEL_NUMBER,
  MIN_CHANNEL_NUMBER,
  type ChannelDataMessage,
  channelDataPadding,
  channelDataPayloadLength,
  decodeChannelData,
  encodeChannelData,
  isChannelNumber,
  looksLikeChannelData,
} from './channel-data.js';
export { MAX_STREAM_FRAME_LENGTH, TurnStreamFramer, streamFrameLength } from './tcp-framer.js';
export { channelNumber } from './attributes/channel-number.js';
export { data } from './attributes/data.js';
export { dontFragment } from './attributes/dont-fragment.js';
export { evenPort, type EvenPortValue } from './attributes/even-port.js';
export { errorCode, type ErrorCodeValue } from './attributes/error-code.js';
export { fingerprint } from './attributes/fingerprint.js';
export { lifetime } from './attributes/lifetime.js';
export {
  computeMessageIntegrity,
  longTermKey,
  messageIntegrity,
  verifyMessageIntegrity,
} from './attributes/message-integrity.js';
export { nonce } from './attributes/nonce.js';
export { realm } from './attributes/realm.js';
export { requestedAddressFamily } from './attributes/requested-address-family.js';
export { reservationToken } from './attributes/reservation-token.js';
export { requestedTransport } from './attributes/requested-transport.js';
export { software } from './attributes/software.js';
export { unknownAttributes } from './attributes/unknown-attributes.js';
export { username } from './attributes/username.js';
export { xorMappedAddress, xorPeerAddress, xorRelayedAddress } from './attributes/xor-address.js';
