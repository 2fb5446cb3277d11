import { ExpiryQueue } from './expiry-queue.js';
import { PeerList } from './peer-list.js';
import { splitPick } from './swarm-store.js';
import type {
  AnnounceOutcome,
  PeerAnnounce,
  PeerKind,
  StoredPeer,
  SwarmCounts,
  SwarmListing,
  SwarmStats,
  SwarmStore,
  SwarmTotals,
} from './swarm-store.js';

export interface MemorySwarmStoreOptions {
  /** How long a swarm without peers keeps its completed counter. Default one day. */
  swarmRetentionMs?: number;
  /** Source of randomness for peer picks (tests make it deterministic). */
  random?: () => number;
}

interface Entry {
  readonly swarm: Swarm;
  readonly kind: PeerKind;
  readonly peerId: string;
  ip: string;
  port: number;
  seeder: boolean;
  route: string | undefined;
  uploaded: number;
  downloaded: number;
  expiresAt: number;
  alive: boolean;
  index: number;
}

interface KindState {
  readonly peers: Map<string, Entry>;
  readonly seeders: PeerList<Entry>;
  readonly leechers: PeerList<Entry>;
}

interface Swarm {
  readonly infoHash: string;
  readonly kinds: Record<PeerKind, KindState>;
  completed: number;
  uploaded: number;
  downloaded: number;
  lastAnnounceAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Swarms in this process: the embedded default. Every announce is O(numwant + log peers); expiry
 * is a heap, so nothing walks the whole store on the announce path.
 */
export class MemorySwarmStore implements SwarmStore {
  private readonly swarms = new Map<string, Swarm>();
  private readonly expiry = new ExpiryQueue<Entry>();
  private readonly retentionMs: number;
  private readonly random: () => number;
  private seeders = 0;
  private leechers = 0;

  constructor(options: MemorySwarmStoreOptions = {}) {
    this.retentionMs = options.swarmRetentionMs ?? DAY_MS;
    this.random = options.random ?? Math.random;
  }

  async announce(command: PeerAnnounce): Promise<AnnounceOutcome> {
    this.expirePeers(command.now);
    let swarm = this.swarms.get(command.infoHash);
    if (swarm === undefined) {
      if (command.event === 'stopped') return { seeders: 0, leechers: 0, completed: 0, peers: [] };
      swarm = newSwarm(command.infoHash);
      this.swarms.set(command.infoHash, swarm);
    }
    swarm.lastAnnounceAt = command.now;
    const state = swarm.kinds[command.kind];
    let entry = state.peers.get(command.peerId);
    const wasSeeder = entry?.seeder ?? false;

    swarm.uploaded += Math.max(0, command.uploaded - (entry?.uploaded ?? 0));
    swarm.downloaded += Math.max(0, command.downloaded - (entry?.downloaded ?? 0));
    if (command.event === 'completed' && !wasSeeder) swarm.completed++;

    if (command.event === 'stopped') {
      if (entry !== undefined) this.forget(entry);
      const counts = countsOf(swarm);
      this.dropIfEmpty(swarm);
      return { ...counts, peers: [] };
    }

    const seeder = command.left === 0;
    if (entry === undefined) {
      entry = {
        swarm,
        kind: command.kind,
        peerId: command.peerId,
        ip: command.ip,
        port: command.port,
        seeder,
        route: command.route,
        uploaded: command.uploaded,
        downloaded: command.downloaded,
        expiresAt: command.expiresAt,
        alive: true,
        index: -1,
      };
      state.peers.set(entry.peerId, entry);
      this.listOf(entry).add(entry);
      this.count(entry, 1);
    } else {
      if (entry.seeder !== seeder) {
        this.listOf(entry).remove(entry);
        this.count(entry, -1);
        entry.seeder = seeder;
        this.listOf(entry).add(entry);
        this.count(entry, 1);
      }
      entry.ip = command.ip;
      entry.port = command.port;
      entry.route = command.route;
      entry.uploaded = command.uploaded;
      entry.downloaded = command.downloaded;
      entry.expiresAt = command.expiresAt;
    }
    this.expiry.push(entry);
    this.expiry.compact(() => this.liveEntries(), this.seeders + this.leechers);

    const picked: Entry[] = [];
    const split = splitPick(
      command.numwant,
      state.seeders.size - (seeder ? 1 : 0),
      state.leechers.size - (seeder ? 0 : 1),
      seeder,
    );
    state.seeders.sample(split.seeders, entry, picked, this.random);
    state.leechers.sample(split.leechers, entry, picked, this.random);
    return { ...countsOf(swarm), peers: picked.map(toStoredPeer) };
  }

  async removePeer(infoHash: string, kind: PeerKind, peerId: string, now: number): Promise<boolean> {
    this.expirePeers(now);
    const swarm = this.swarms.get(infoHash);
    const entry = swarm?.kinds[kind].peers.get(peerId);
    if (swarm === undefined || entry === undefined) return false;
    this.forget(entry);
    this.dropIfEmpty(swarm);
    return true;
  }

