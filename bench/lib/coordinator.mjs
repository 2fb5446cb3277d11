import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from './server-process.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const coordinatorMain = join(repoRoot, 'apps', 'coordinator', 'dist', 'main.js');

/** Rate limits high enough that a benchmark never meets them (they are per minute). */
export const NO_RATE_LIMITS = {
  LOGIN_RATE_PER_ACCOUNT: '1000000000',
  LOGIN_RATE_PER_ADDRESS: '1000000000',
  REGISTER_RATE_PER_ADDRESS: '1000000000',
};

// The coordinator's own variables: never inherited from the shell that runs the benchmarks, so
// each run starts from the defaults plus what the benchmark sets.
const COORDINATOR_VARIABLES = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'JWT_SECRET',
  'TURN_SECRET',
  'TURN_PORT',
  'TURN_URLS',
  'TURN_ALLOW_LOOPBACK_PEERS',
  'TURN_RELAY_ADDRESS',
  'TURN_CREDENTIAL_TTL_SECONDS',
  'TRACKER_UDP_PORT',
  'TRACKER_PRIVATE',
  'TRACKER_RATE_PER_ADDRESS',
  'DHT_ENABLED',
  'DHT_PORT',
  'DHT_BOOTSTRAP',
  'ADMIN_USERNAMES',
  'SHOAL_DATA_DIR',
  'LOG_LEVEL',
  'TRUST_PROXY_HOPS',
  'ACCESS_TOKEN_TTL_SECONDS',
  'REFRESH_TOKEN_TTL_DAYS',
  'LOGIN_RATE_PER_ACCOUNT',
  'LOGIN_RATE_PER_ADDRESS',
  'REGISTER_RATE_PER_ADDRESS',
];

/**
 * The storage modes to measure: always the embedded default; PostgreSQL + Redis too when the
 * environment names both (DATABASE_URL is used as an administrative connection: every coordinator
 * gets a fresh scratch database of its own, dropped afterwards).
 */
export function storageModes(env = process.env) {
  const modes = [{ id: 'embedded', label: 'embedded (PGlite, in-process rate limits)' }];
  if (env.DATABASE_URL && env.REDIS_URL) {
    modes.push({
      id: 'postgres+redis',
      label: 'PostgreSQL + Redis',
      adminUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
    });
  }
  return modes;
}

export function assertCoordinatorBuilt() {
  if (!existsSync(coordinatorMain)) {
    throw new Error(`${coordinatorMain} is missing: run \`npm run build\` first`);
  }
}

const running = new Set();

/**
 * Stops every coordinator still running and drops its scratch state, then every other process a
 * benchmark started and registered with `trackProcess` (after each benchmark, and for Ctrl-C).
 * Replicas go first: dropping a database ends the connections of whoever still uses it.
 */
export async function stopAllCoordinators() {
  const all = [...running];
  await Promise.allSettled(all.filter((c) => c.replicaOf).map((c) => c.stop()));
  await Promise.allSettled(all.filter((c) => !c.replicaOf).map((c) => c.stop()));
}

/**
 * Registers a process a benchmark started (opentracker, coturn, a baseline server) so that it is
 * stopped with the coordinators if the benchmark fails or is interrupted. `handle.stop()` must be
 * safe to call twice; the handle is forgotten once it has stopped.
 */
export function trackProcess(handle) {
  const tracked = {
    ...handle,
    async stop(...args) {
      running.delete(tracked);
      return handle.stop(...args);
    },
  };
  running.add(tracked);
  return tracked;
}

/**
 * Starts a coordinator (`node apps/coordinator/dist/main.js`) on a free port with fresh state:
 * an empty temporary data dir, and in PostgreSQL + Redis mode an empty scratch database and a
 * Redis key prefix of its own. `stop()` sends SIGTERM, waits for a clean exit and removes the state.
 *
 * `replicaOf: coordinator` starts a second replica of a PostgreSQL + Redis coordinator instead: the
 * same database, Redis prefix and secrets (so tokens and UDP connection ids are valid on both), a
 * data dir of its own; the first one owns the scratch state and drops it when it stops.
 */
export async function startCoordinator({ mode = { id: 'embedded' }, env: extraEnv = {}, replicaOf } = {}) {
  assertCoordinatorBuilt();
  const runId = randomBytes(6).toString('hex');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !COORDINATOR_VARIABLES.includes(k)));
  const dataDir = await mkdtemp(join(tmpdir(), 'shoal-bench-'));
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    TURN_PORT: '0',
    TRACKER_UDP_PORT: '0',
    // The DHT node on a free port, bootstrapping from nobody: benchmarks stay on loopback.
    DHT_PORT: '0',
    DHT_BOOTSTRAP: 'none',
    SHOAL_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // Given rather than generated, so no secrets file is written and no warning is logged.
    JWT_SECRET: randomBytes(32).toString('hex'),
    TURN_SECRET: randomBytes(16).toString('hex'),
  });
  if (replicaOf) {
    if (replicaOf.mode.id !== 'postgres+redis') throw new Error('only a PostgreSQL + Redis coordinator has replicas');
    mode = replicaOf.mode;
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'JWT_SECRET', 'TURN_SECRET']) {
      env[key] = replicaOf.env[key];
    }
  }

  const cleanups = [() => rm(dataDir, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => {});
  };
  try {
    if (mode.id === 'postgres+redis' && !replicaOf) {
      const database = await createScratchDatabase(mode.adminUrl, `shoal_bench_${runId}`);
      cleanups.push(database.drop);
      const prefix = `shoal_bench_${runId}:`;
      cleanups.push(() => deleteRedisKeys(mode.redisUrl, prefix));
      Object.assign(env, { DATABASE_URL: database.url, REDIS_URL: mode.redisUrl, REDIS_KEY_PREFIX: prefix });
    }
    Object.assign(env, extraEnv);
    const server = await startServerProcess({ script: coordinatorMain, env, name: `coordinator (${mode.id})` });
    const coordinator = {
      ...server,
      mode,
      /** The coordinator's own variables as it was started (secrets included, for the benchmark's clients). */
      env: Object.fromEntries(COORDINATOR_VARIABLES.filter((k) => env[k] !== undefined).map((k) => [k, env[k]])),
      replicaOf,
      async stop() {
        running.delete(coordinator);
        const status = await server.stop();
        await cleanUp();
        return status;
      },
    };
    running.add(coordinator);
    return coordinator;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Starts the bare Node HTTP server of bench/lib/bare-server.mjs the same way. */
export function startBareServer() {
  return startNodeServer('bare-server.mjs', 'bare server');
}

/**
 * Starts a baseline server script of bench/lib (same Node, PORT=0, HOST=127.0.0.1, URL from its
 * log line), tracked so that it is stopped with the coordinators.
 */
export async function startNodeServer(script, name, extraEnv = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !COORDINATOR_VARIABLES.includes(k)));
  Object.assign(env, { PORT: '0', HOST: '127.0.0.1' }, extraEnv);
  return trackProcess(await startServerProcess({ script: join(repoRoot, 'bench', 'lib', script), env, name }));
}

async function createScratchDatabase(adminUrl, name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function deleteRedisKeys(redisUrl, prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
