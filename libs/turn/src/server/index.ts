export { createTurnServer, type TurnServer, type TurnServerAddresses } from './turn-server.js';
export {
  TURN_SERVER_DEFAULTS,
  type ResolvedTurnServerOptions,
  type TurnQuota,
  type TurnServerOptions,
  resolveTurnServerOptions,
} from './options.js';
export type {
  AllocationEndInfo,
  AllocationEndReason,
  AllocationInfo,
  AuthFailureInfo,
  AuthFailureReason,
  PeerRefusedInfo,
  QuotaInfo,
  TurnServerEvents,
  TurnServerStats,
} from './events.js';
