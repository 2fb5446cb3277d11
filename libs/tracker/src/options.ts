import type { AnnounceRequest, ScrapeRequest, Transport, TrackerRequest } from './announce-request.js';
import { TrackerError } from './errors.js';
import type { OfferRelay } from './relay/offer-relay.js';
import type { StoredPeer, SwarmStore } from './store/swarm-store.js';

/** `true` lets the request through; a string refuses it and becomes the `failure reason`. */
export type FilterVerdict = true | string;

/** `true` lets the request through; otherwise the client is told when to come back. */
export type RateLimitVerdict = true | { readonly retryInSeconds: number };

export interface AnnounceResult {
  readonly infoHash: string;
  /** Seconds until the client should announce again. */
  readonly interval: number;
  readonly minInterval: number;
  readonly seeders: number;
  readonly leechers: number;
  readonly completed: number;
  /** Never the announcer; WebRTC peers carry the `route` an offer for them must take. */
  readonly peers: readonly StoredPeer[];
}

export interface ScrapeResult {
  readonly files: readonly { infoHash: string; seeders: number; leechers: number; completed: number }[];
}

export interface FailureContext {
  /** Where it happened; `sweep` is the timer that forgets expired peers. */
  readonly transport: Transport | 'sweep';
  readonly remoteAddress?: string;
  /** The original error when `error` is TRACKER_INTERNAL: log it, it is never sent to clients. */
  readonly cause?: unknown;
}

/** Metrics and logging hooks. They run on the request path: keep them cheap and make them not throw. */
export interface TrackerHooks {
  onAnnounce?(request: AnnounceRequest, result: AnnounceResult): void;
  onScrape?(request: ScrapeRequest, result: ScrapeResult): void;
  onFailure?(error: TrackerError, context: FailureContext): void;
  /** A WebRTC offer or answer was relayed (delivered is false when the peer had gone). */
  onRelay?(kind: 'offer' | 'answer', delivered: boolean): void;
}

