import type { Logger } from 'pino';
import type { Database } from '../database/database.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { DeviceInbox } from './inbox/device-inbox.js';
import type { PresenceService } from './presence/presence.service.js';
import type { PresenceStore } from './presence/presence-store.js';
import type { SignalRouter } from './signal-router.js';
import type { SignallingMetrics } from './signalling-metrics.js';

export interface SignallingLimits {
  /** A socket must say hello within this time. */
  helloTimeoutMs: number;
  /** The server pings every socket this often; one that misses a pong is dropped. */
  heartbeatMs: number;
  /** A device whose socket dropped stays online this long, so it can resume. */
  graceMs: number;
  /** A socket with more than this many bytes waiting to be sent is cut off as a slow consumer. */
  maxBufferedBytes: number;
  /** Frames a second per socket, and the burst it may send at once. */
  frameRatePerSecond: number;
  frameBurst: number;
  /** Rate-limited frames within 10 s after which a socket is closed as a flood. */
  floodCloseAfter: number;
}

export const defaultSignallingLimits: SignallingLimits = {
  helloTimeoutMs: 10_000,
  heartbeatMs: 15_000,
  graceMs: 10_000,
  maxBufferedBytes: 1024 * 1024,
  frameRatePerSecond: 50,
  frameBurst: 200,
  floodCloseAfter: 50,
};

/** Everything a device connection needs, built once by the signalling module. */
export interface SignallingContext {
  replicaId: string;
  database: Database;
  inbox: DeviceInbox;
  store: PresenceStore;
  presence: PresenceService;
  router: SignalRouter;
  /** Frames per user per minute, shared by replicas through Redis when configured. */
  userLimiter: RateLimiter;
  limits: SignallingLimits;
  logger: Logger;
  metrics: SignallingMetrics;
}
