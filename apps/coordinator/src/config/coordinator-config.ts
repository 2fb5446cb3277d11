import path from 'node:path';
import { defaultSignallingLimits } from '../signalling/signalling-context.js';
import type { SignallingLimits } from '../signalling/signalling-context.js';
import type { Env } from './env.schema.js';

export interface RateRule {
  points: number;
  durationSeconds: number;
}

/** The resolved configuration every module reads; built once from the environment. */
export interface CoordinatorConfig {
  host: string;
  port: number;
  publicUrl?: string;
  dataDir: string;
  database: { kind: 'embedded'; path: string } | { kind: 'postgres'; url: string };
  redisUrl?: string;
  redisKeyPrefix: string;
  jwtSecret: string;
  logLevel: Env['LOG_LEVEL'];
  trustProxyHops: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bodyLimitBytes: number;
  turn: {
    port: number;
    secret: string;
    allowLoopbackPeers: boolean;
    allowedPeers: string[];
    externalRelayAddress?: string;
    /** External TURN servers (coturn) to hand out instead of ours, with credentials from the same secret. */
    externalUrls: string[];
    credentialTtlSeconds: number;
  };
  signalling: { limits: SignallingLimits; userFramesPerMinute: number };
  tracker: {
    udpPort: number;
    private: boolean;
    ratePerAddressPerMinute: number;
    dht: { enabled: boolean; port: number; bootstrap: string[] };
  };
  adminUsernames: string[];
  rateLimits: {
    loginPerAccount: RateRule;
    loginPerAddress: RateRule;
    registerPerAddress: RateRule;
  };
}

export function configFromEnv(env: Env, secrets: { jwtSecret: string; turnSecret: string }): CoordinatorConfig {
  const dataDir = path.resolve(env.SHOAL_DATA_DIR);
  return {
    host: env.HOST,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL,
    dataDir,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'embedded', path: path.join(dataDir, 'db') },
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    jwtSecret: secrets.jwtSecret,
    logLevel: env.LOG_LEVEL,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    bodyLimitBytes: 64 * 1024,
    turn: {
      port: env.TURN_PORT,
      secret: secrets.turnSecret,
      allowLoopbackPeers: env.TURN_ALLOW_LOOPBACK_PEERS,
      allowedPeers: (env.TURN_ALLOWED_PEERS ?? '').split(/[\s,]+/).filter((c) => c.length > 0),
      externalRelayAddress: env.TURN_RELAY_ADDRESS,
      externalUrls: (env.TURN_URLS ?? '').split(/[\s,]+/).filter((u) => u.length > 0),
      credentialTtlSeconds: env.TURN_CREDENTIAL_TTL_SECONDS,
    },
    signalling: { limits: defaultSignallingLimits, userFramesPerMinute: 3_000 },
    tracker: {
      udpPort: env.TRACKER_UDP_PORT,
      private: env.TRACKER_PRIVATE,
      ratePerAddressPerMinute: env.TRACKER_RATE_PER_ADDRESS,
      dht: {
        enabled: env.DHT_ENABLED,
        port: env.DHT_PORT,
        bootstrap: env.DHT_BOOTSTRAP === 'none' ? [] : env.DHT_BOOTSTRAP.split(/\s*,\s*/),
      },
    },
    adminUsernames: env.ADMIN_USERNAMES.split(/[\s,]+/)
      .map((u) => u.trim().toLowerCase())
      .filter((u) => u.length > 0),
    rateLimits: {
      loginPerAccount: { points: env.LOGIN_RATE_PER_ACCOUNT, durationSeconds: 60 },
      loginPerAddress: { points: env.LOGIN_RATE_PER_ADDRESS, durationSeconds: 60 },
      registerPerAddress: { points: env.REGISTER_RATE_PER_ADDRESS, durationSeconds: 60 },
    },
  };
}
