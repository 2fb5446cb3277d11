import type { AnnounceEvent } from '../announce-request.js';

/**
 * Where swarms live. Peers reached over TCP/uTP (HTTP and UDP announces) and WebRTC peers
 * (WebSocket announces) share a swarm's counts but are never handed to each other: neither can
 * dial the other.
 */
export type PeerKind = 'tcp' | 'webrtc';

export interface StoredPeer {
  /** 40 lowercase hex characters. */
  readonly peerId: string;
  readonly ip: string;
  readonly port: number;
  readonly seeder: boolean;
  /** WebRTC peers: the relay route (replica) holding the peer's socket. */
  readonly route?: string;
}

/** One announce, applied as one step: add or refresh (or remove on `stopped`), count, pick. */
export interface PeerAnnounce {
  readonly infoHash: string;
  readonly kind: PeerKind;
  readonly peerId: string;
  readonly ip: string;
  readonly port: number;
  readonly route?: string;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
  readonly event: AnnounceEvent;
  /** Peers of the same kind wanted back, never including the announcer. */
  readonly numwant: number;
  /** Milliseconds since the epoch; the store never reads a clock of its own. */
  readonly now: number;
  /** When this peer is forgotten unless it announces again. */
  readonly expiresAt: number;
}

export interface SwarmCounts {
  readonly seeders: number;
  readonly leechers: number;
  /** How many times a peer reported `completed` (BEP 48 `downloaded`). */
  readonly completed: number;
}

export interface AnnounceOutcome extends SwarmCounts {
  readonly peers: StoredPeer[];
}

export interface SwarmStats extends SwarmCounts {
  readonly infoHash: string;
  /** Bytes peers reported, summed over the increments between their announces. */
  readonly uploaded: number;
  readonly downloaded: number;
  readonly lastAnnounceAt: number;
}

export interface SwarmListing {
  /** Most recently announced first. */
  readonly swarms: SwarmStats[];
  readonly total: number;
}

export interface SwarmTotals {
  readonly swarms: number;
  readonly seeders: number;
  readonly leechers: number;
}

export interface SwarmStore {
  announce(command: PeerAnnounce): Promise<AnnounceOutcome>;
  /** Forgets one peer at once (a closed WebSocket). True when it was there. */
  removePeer(infoHash: string, kind: PeerKind, peerId: string, now: number): Promise<boolean>;
  /** Counts in the order asked; unknown swarms count zero. */
  scrape(infoHashes: readonly string[], now: number): Promise<SwarmCounts[]>;
  getSwarm(infoHash: string, now: number): Promise<SwarmStats | undefined>;
  listSwarms(page: { offset: number; limit: number }, now: number): Promise<SwarmListing>;
  totals(now: number): Promise<SwarmTotals>;
  /** Moderation: drops a swarm, its peers and its counters. True when it was there. */
  removeSwarm(infoHash: string): Promise<boolean>;
  /** Forgets peers whose expiry has passed, and empty swarms past retention; returns peers removed. */
  removeExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/** How many seeders and leechers to hand out, in proportion to the swarm, when both are wanted. */
export function splitPick(
  numwant: number,
  seeders: number,
  leechers: number,
  announcerIsSeeder: boolean,
): { seeders: number; leechers: number } {
  if (numwant <= 0) return { seeders: 0, leechers: 0 };
  // A seeder has nothing to gain from other seeders.
  if (announcerIsSeeder) return { seeders: 0, leechers: Math.min(numwant, leechers) };
  const total = seeders + leechers;
  if (total <= numwant) return { seeders, leechers };
  let fromSeeders = Math.min(seeders, Math.round((numwant * seeders) / total));
  const fromLeechers = Math.min(leechers, numwant - fromSeeders);
  fromSeeders = Math.min(seeders, numwant - fromLeechers);
  return { seeders: fromSeeders, leechers: fromLeechers };
}
