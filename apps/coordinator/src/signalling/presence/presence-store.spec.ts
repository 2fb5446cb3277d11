import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe } from 'vitest';
import type { PresenceStore } from './presence-store.js';
import { presenceStoreCompliance } from './presence-store.compliance.js';
import { MemoryPresenceStore } from './presence-store.memory.js';
import { RedisPresenceStore } from './presence-store.redis.js';

describe('MemoryPresenceStore', () => {
  presenceStoreCompliance(async () => {
    const store = new MemoryPresenceStore();
    return [store, store];
  }, false);
});

describe.runIf(process.env.REDIS_URL)('RedisPresenceStore (two replicas on one Redis)', () => {
  const stores: PresenceStore[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const c of clients) await c.quit();
  });
  presenceStoreCompliance(async () => {
    const prefix = `shoal-test-${randomBytes(4).toString('hex')}:`;
    const make = () => {
      const redis = new Redis(process.env.REDIS_URL!);
      clients.push(redis);
      const store = new RedisPresenceStore(redis, prefix, pino({ level: 'silent' }));
      stores.push(store);
      return store;
    };
    const pair: [PresenceStore, PresenceStore] = [make(), make()];
    await new Promise((r) => setTimeout(r, 100)); // subscriptions settle
    return pair;
  }, true);
});
