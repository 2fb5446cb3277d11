import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TrackerError } from '../errors.js';

export interface ConnectionIdOptions {
  /**
   * HMAC key. Replicas behind one UDP load balancer must share it, or a connect answered by one
   * is refused by another. Default: 32 random bytes (one process).
   */
  secret?: Uint8Array | string;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/** Connection ids are tied to a minute; the current and two previous minutes are accepted. */
const WINDOW_MS = 60_000;
const ACCEPTED_WINDOWS = 3;

/**
 * BEP 15 connection ids that need no server state: HMAC-SHA256 of (window, address, port) under a
 * secret, truncated to 64 bits. Only someone who receives packets at that address and port can
 * learn one, so a spoofed source address cannot use the tracker to flood a victim. An id stays
 * valid at least two and at most three minutes (BEP 15 asks trackers to accept it for two).
 */
export class ConnectionIds {
  private readonly secret: Buffer;
  private readonly now: () => number;

  constructor(options: ConnectionIdOptions = {}) {
    this.secret =
      options.secret === undefined
        ? randomBytes(32)
        : typeof options.secret === 'string'
          ? Buffer.from(options.secret, 'utf8')
          : Buffer.from(options.secret);
    if (this.secret.length < 16) throw TrackerError.invalidOptions('the UDP connection id secret needs 16+ bytes');
    this.now = options.now ?? Date.now;
  }

  issue(address: string, port: number): Buffer {
    return this.compute(Math.floor(this.now() / WINDOW_MS), address, port);
  }

  verify(id: Uint8Array, address: string, port: number): boolean {
    if (id.length !== 8) return false;
    const window = Math.floor(this.now() / WINDOW_MS);
    let valid = false;
    // Every window is checked so the time taken says nothing about which one matched.
    for (let i = 0; i < ACCEPTED_WINDOWS; i++) {
      if (timingSafeEqual(this.compute(window - i, address, port), id)) valid = true;
    }
    return valid;
  }

  private compute(window: number, address: string, port: number): Buffer {
    return createHmac('sha256', this.secret).update(`${window}|${address}|${port}`).digest().subarray(0, 8);
  }
}
