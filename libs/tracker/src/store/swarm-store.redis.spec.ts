import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefix } from '../../test/support/redis.js';
import { describeSwarmStoreCompliance, hex } from './swarm-store.compliance.js';
import { RedisSwarmStore } from './swarm-store.redis.js';

const url = process.env.REDIS_URL;

describe.runIf(url)('RedisSwarmStore', () => {
  const redis = new Redis(url!);
  const prefixes = new Map<RedisSwarmStore, string>();
  afterAll(async () => {
    await redis.quit();
  });

  describeSwarmStoreCompliance('redis', {
    create: async (options) => {
      const keyPrefix = `test:tracker:${randomUUID()}:`;
      const store = new RedisSwarmStore({ redis, keyPrefix, ...options });
      prefixes.set(store, keyPrefix);
      return store;
    },
    destroy: async (store) => {
      await deletePrefix(redis, prefixes.get(store as RedisSwarmStore)!);
    },
  });

  it('lets two trackers sharing one Redis see one swarm', async () => {
    const keyPrefix = `test:tracker:${randomUUID()}:`;
    const a = new RedisSwarmStore({ redis: url!, keyPrefix });
    const b = new RedisSwarmStore({ redis: url!, keyPrefix });
    try {
      const now = Date.now();
      const base = {
        infoHash: hex(7, 'd'),
        kind: 'tcp' as const,
        port: 6881,
        uploaded: 0,
        downloaded: 0,
        left: 1,
        event: 'started' as const,
        numwant: 10,
        now,
        expiresAt: now + 30_000,
      };
      await a.announce({ ...base, peerId: hex(1), ip: '10.0.0.1' });
      const seen = await b.announce({ ...base, peerId: hex(2), ip: '10.0.0.2' });
      expect(seen.peers).toEqual([{ peerId: hex(1), ip: '10.0.0.1', port: 6881, seeder: false }]);
      expect(await a.scrape([base.infoHash], now)).toEqual([{ seeders: 0, leechers: 2, completed: 0 }]);
    } finally {
      await deletePrefix(redis, keyPrefix);
      await a.close();
      await b.close();
    }
  });

  it('lets keys expire on their own in Redis', async () => {
    const keyPrefix = `test:tracker:${randomUUID()}:`;
    const store = new RedisSwarmStore({ redis, keyPrefix, swarmRetentionMs: 1000 });
    try {
      const now = Date.now();
      await store.announce({
        infoHash: hex(8, 'd'),
        kind: 'tcp',
        peerId: hex(1),
        ip: '10.0.0.1',
        port: 6881,
        uploaded: 0,
        downloaded: 0,
        left: 1,
        event: 'started',
        numwant: 10,
        now,
        expiresAt: now + 60_000,
      });
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        if (key.endsWith(':swarms')) continue;
        const ttl = await redis.pttl(key);
        expect(ttl, key).toBeGreaterThan(0);
      }
    } finally {
      await deletePrefix(redis, keyPrefix);
    }
  });
});
