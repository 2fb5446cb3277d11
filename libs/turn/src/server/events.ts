import type { ClientTransport } from '../auth/authenticator.js';
import type { TransportAddress } from '../codec/ip-address.js';

export interface AllocationInfo {
  readonly id: number;
  readonly username: string;
  readonly userId: string;
  readonly transport: ClientTransport;
  readonly client: TransportAddress;
  readonly relay: TransportAddress;
}

export type AllocationEndReason = 'expired' | 'refreshed-to-zero' | 'connection-closed' | 'server-closed';

export interface AllocationEndInfo extends AllocationInfo {
  readonly reason: AllocationEndReason;
  readonly bytesToPeers: number;
  readonly bytesToClient: number;
}

export type AuthFailureReason = 'unknown-user' | 'bad-integrity' | 'stale-nonce' | 'wrong-credentials';

export interface AuthFailureInfo {
  readonly reason: AuthFailureReason;
  readonly username: string | undefined;
  readonly transport: ClientTransport;
  readonly client: TransportAddress;
}

export interface QuotaInfo {
  readonly userId: string;
  /** 486 (allocations per user), 508 (server capacity), or the bandwidth limit starting to drop. */
  readonly kind: 'allocations-per-user' | 'server-capacity' | 'bandwidth';
}

export interface PeerRefusedInfo {
  readonly userId: string;
  readonly client: TransportAddress;
  readonly peer: TransportAddress;
}

/** Typed events (Node `EventEmitter`): none fires per relayed packet. */
export interface TurnServerEvents {
  allocationCreated: [AllocationInfo];
  allocationDeleted: [AllocationEndInfo];
  authFailure: [AuthFailureInfo];
  quotaExceeded: [QuotaInfo];
  peerRefused: [PeerRefusedInfo];
  /** Something unexpected in a handler or socket; the server keeps serving. */
  internalError: [Error];
}

/** Monotonic counters (except the `active*` gauges), read with `TurnServer.stats()`, e.g. from a Prometheus collect(). */
export interface TurnServerStats {
  allocationsActive: number;
  allocationsCreated: number;
  permissionsActive: number;
  channelsActive: number;
  tcpConnectionsActive: number;
  bindingRequests: number;
  turnRequests: number;
  /** Requests without MESSAGE-INTEGRITY, answered 401 with a nonce (the normal first step). */
  authChallenges: number;
  /** Wrong credentials, unknown or expired users, stale nonces. */
  authFailures: number;
  errorResponses: number;
  quotaRejections: number;
  peerRefusals: number;
  /** Datagrams and frames dropped as garbage, truncated or malformed. */
  malformedMessages: number;
  /** Relay packets dropped: no allocation, no permission, unbound channel or over bandwidth. */
  droppedPackets: number;
  packetsToPeers: number;
  bytesToPeers: number;
  packetsToClients: number;
  bytesToClients: number;
}

export function emptyStats(): TurnServerStats {
  return {
    allocationsActive: 0,
    allocationsCreated: 0,
    permissionsActive: 0,
    channelsActive: 0,
    tcpConnectionsActive: 0,
    bindingRequests: 0,
    turnRequests: 0,
    authChallenges: 0,
    authFailures: 0,
    errorResponses: 0,
    quotaRejections: 0,
    peerRefusals: 0,
    malformedMessages: 0,
    droppedPackets: 0,
    packetsToPeers: 0,
    bytesToPeers: 0,
    packetsToClients: 0,
    bytesToClients: 0,
  };
}
