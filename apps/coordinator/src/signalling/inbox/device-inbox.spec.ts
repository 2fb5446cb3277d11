import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe } from 'vitest';
import { deviceInboxCompliance } from './device-inbox.compliance.js';
import { MemoryDeviceInbox } from './device-inbox.memory.js';
import { RedisDeviceInbox } from './device-inbox.redis.js';

describe('MemoryDeviceInbox', () => {
  deviceInboxCompliance(async (options) => new MemoryDeviceInbox(options));
});

describe.runIf(process.env.REDIS_URL)('RedisDeviceInbox', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });
  deviceInboxCompliance(async (options) => {
    const redis = new Redis(process.env.REDIS_URL!);
    clients.push(redis);
    return new RedisDeviceInbox(
      redis,
      `shoal-test-${randomBytes(4).toString('hex')}:`,
      pino({ level: 'silent' }),
      options,
    );
  });
});
