import type { Transport } from './announce-request.js';
import type { RateLimitVerdict } from './options.js';

export interface FixedWindowRateLimitOptions {
  /** Requests allowed per address per window. */
  limit: number;
  windowSeconds: number;
  now?: () => number;
}

/**
 * A ready-made `rateLimit` hook for one process: a fixed window per address, whose table is
 * dropped wholesale each window so a flood of addresses cannot grow it past one window's worth.
 * Replicas that must share limits pass their own hook (Redis-backed, say) instead.
 */
export function createFixedWindowRateLimit(
  options: FixedWindowRateLimitOptions,
): (remoteAddress: string, transport: Transport) => RateLimitVerdict {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  let windowStart = Math.floor(now() / windowMs) * windowMs;
  let counts = new Map<string, number>();
  return (remoteAddress) => {
    const time = now();
    if (time >= windowStart + windowMs) {
      windowStart = Math.floor(time / windowMs) * windowMs;
      counts = new Map();
    }
    const count = (counts.get(remoteAddress) ?? 0) + 1;
    counts.set(remoteAddress, count);
    if (count <= options.limit) return true;
    return { retryInSeconds: Math.max(1, Math.ceil((windowStart + windowMs - time) / 1000)) };
  };
}
