// What both faces of @shoal/rtc share: the core and its links over the standard RTCPeerConnection.
export { RtcNode } from './rtc-node.js';
export type { RtcNodeEvents, DeviceResult, ChannelHandler } from './rtc-node.js';
export { Connection } from './connection.js';
export type { ConnectionState, ConnectionEvents } from './connection.js';
export { Channel } from './channel.js';
export type { ChannelEvents } from './channel.js';
export type { RtcNodeOptions, SignallingPort, IncomingRequest, AcceptPolicy } from './options.js';
export { RtcError } from './errors.js';
export type { RtcErrorCode } from './errors.js';
export { describePath, parseCandidate, pathOf } from './candidate-path.js';
export type { ConnectionPath, PathKind } from './candidate-path.js';
export type {
  IceServer,
  PeerLink,
  PeerLinkFactory,
  PeerLinkConfig,
  PeerLinkHandlers,
  RawChannel,
  ChannelInit,
  CandidateInfo,
  CandidateType,
  TransportProtocol,
  SelectedPair,
  LinkState,
  LinkCandidate,
} from './peer-link.js';
export { MemoryTrustStore } from './trust-store.js';
export type { TrustStore, TrustedUser } from './trust-store.js';
export type { KeyDirectory, KeyChange, KeyChangePolicy } from './peer-keys.js';
export { verifySignal, MAX_SIGNAL_SKEW_MS } from './signal-verifier.js';
export { CONTROL_LABEL } from './link.js';
export { standardPeerLinks } from './peer-link.standard.js';
export type { StandardPeerLinkOptions } from './peer-link.standard.js';
