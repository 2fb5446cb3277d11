import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateRule } from '../config/coordinator-config.js';
import { errors } from '../errors/domain-error.js';

/**
 * A fixed-window counter per key. With Redis every replica shares the count; without it the count
 * lives in this process. If Redis fails, counting falls back to memory rather than letting
 * every request through or refusing them all.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(name: string, rule: RateRule, redis?: Redis, keyPrefix = 'shoal:') {
    const options = { keyPrefix: `${keyPrefix}rl:${name}`, points: rule.points, duration: rule.durationSeconds };
    this.limiter = redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: redis,
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options);
  }

  /** Counts one attempt for `key`; throws RATE_LIMITED with a retry delay when over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw errors.rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
