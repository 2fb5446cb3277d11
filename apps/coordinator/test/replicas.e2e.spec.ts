import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator } from '../src/create-app.js';
import type { RunningCoordinator } from '../src/create-app.js';
import { createTestDatabase, GOOD_PASSWORD, request, testConfig, uniqueName } from './harness.js';

const { DATABASE_URL, REDIS_URL } = process.env;

/**
 * Two replicas on one PostgreSQL database and one Redis, as on Kubernetes. Runs where CI provides
 * both (DATABASE_URL and REDIS_URL); the embedded mode has no replicas.
 */
describe.runIf(DATABASE_URL && REDIS_URL)('two replicas sharing PostgreSQL and Redis', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: RunningCoordinator;
  let b: RunningCoordinator;

  beforeAll(async () => {
    db = await createTestDatabase(DATABASE_URL!);
    const shared = testConfig({
      database: { kind: 'postgres', url: db.url },
      redisUrl: REDIS_URL,
      redisKeyPrefix: `shoal-replicas-${randomBytes(4).toString('hex')}:`,
      rateLimits: {
        loginPerAccount: { points: 4, durationSeconds: 60 },
        loginPerAddress: { points: 1000, durationSeconds: 60 },
        registerPerAddress: { points: 1000, durationSeconds: 60 },
      },
    });
    const logger = pino({ level: 'silent' });
    // Both start at once on an empty database: the migration lock lets exactly one migrate.
    [a, b] = await Promise.all([startCoordinator(shared, logger), startCoordinator(shared, logger)]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('applied the migrations exactly once', async () => {
    const rows = await a.database.prisma.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM _prisma_migrations',
    );
    const files = await import('../src/database/migrations/index.js').then((m) =>
      m.readMigrations(m.defaultMigrationsDir()),
    );
    expect(rows[0]!.n).toBe(files.length);
  });

  it('serves one set of accounts: register on one, log in and refresh on the other', async () => {
    const username = uniqueName();
    expect(
      (await request(a.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } })).status,
    ).toBe(201);
    const login = await request(b.url, 'POST', '/api/v1/auth/login', { body: { username, password: GOOD_PASSWORD } });
    expect(login.status).toBe(200);
    expect((await request(a.url, 'GET', '/api/v1/me', { token: login.body.accessToken })).body.username).toBe(username);
    const refreshed = await request(a.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    // Replaying the rotated token on the other replica is caught all the same.
    const replay = await request(b.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(replay.body.code).toBe('AUTH_REFRESH_TOKEN_REUSED');
  });

  it('shares the login rate limit between replicas through Redis', async () => {
    const username = uniqueName();
    await request(a.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const replica = i % 2 === 0 ? a : b;
      const r = await request(replica.url, 'POST', '/api/v1/auth/login', {
        body: { username, password: 'wrong password!' },
      });
      statuses.push(r.status);
    }
    // 4 attempts a minute per account in all, whichever replica counted them.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('reports Redis in readiness', async () => {
    const ready = await request(b.url, 'GET', '/health/ready');
    expect(ready).toMatchObject({
      status: 200,
      body: { checks: { database: { status: 'ok' }, redis: { status: 'ok' } } },
    });
  });
});