  async scrape(infoHashes: readonly string[], now: number): Promise<SwarmCounts[]> {
    this.expirePeers(now);
    return infoHashes.map((infoHash) => {
      const swarm = this.swarms.get(infoHash);
      return swarm === undefined ? { seeders: 0, leechers: 0, completed: 0 } : countsOf(swarm);
    });
  }

  async getSwarm(infoHash: string, now: number): Promise<SwarmStats | undefined> {
    this.expirePeers(now);
    const swarm = this.swarms.get(infoHash);
    return swarm === undefined ? undefined : statsOf(swarm);
  }

  async listSwarms(page: { offset: number; limit: number }, now: number): Promise<SwarmListing> {
    this.expirePeers(now);
    const all = [...this.swarms.values()].sort((a, b) => b.lastAnnounceAt - a.lastAnnounceAt);
    return { swarms: all.slice(page.offset, page.offset + page.limit).map(statsOf), total: all.length };
  }

  async totals(now: number): Promise<SwarmTotals> {
    this.expirePeers(now);
    return { swarms: this.swarms.size, seeders: this.seeders, leechers: this.leechers };
  }

  async removeSwarm(infoHash: string): Promise<boolean> {
    const swarm = this.swarms.get(infoHash);
    if (swarm === undefined) return false;
    for (const state of Object.values(swarm.kinds)) for (const entry of [...state.peers.values()]) this.forget(entry);
    this.swarms.delete(infoHash);
    return true;
  }

  async removeExpired(now: number): Promise<number> {
    const removed = this.expirePeers(now);
    for (const swarm of [...this.swarms.values()]) {
      if (isEmpty(swarm) && swarm.lastAnnounceAt + this.retentionMs <= now) this.swarms.delete(swarm.infoHash);
    }
    this.expiry.compact(() => this.liveEntries(), this.seeders + this.leechers);
    return removed;
  }

  async close(): Promise<void> {
    this.swarms.clear();
  }

  private expirePeers(now: number): number {
    if (this.expiry.peekTime() > now) return 0;
    let removed = 0;
    const touched = new Set<Swarm>();
    this.expiry.popExpired(now, (entry) => {
      this.forget(entry);
      touched.add(entry.swarm);
      removed++;
    });
    for (const swarm of touched) this.dropIfEmpty(swarm);
    return removed;
  }

  private forget(entry: Entry): void {
    entry.alive = false;
    entry.swarm.kinds[entry.kind].peers.delete(entry.peerId);
    this.listOf(entry).remove(entry);
    this.count(entry, -1);
  }

  /** A swarm nobody completed is forgotten with its last peer, so a flood of made-up hashes leaves nothing. */
  private dropIfEmpty(swarm: Swarm): void {
    if (swarm.completed === 0 && isEmpty(swarm)) this.swarms.delete(swarm.infoHash);
  }

  private listOf(entry: Entry): PeerList<Entry> {
    const state = entry.swarm.kinds[entry.kind];
    return entry.seeder ? state.seeders : state.leechers;
  }

  private count(entry: Entry, delta: number): void {
    if (entry.seeder) this.seeders += delta;
    else this.leechers += delta;
  }

  private *liveEntries(): Iterable<Entry> {
    for (const swarm of this.swarms.values()) {
      for (const state of Object.values(swarm.kinds)) yield* state.peers.values();
    }
  }
}

function newKind(): KindState {
  return { peers: new Map(), seeders: new PeerList(), leechers: new PeerList() };
}

function newSwarm(infoHash: string): Swarm {
  return {
    infoHash,
    kinds: { tcp: newKind(), webrtc: newKind() },
    completed: 0,
    uploaded: 0,
    downloaded: 0,
    lastAnnounceAt: 0,
  };
}

function isEmpty(swarm: Swarm): boolean {
  return swarm.kinds.tcp.peers.size === 0 && swarm.kinds.webrtc.peers.size === 0;
}

function countsOf(swarm: Swarm): SwarmCounts {
  const { tcp, webrtc } = swarm.kinds;
  return {
    seeders: tcp.seeders.size + webrtc.seeders.size,
    leechers: tcp.leechers.size + webrtc.leechers.size,
    completed: swarm.completed,
  };
}

function statsOf(swarm: Swarm): SwarmStats {
  return {
    infoHash: swarm.infoHash,
    ...countsOf(swarm),
    uploaded: swarm.uploaded,
    downloaded: swarm.downloaded,
    lastAnnounceAt: swarm.lastAnnounceAt,
  };
}

function toStoredPeer(entry: Entry): StoredPeer {
  const peer: { -readonly [K in keyof StoredPeer]: StoredPeer[K] } = {
    peerId: entry.peerId,
    ip: entry.ip,
    port: entry.port,
    seeder: entry.seeder,
  };
  if (entry.route !== undefined) peer.route = entry.route;
  return peer;
}