export interface TrackerOptions {
  /** Where swarms live. Default: a MemorySwarmStore owned (and closed) by the tracker. */
  store?: SwarmStore;
  /** Routes WebRTC offers to WebSocket peers. Default: a MemoryOfferRelay owned by the tracker. */
  relay?: OfferRelay;
  /** Seconds between announces asked of HTTP and UDP clients. Default 900. */
  announceIntervalSeconds?: number;
  /** Seconds a client must wait between announces. Default 60. */
  minAnnounceIntervalSeconds?: number;
  /** Seconds between WebSocket announces (browsers re-offer often). Default 120. */
  webSocketAnnounceIntervalSeconds?: number;
  /** A peer is forgotten after this many intervals without an announce. Default 2. */
  peerTimeoutIntervals?: number;
  /** Peers handed out when the client does not say. Default 50. */
  defaultNumwant?: number;
  /** Peers handed out at most. Default 200. */
  maxNumwant?: number;
  /** Info hashes one scrape may ask for. Default 64. */
  maxScrapeHashes?: number;
  /**
   * Use the address a client claims (`ip`, `ipv4`, `ipv6`, UDP's ip field) instead of the one it
   * connects from. Off by default: trusting it lets anyone point a swarm at someone else.
   */
  trustClientAddresses?: boolean;
  /** Policy: private-mode passkeys, info hash blocklists. Runs after parsing, before the store. */
  filter?: (request: TrackerRequest) => FilterVerdict | Promise<FilterVerdict>;
  /** Flood protection, asked once per announce or scrape with the sender's address. */
  rateLimit?: (remoteAddress: string, transport: Transport) => RateLimitVerdict | Promise<RateLimitVerdict>;
  hooks?: TrackerHooks;
  /** Seconds between sweeps of expired peers; 0 turns the timer off (call `sweep()` yourself). Default 60. */
  sweepIntervalSeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`; tests pass a fake clock. */
  now?: () => number;
}

export interface ResolvedTrackerOptions {
  readonly announceIntervalSeconds: number;
  readonly minAnnounceIntervalSeconds: number;
  readonly webSocketAnnounceIntervalSeconds: number;
  readonly peerTimeoutIntervals: number;
  readonly defaultNumwant: number;
  readonly maxNumwant: number;
  readonly maxScrapeHashes: number;
  readonly trustClientAddresses: boolean;
  readonly sweepIntervalSeconds: number;
  readonly now: () => number;
}

export const trackerDefaults = {
  announceIntervalSeconds: 900,
  minAnnounceIntervalSeconds: 60,
  webSocketAnnounceIntervalSeconds: 120,
  peerTimeoutIntervals: 2,
  defaultNumwant: 50,
  maxNumwant: 200,
  maxScrapeHashes: 64,
  trustClientAddresses: false,
  sweepIntervalSeconds: 60,
} as const;

export function resolveTrackerOptions(options: TrackerOptions): ResolvedTrackerOptions {
  const resolved: ResolvedTrackerOptions = {
    announceIntervalSeconds: options.announceIntervalSeconds ?? trackerDefaults.announceIntervalSeconds,
    minAnnounceIntervalSeconds: options.minAnnounceIntervalSeconds ?? trackerDefaults.minAnnounceIntervalSeconds,
    webSocketAnnounceIntervalSeconds:
      options.webSocketAnnounceIntervalSeconds ?? trackerDefaults.webSocketAnnounceIntervalSeconds,
    peerTimeoutIntervals: options.peerTimeoutIntervals ?? trackerDefaults.peerTimeoutIntervals,
    defaultNumwant: options.defaultNumwant ?? trackerDefaults.defaultNumwant,
    maxNumwant: options.maxNumwant ?? trackerDefaults.maxNumwant,
    maxScrapeHashes: options.maxScrapeHashes ?? trackerDefaults.maxScrapeHashes,
    trustClientAddresses: options.trustClientAddresses ?? trackerDefaults.trustClientAddresses,
    sweepIntervalSeconds: options.sweepIntervalSeconds ?? trackerDefaults.sweepIntervalSeconds,
    now: options.now ?? Date.now,
  };
  validate(resolved);
  return resolved;
}

/** Refuses impossible configurations at construction, naming the option. */
export function validate(options: ResolvedTrackerOptions): void {
  const positive = (name: keyof ResolvedTrackerOptions, value: number, max = 2 ** 31 - 1) => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw TrackerError.invalidOptions(`${name} must be an integer in 1..${max}, got ${value}`);
    }
  };
  positive('announceIntervalSeconds', options.announceIntervalSeconds);
  positive('minAnnounceIntervalSeconds', options.minAnnounceIntervalSeconds);
  positive('webSocketAnnounceIntervalSeconds', options.webSocketAnnounceIntervalSeconds);
  positive('peerTimeoutIntervals', options.peerTimeoutIntervals, 100);
  positive('maxNumwant', options.maxNumwant, 10_000);
  positive('maxScrapeHashes', options.maxScrapeHashes, 10_000);
  if (!Number.isInteger(options.defaultNumwant) || options.defaultNumwant < 0) {
    throw TrackerError.invalidOptions(`defaultNumwant must be a non-negative integer, got ${options.defaultNumwant}`);
  }
  if (options.defaultNumwant > options.maxNumwant) {
    throw TrackerError.invalidOptions('defaultNumwant must not exceed maxNumwant');
  }
  if (options.minAnnounceIntervalSeconds > options.announceIntervalSeconds) {
    throw TrackerError.invalidOptions('minAnnounceIntervalSeconds must not exceed announceIntervalSeconds');
  }
  if (!Number.isInteger(options.sweepIntervalSeconds) || options.sweepIntervalSeconds < 0) {
    throw TrackerError.invalidOptions(`sweepIntervalSeconds must be a non-negative integer`);
  }
}
