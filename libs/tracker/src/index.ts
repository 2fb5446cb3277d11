// The core
export { Tracker, createTracker } from './tracker.js';
export { trackerDefaults, resolveTrackerOptions, validate } from './options.js';
export type {
  TrackerOptions,
  ResolvedTrackerOptions,
  TrackerHooks,
  FailureContext,
  FilterVerdict,
  RateLimitVerdict,
  AnnounceResult,
  ScrapeResult,
} from './options.js';
export { announceEvents } from './announce-request.js';
export type {
  AnnounceEvent,
  AnnounceRequest,
  ScrapeRequest,
  TrackerRequest,
  Transport,
  WebRtcOffer,
  WebRtcAnswer,
} from './announce-request.js';
export { TrackerError, trackerErrorCatalog } from './errors.js';
export type { TrackerErrorCode } from './errors.js';
export { createFixedWindowRateLimit } from './rate-limit.js';
export type { FixedWindowRateLimitOptions } from './rate-limit.js';

// Swarm state
export type {
  SwarmStore,
  PeerKind,
  PeerAnnounce,
  StoredPeer,
  AnnounceOutcome,
  SwarmCounts,
  SwarmStats,
  SwarmListing,
  SwarmTotals,
} from './store/swarm-store.js';
export { MemorySwarmStore } from './store/swarm-store.memory.js';
export type { MemorySwarmStoreOptions } from './store/swarm-store.memory.js';
export { RedisSwarmStore } from './store/swarm-store.redis.js';
export type { RedisSwarmStoreOptions } from './store/swarm-store.redis.js';

// HTTP (BEP 3, 7, 23, 48)
export { handleHttpAnnounce, handleHttpScrape } from './http/handle-http.js';
export type { HttpTrackerResponse } from './http/handle-http.js';
export { parseHttpAnnounce, parseHttpScrape } from './http/parse-http.js';
export { encodeHttpAnnounce, encodeHttpScrape, encodeHttpFailure } from './http/encode-http.js';
export { parseQueryString, percentDecode, percentEncode } from './http/query-string.js';

// UDP (BEP 15, 41)
export { createUdpTrackerServer } from './udp/udp-server.js';
export type { UdpTrackerServer, UdpTrackerServerOptions } from './udp/udp-server.js';
export { parseUdpPacket, urlDataFromOptions } from './udp/parse-udp.js';
export type { UdpCommand, UdpSender } from './udp/parse-udp.js';
export { encodeUdpConnect, encodeUdpAnnounce, encodeUdpScrape, encodeUdpError } from './udp/encode-udp.js';
export { ConnectionIds } from './udp/connection-id.js';
export type { ConnectionIdOptions } from './udp/connection-id.js';
export {
  encodeUdpConnectRequest,
  encodeUdpAnnounceRequest,
  encodeUdpScrapeRequest,
  decodeUdpResponse,
} from './udp/udp-client-messages.js';
export type { UdpAnnounceFields, UdpResponse } from './udp/udp-client-messages.js';

// WebSocket (the WebTorrent protocol)
export { attachWebSocketPeer } from './ws/ws-peer.js';
export type { WebSocketLike, WebSocketPeer, WebSocketPeerOptions } from './ws/ws-peer.js';
export { decodeWsFrame, parseWsMessage } from './ws/parse-ws.js';
export type { WsCommand, WsFrame, WsParseContext } from './ws/parse-ws.js';
export { encodeWsAnnounce, encodeWsOffer, encodeWsAnswer, encodeWsScrape, encodeWsFailure } from './ws/encode-ws.js';
export type { OfferRelay, RelayEnvelope, RelayDelivery } from './relay/offer-relay.js';
export { MemoryOfferRelay } from './relay/offer-relay.memory.js';
export { RedisOfferRelay } from './relay/offer-relay.redis.js';
export type { RedisOfferRelayOptions } from './relay/offer-relay.redis.js';

// Wire helpers
export { bencode } from './bencode.js';
export type { BencodeValue } from './bencode.js';
export { compactPeers, parseCompactPeers, normalizeAddress } from './address.js';
