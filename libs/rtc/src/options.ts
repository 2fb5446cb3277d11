import type { Peer } from '@shoal/protocol';
import type { SignallingClient } from '@shoal/sdk';
import type { IceServer, PeerLinkFactory } from './peer-link.js';
import type { KeyChangePolicy, KeyDirectory } from './peer-keys.js';
import { MAX_SIGNAL_SKEW_MS } from './signal-verifier.js';
import { MemoryTrustStore } from './trust-store.js';
import type { TrustStore } from './trust-store.js';

/**
 * The part of `SignallingClient` a node uses; `report` (how each connection attempt ended, for the
 * coordinator's metrics) is optional.
 */
export type SignallingPort = Pick<SignallingClient, 'signal' | 'on'> & Partial<Pick<SignallingClient, 'report'>>;

export interface IncomingRequest {
  /** The verified sender of the offer. */
  from: Peer;
  /** The sender is not a contact yet: this offer is also a contact request. */
  firstContact: boolean;
}

/** Decides whether to answer a new incoming connection. */
export type AcceptPolicy = (request: IncomingRequest) => boolean | Promise<boolean>;

export interface RtcNodeOptions {
  /** This device's id (the signalling client says hello as this device). */
  deviceId: string;
  signalling: SignallingPort;
  /** Where other devices' keys come from: a `ShoalClient`'s `devices` does. */
  keys: KeyDirectory;
  /** The platform's peer links: `nodePeerLinks()` in Node. */
  links: PeerLinkFactory;
  /** Keys seen on first use; in memory unless given (`FileTrustStore` keeps them in Node). */
  trust?: TrustStore;
  /** ICE servers, or a function that fetches them (time-limited TURN credentials). Default none. */
  iceServers?: IceServer[] | (() => IceServer[] | Promise<IceServer[]>);
  /** Answer this incoming connection? Default: yes (the coordinator already drops blocked users). */
  accept?: AcceptPolicy;
  /** Trust a device key not seen before for a known user? Default: no. Reported either way. */
  onKeyChange?: KeyChangePolicy;
  /** One attempt to connect (offer → data channel open), in ms (default 15 s). */
  connectTimeoutMs?: number;
  /** Negotiate a new link when one drops (default true). */
  reconnect?: boolean;
  /** Give up reconnecting after this long (default 60 s). */
  reconnectWindowMs?: number;
  /** Keep-alive ping on the control channel (default 5 s). */
  keepaliveMs?: number;
  /** A link that heard nothing for this long is dead (default 15 s). */
  deadAfterMs?: number;
  /** ICE `disconnected` for this long is a dead link (default 5 s). */
  disconnectedGraceMs?: number;
  /** Offers and answers signed further than this from now are refused (default 5 min). */
  maxSkewMs?: number;
}

export interface ResolvedRtcNodeOptions {
  deviceId: string;
  signalling: SignallingPort;
  keys: KeyDirectory;
  links: PeerLinkFactory;
  trust: TrustStore;
  iceServers: () => Promise<IceServer[]>;
  accept: AcceptPolicy;
  onKeyChange: KeyChangePolicy;
  connectTimeoutMs: number;
  reconnect: boolean;
  reconnectWindowMs: number;
  keepaliveMs: number;
  deadAfterMs: number;
  disconnectedGraceMs: number;
  maxSkewMs: number;
}

export function resolveRtcNodeOptions(options: RtcNodeOptions): ResolvedRtcNodeOptions {
  if (!/^[0-9a-f]{40}$/.test(options.deviceId)) throw new TypeError('deviceId: 40 lower-case hex characters');
  const ice = options.iceServers ?? [];
  const resolved: ResolvedRtcNodeOptions = {
    deviceId: options.deviceId,
    signalling: options.signalling,
    keys: options.keys,
    links: options.links,
    trust: options.trust ?? new MemoryTrustStore(),
    iceServers: typeof ice === 'function' ? async () => ice() : async () => ice,
    accept: options.accept ?? (() => true),
    onKeyChange: options.onKeyChange ?? (() => false),
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    reconnect: options.reconnect ?? true,
    reconnectWindowMs: options.reconnectWindowMs ?? 60_000,
    keepaliveMs: options.keepaliveMs ?? 5_000,
    deadAfterMs: options.deadAfterMs ?? 15_000,
    disconnectedGraceMs: options.disconnectedGraceMs ?? 5_000,
    maxSkewMs: options.maxSkewMs ?? MAX_SIGNAL_SKEW_MS,
  };
  for (const key of [
    'connectTimeoutMs',
    'reconnectWindowMs',
    'keepaliveMs',
    'deadAfterMs',
    'disconnectedGraceMs',
    'maxSkewMs',
  ] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) throw new TypeError(`${key}: a positive number`);
  }
  if (resolved.deadAfterMs <= resolved.keepaliveMs) throw new TypeError('deadAfterMs must exceed keepaliveMs');
  return resolved;
}
