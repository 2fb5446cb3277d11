import type { Redis } from 'ioredis';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';

/** The limiters of the auth endpoints, shared through Redis when there is one. */
export class AuthRateLimits {
  readonly loginPerAccount: RateLimiter;
  readonly loginPerAddress: RateLimiter;
  readonly registerPerAddress: RateLimiter;

  constructor(config: CoordinatorConfig, redis: Redis | null) {
    const r = redis ?? undefined;
    this.loginPerAccount = new RateLimiter(
      'login:account',
      config.rateLimits.loginPerAccount,
      r,
      config.redisKeyPrefix,
    );
    this.loginPerAddress = new RateLimiter(
      'login:address',
      config.rateLimits.loginPerAddress,
      r,
      config.redisKeyPrefix,
    );
    this.registerPerAddress = new RateLimiter(
      'register:address',
      config.rateLimits.registerPerAddress,
      r,
      config.redisKeyPrefix,
    );
  }
}
