import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, defaultMigrationsDir, MigrationError, pgMigrationTarget, readMigrations } from './index.js';
import { MIGRATION_LOCK_KEY } from './pg-target.js';
import { diffSchemas, expectedShapeFromPrisma, introspectDatabase } from './schema-drift.js';

/** Every migration of the repository, in order (the list grows with the schema). */
const ALL = (await readMigrations(defaultMigrationsDir())).map((m) => m.name);
const migrationsDir = defaultMigrationsDir();
const adminUrl = process.env.DATABASE_URL;

describe.skipIf(!adminUrl)('applyMigrations on PostgreSQL', () => {
  const database = `shoal_test_${randomBytes(6).toString('hex')}`;
  let admin: pg.Pool;
  const pools: pg.Pool[] = [];

  function newPool(): pg.Pool {
    const url = new URL(adminUrl!);
    url.pathname = `/${database}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
    pools.push(pool);
    return pool;
  }

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: adminUrl, max: 1 });
    await admin.query(`CREATE DATABASE "${database}"`);
  });

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    if (!admin) return;
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
      await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    } finally {
      await admin.end();
    }
  });

  it('two replicas starting at once both succeed and apply the init migration once', async () => {
    const [a, b] = [newPool(), newPool()];
    const runs = await Promise.all([
      applyMigrations(pgMigrationTarget(a), { migrationsDir }),
      applyMigrations(pgMigrationTarget(b), { migrationsDir }),
    ]);

    expect(runs.map((run) => run.applied).sort()).toEqual([[], ALL]);
    const { rows } = await a.query<{ name: string; count: string }>(
      `SELECT migration_name AS name, count(*) AS count FROM _prisma_migrations
        WHERE finished_at IS NOT NULL GROUP BY migration_name ORDER BY migration_name`,
    );
    // Every migration recorded exactly once, though two replicas raced.
    expect(rows).toEqual(ALL.map((name) => ({ name, count: '1' })));
  });

  it('builds, on real PostgreSQL too, exactly what schema.prisma declares', async () => {
    const pool = newPool();
    const schema = await readFile(join(migrationsDir, '..', 'schema.prisma'), 'utf8');
    const actual = await introspectDatabase(async (sql) => (await pool.query(sql)).rows as Record<string, unknown>[]);
    expect(diffSchemas(expectedShapeFromPrisma(schema), actual)).toEqual([]);
  });

  it('waits for the advisory lock held by another replica, and releases its own', async () => {
    const pool = newPool();
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      let settled = false;
      const run = applyMigrations(pgMigrationTarget(pool), { migrationsDir }).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);

      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await expect(run).resolves.toEqual({ applied: [] });

      // Had the runner kept the lock, this would block until the test times out.
      const { rows } = await holder.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', [
        MIGRATION_LOCK_KEY,
      ]);
      expect(rows[0]?.got).toBe(true);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    } finally {
      holder.release();
    }
  });

  it('rolls a failing migration back, releases the lock and names the migration', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'shoal-migrations-pg-'));
    try {
      await cp(migrationsDir, scratch, { recursive: true });
      await mkdir(join(scratch, '20991231000000_broken'));
      await writeFile(
        join(scratch, '20991231000000_broken', 'migration.sql'),
        'CREATE TABLE "half" ("id" INTEGER);\nALTER TABLE "users" ADD COLUMN "x" INTEGER;\nSELECT no_such_function();\n',
      );
      const pool = newPool();

      const error = await applyMigrations(pgMigrationTarget(pool), { migrationsDir: scratch }).catch(
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/^MIGRATION_FAILED: 20991231000000_broken: .*no_such_function/);

      const { rows } = await pool.query<{ half: string | null; x: number; recorded: number; locks: number }>(`
        SELECT to_regclass('half')::text AS half,
               (SELECT count(*)::int FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'x') AS x,
               (SELECT count(*)::int FROM _prisma_migrations WHERE migration_name = '20991231000000_broken') AS recorded,
               (SELECT count(*)::int FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                 WHERE l.locktype = 'advisory' AND d.datname = current_database()) AS locks`);
      expect(rows[0]).toEqual({ half: null, x: 0, recorded: 0, locks: 0 });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
