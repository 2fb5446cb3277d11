import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@shoal/testkit';
import pino from 'pino';
import type { CoordinatorConfig } from '../src/config/coordinator-config.js';
import { startCoordinator } from '../src/create-app.js';
import { defaultSignallingLimits } from '../src/signalling/signalling-context.js';
import type { RunningCoordinator } from '../src/create-app.js';

/**
 * The storage modes every coordinator test runs against: the embedded default always, and real
 * PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set (CI sets them).
 */
export interface Backend {
  name: string;
  /** Makes a fresh, empty store for one test file and says how to drop it. */
  provision(): Promise<{ database: CoordinatorConfig['database']; redisUrl?: string; drop(): Promise<void> }>;
}

const embedded: Backend = {
  name: 'embedded',
  provision: async () => ({ database: { kind: 'embedded', path: 'memory://' }, drop: async () => undefined }),
};

export { createTestDatabase };

const scaledOut = (databaseUrl: string, redisUrl: string): Backend => ({
  name: 'postgres+redis',
  provision: async () => {
    const db = await createTestDatabase(databaseUrl);
    return { database: { kind: 'postgres', url: db.url }, redisUrl, drop: db.drop };
  },
});

export function backends(): Backend[] {
  const { DATABASE_URL, REDIS_URL } = process.env;
  return DATABASE_URL && REDIS_URL ? [embedded, scaledOut(DATABASE_URL, REDIS_URL)] : [embedded];
}

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdefghijklmnop';

export function testConfig(overrides: Partial<CoordinatorConfig> = {}): CoordinatorConfig {
  const generous = { points: 10_000, durationSeconds: 60 };
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: '/nonexistent-test-data-dir',
    database: { kind: 'embedded', path: 'memory://' },
    // Each coordinator in a test gets its own key space, so parallel test files never share counters.
    redisKeyPrefix: `shoal-test-${randomBytes(4).toString('hex')}:`,
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    trustProxyHops: 0,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
    bodyLimitBytes: 64 * 1024,
    turn: {
      port: 0,
      secret: 'test-turn-secret-0123456789',
      allowLoopbackPeers: true,
      allowedPeers: [],
      externalUrls: [],
      credentialTtlSeconds: 3600,
    },
    tracker: {
      udpPort: 0,
      private: false,
      ratePerAddressPerMinute: 100_000,
      dht: { enabled: false, port: 0, bootstrap: [] },
    },
    adminUsernames: [],
    signalling: { limits: { ...defaultSignallingLimits, graceMs: 1_000 }, userFramesPerMinute: 3_000 },
    rateLimits: { loginPerAccount: generous, loginPerAddress: generous, registerPerAddress: generous },
    ...overrides,
  };
}

export interface TestCoordinator extends RunningCoordinator {
  config: CoordinatorConfig;
  /** Closes the coordinator and drops its test database. */
  stop(): Promise<void>;
}

/** Starts a coordinator in this process on a fresh store of `backend`, listening on a free port. */
export async function startTestCoordinator(
  backend: Backend,
  overrides: Partial<CoordinatorConfig> = {},
): Promise<TestCoordinator> {
  const store = await backend.provision();
  const config = testConfig({ database: store.database, redisUrl: store.redisUrl, ...overrides });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const running = await startCoordinator(config, logger);
  return {
    ...running,
    config,
    stop: async () => {
      await running.close();
      await store.drop();
    },
  };
}

/** A raw JSON request, for tests that must send what a well-behaved client never would. */
export async function request(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

let counter = 0;
/** A username unique within the run. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}${randomBytes(3).toString('hex')}`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';
