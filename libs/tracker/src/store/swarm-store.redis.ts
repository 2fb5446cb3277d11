import { Redis } from 'ioredis';
import { announceScript, forgetScript, sweepScript } from './redis-scripts.js';
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

export interface RedisSwarmStoreOptions {
  /** A connected ioredis client (the caller closes it) or a `redis://` URL (the store owns it). */
  redis: Redis | string;
  /** Prefix of every key, so several trackers or tests share one Redis. Default `shoal:tracker:`. */
  keyPrefix?: string;
  /** How long a swarm without peers keeps its completed counter. Default one day. */
  swarmRetentionMs?: number;
}

interface ScriptedRedis {
  shoalTrackerAnnounce(...args: (string | number)[]): Promise<(string | number)[]>;
  shoalTrackerForget(...args: (string | number)[]): Promise<number>;
  shoalTrackerSweep(...args: (string | number)[]): Promise<number>;
}

const KEY_COUNT = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Swarms in Redis, shared by every tracker replica. An announce is one EVALSHA: refresh or
 * remove the peer, count, and pick peers, atomically. Peer expiry is the zset score; the keys
 * themselves expire shortly after their newest peer, so abandoned swarms leave nothing behind.
 */
export class RedisSwarmStore implements SwarmStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly retentionMs: number;

  constructor(options: RedisSwarmStoreOptions) {
    this.owned = typeof options.redis === 'string';
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
    this.prefix = options.keyPrefix ?? 'shoal:tracker:';
    this.retentionMs = options.swarmRetentionMs ?? DAY_MS;
    // defineCommand is idempotent per name and lets ioredis fall back from EVALSHA to EVAL.
    this.redis.defineCommand('shoalTrackerAnnounce', { numberOfKeys: KEY_COUNT, lua: announceScript });
    this.redis.defineCommand('shoalTrackerForget', { numberOfKeys: KEY_COUNT, lua: forgetScript });
    this.redis.defineCommand('shoalTrackerSweep', { numberOfKeys: KEY_COUNT, lua: sweepScript });
  }

  async announce(command: PeerAnnounce): Promise<AnnounceOutcome> {
    const uploaded = clampInteger(command.uploaded);
    const downloaded = clampInteger(command.downloaded);
    const data = `${command.ip}|${command.port}|${uploaded}|${downloaded}|${command.route ?? ''}`;
    const reply = await this.scripted().shoalTrackerAnnounce(
      ...this.keys(command.infoHash, command.kind),
      command.peerId,
      data,
      uploaded,
      downloaded,
      command.left === 0 ? '1' : '0',
      command.event,
      command.numwant,
      command.now,
      command.expiresAt,
      this.retentionMs,
      command.infoHash,
    );
    const peers: StoredPeer[] = [];
    for (let i = 3; i + 2 < reply.length; i += 3) {
      const peer = decodePeer(String(reply[i]), String(reply[i + 1]), Number(reply[i + 2]) === 1);
      if (peer !== undefined) peers.push(peer);
    }
    return { seeders: Number(reply[0]), leechers: Number(reply[1]), completed: Number(reply[2]), peers };
  }

  async removePeer(infoHash: string, kind: PeerKind, peerId: string, now: number): Promise<boolean> {
    const removed = await this.scripted().shoalTrackerForget(
      ...this.keys(infoHash, kind),
      peerId,
      now,
      this.retentionMs,
      infoHash,
    );
    return removed > 0;
  }

  async scrape(infoHashes: readonly string[], now: number): Promise<SwarmCounts[]> {
    if (infoHashes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const infoHash of infoHashes) this.queueCounts(pipeline, infoHash, now);
    const replies = unwrap(await pipeline.exec());
    return infoHashes.map((_, i) => countsFrom(replies.slice(i * 5, i * 5 + 5)));
  }

  async getSwarm(infoHash: string, now: number): Promise<SwarmStats | undefined> {
    const [stats] = await this.statsFor([infoHash], now);
    return stats;
  }

  async listSwarms(page: { offset: number; limit: number }, now: number): Promise<SwarmListing> {
    const index = this.indexKey();
    const [hashes, total] = await Promise.all([
      page.limit > 0 ? this.redis.zrevrange(index, page.offset, page.offset + page.limit - 1) : Promise.resolve([]),
      this.redis.zcard(index),
    ]);
    const stats = await this.statsFor(hashes, now);
    return { swarms: stats.filter((s): s is SwarmStats => s !== undefined), total };
  }

  async totals(now: number): Promise<SwarmTotals> {
    let swarms = 0;
    let seeders = 0;
    let leechers = 0;
    await this.eachIndexed(async (hashes) => {
      const counts = await this.scrape(hashes, now);
      swarms += hashes.length;
      for (const c of counts) {
        seeders += c.seeders;
        leechers += c.leechers;
      }
    });
    return { swarms, seeders, leechers };
  }

  async removeSwarm(infoHash: string): Promise<boolean> {
    const keys = this.keys(infoHash, 'tcp').slice(0, 7);
    const [deleted, unindexed] = unwrap(
      await this.redis
        .multi()
        .del(...keys)
        .zrem(this.indexKey(), infoHash)
        .exec(),
    );
    return Number(deleted) > 0 || Number(unindexed) > 0;
  }

  async removeExpired(now: number): Promise<number> {
    let removed = 0;
    await this.eachIndexed(async (hashes) => {
      const pipeline = this.redis.pipeline() as unknown as ScriptedRedis & { exec(): ReturnType<Redis['exec']> };
      for (const infoHash of hashes) {
        void pipeline.shoalTrackerSweep(...this.keys(infoHash, 'tcp'), now, this.retentionMs, infoHash);
      }
      for (const n of unwrap(await pipeline.exec())) removed += Number(n);
    });
    return removed;
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit();
  }

  private scripted(): ScriptedRedis {
    return this.redis as unknown as ScriptedRedis;
  }

  private indexKey(): string {
    return `${this.prefix}swarms`;
  }

  /** The eight keys the scripts expect, for `kind` as the announcer's kind. */
  private keys(infoHash: string, kind: PeerKind): string[] {
    const base = `${this.prefix}{${infoHash}}:`;
    const mine = kind === 'tcp' ? 't' : 'w';
    const other = kind === 'tcp' ? 'w' : 't';
    return [
      `${base}s:${mine}`,
      `${base}l:${mine}`,
      `${base}p:${mine}`,
      `${base}s:${other}`,
      `${base}l:${other}`,
      `${base}p:${other}`,
      `${base}m`,
      this.indexKey(),
    ];
  }

  private queueCounts(pipeline: ReturnType<Redis['pipeline']>, infoHash: string, now: number): void {
    const [seedT, leechT, , seedW, leechW, , meta] = this.keys(infoHash, 'tcp') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const min = `(${now}`;
    pipeline.zcount(seedT, min, '+inf');
    pipeline.zcount(seedW, min, '+inf');
    pipeline.zcount(leechT, min, '+inf');
    pipeline.zcount(leechW, min, '+inf');
    pipeline.hmget(meta, 'completed', 'uploaded', 'downloaded', 'last');
  }

  private async statsFor(infoHashes: readonly string[], now: number): Promise<(SwarmStats | undefined)[]> {
    if (infoHashes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const infoHash of infoHashes) this.queueCounts(pipeline, infoHash, now);
    const replies = unwrap(await pipeline.exec());
    return infoHashes.map((infoHash, i) => {
      const slice = replies.slice(i * 5, i * 5 + 5);
      const meta = (slice[4] ?? []) as (string | null)[];
      const counts = countsFrom(slice);
      if (counts.seeders + counts.leechers === 0 && meta.every((v) => v === null)) return undefined;
      return {
        infoHash,
        ...counts,
        uploaded: Number(meta[1] ?? 0),
        downloaded: Number(meta[2] ?? 0),
        lastAnnounceAt: Number(meta[3] ?? 0),
      };
    });
  }

  /** Walks the swarm index in batches (ZSCAN tolerates removals while it runs). */
  private async eachIndexed(visit: (hashes: string[]) => Promise<void>): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.zscan(this.indexKey(), cursor, 'COUNT', 500);
      cursor = next;
      const hashes: string[] = [];
      for (let i = 0; i < flat.length; i += 2) hashes.push(flat[i]!);
      if (hashes.length > 0) await visit(hashes);
    } while (cursor !== '0');
  }
}

function countsFrom(replies: unknown[]): SwarmCounts {
  const meta = (replies[4] ?? []) as (string | null)[];
  return {
    seeders: Number(replies[0] ?? 0) + Number(replies[1] ?? 0),
    leechers: Number(replies[2] ?? 0) + Number(replies[3] ?? 0),
    completed: Number(meta[0] ?? 0),
  };
}

function decodePeer(peerId: string, data: string, seeder: boolean): StoredPeer | undefined {
  const [ip, port, , , route] = data.split('|');
  if (ip === undefined || port === undefined) return undefined;
  const peer: { -readonly [K in keyof StoredPeer]: StoredPeer[K] } = { peerId, ip, port: Number(port), seeder };
  if (route !== undefined && route !== '') peer.route = route;
  return peer;
}

/** Pipeline replies are `[error, value]` pairs; the first error fails the whole call. */
function unwrap(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('redis transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** Lua numbers are doubles: keep byte counters where they stay exact. */
function clampInteger(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(0, Math.floor(value)), Number.MAX_SAFE_INTEGER) : 0;
}
