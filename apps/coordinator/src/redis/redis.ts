import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Connects to Redis and waits until it answers, so a bad REDIS_URL stops start-up early. */
export async function openRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
  });
  redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection error'));
  await redis.connect();
  await redis.ping();
  logger.info({ url: redactUrl(url) }, 'Redis ready');
  return redis;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}
