import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationChecksum } from './checksum.js';
import {
  applyMigrations,
  defaultMigrationsDir,
  MigrationError,
  pgliteMigrationTarget,
  readMigrations,
} from './index.js';
import { MIGRATION_LOCK_KEY } from './pg-target.js';

const INIT = '20261125000000_init';
const repoMigrations = defaultMigrationsDir();
/** Every migration of the repository, in order (the list grows with the schema). */
const ALL = (await readMigrations(repoMigrations)).map((m) => m.name);

let db: PGlite;
let scratch: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shoal-migrations-'));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [name]);
  return rows[0]?.present === true;
}

async function recordedNames(): Promise<string[]> {
  const { rows } = await db.query<{ migration_name: string }>(
    `SELECT migration_name FROM _prisma_migrations ORDER BY migration_name`,
  );
  return rows.map((row) => row.migration_name);
}

describe('applyMigrations on PGlite', () => {
  beforeEach(() => {
    db = new PGlite();
  });

  afterEach(async () => {
    await db.close();
  });

  it('applies the repository migrations to a fresh database, then nothing on the second run', async () => {
    const target = pgliteMigrationTarget(db);

    expect(ALL[0]).toBe(INIT);
    await expect(applyMigrations(target, { migrationsDir: repoMigrations })).resolves.toEqual({ applied: ALL });
    for (const table of ['users', 'devices', 'device_challenges', 'sessions', 'refresh_tokens', 'api_keys']) {
      expect(await tableExists(table)).toBe(true);
    }

    await expect(applyMigrations(target, { migrationsDir: repoMigrations })).resolves.toEqual({ applied: [] });
    expect(await recordedNames()).toEqual(ALL);
  });

  it('records each migration the way Prisma does', async () => {
    await applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations });

    const fileBytes = await readFile(join(repoMigrations, INIT, 'migration.sql'));
    const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM _prisma_migrations`);
    expect(rows).toHaveLength(ALL.length);
    const row = rows.find((r) => r.migration_name === INIT)!;
    expect(row.migration_name).toBe(INIT);
    expect(row.checksum).toBe(createHash('sha256').update(fileBytes).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.started_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  });

  it('creates _prisma_migrations with the column types Prisma uses', async () => {
    await applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations });
    const { rows } = await db.query<{ column_name: string; type: string; not_null: boolean; has_default: boolean }>(`
      SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS not_null, a.atthasdef AS has_default
        FROM pg_attribute a
       WHERE a.attrelid = '_prisma_migrations'::regclass AND a.attnum > 0
       ORDER BY a.attnum`);
    expect(
      rows.map((r) => `${r.column_name} ${r.type}${r.not_null ? ' NOT NULL' : ''}${r.has_default ? ' DEFAULT' : ''}`),
    ).toEqual([
      'id character varying(36) NOT NULL',
      'checksum character varying(64) NOT NULL',
      'finished_at timestamp with time zone',
      'migration_name character varying(255) NOT NULL',
      'logs text',
      'rolled_back_at timestamp with time zone',
      'started_at timestamp with time zone NOT NULL DEFAULT',
      'applied_steps_count integer NOT NULL DEFAULT',
    ]);
  });

  it('refuses to continue when an applied migration was edited', async () => {
    await cp(repoMigrations, scratch, { recursive: true });
    const target = pgliteMigrationTarget(db);
    await applyMigrations(target, { migrationsDir: scratch });

    const file = join(scratch, INIT, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- an innocent-looking edit\n`);
    await writeMigration(scratch, '20991231000000_later', 'CREATE TABLE "later" ("id" INTEGER);');

    const error = await applyMigrations(target, { migrationsDir: scratch }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe('MIGRATION_CHECKSUM_MISMATCH');
    expect((error as Error).message).toMatch(new RegExp(`^MIGRATION_CHECKSUM_MISMATCH: ${INIT}\\b`));
    // Nothing after the edited migration ran either.
    expect(await tableExists('later')).toBe(false);
    expect(await recordedNames()).toEqual(ALL);
  });

  it('accepts a file whose only change is its line endings, as Prisma does', async () => {
    await cp(repoMigrations, scratch, { recursive: true });
    const target = pgliteMigrationTarget(db);
    await applyMigrations(target, { migrationsDir: scratch });

    const file = join(scratch, INIT, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    await expect(applyMigrations(target, { migrationsDir: scratch })).resolves.toEqual({ applied: [] });
  });

  it('rolls a failing migration back entirely and names it', async () => {
    await writeMigration(scratch, '0001_ok', 'CREATE TABLE "first" ("id" INTEGER PRIMARY KEY);');
    await writeMigration(
      scratch,
      '0002_broken',
      'CREATE TABLE "half" ("id" INTEGER);\nINSERT INTO "first" VALUES (1);\nSELECT no_such_function();\n',
    );
    await writeMigration(scratch, '0003_after', 'CREATE TABLE "after" ("id" INTEGER);');
    const target = pgliteMigrationTarget(db);

    const error = await applyMigrations(target, { migrationsDir: scratch }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe('MIGRATION_FAILED');
    expect((error as MigrationError).migration).toBe('0002_broken');
    expect((error as Error).message).toMatch(/^MIGRATION_FAILED: 0002_broken: .*no_such_function/);

    expect(await tableExists('first')).toBe(true);
    expect(await tableExists('half')).toBe(false);
    expect(await tableExists('after')).toBe(false);
    expect((await db.query(`SELECT * FROM "first"`)).rows).toEqual([]);
    expect(await recordedNames()).toEqual(['0001_ok']);

    // Once the file is fixed, the run picks up where it stopped.
    await writeMigration(scratch, '0002_broken', 'CREATE TABLE "half" ("id" INTEGER);');
    await expect(applyMigrations(target, { migrationsDir: scratch })).resolves.toEqual({
      applied: ['0002_broken', '0003_after'],
    });
  });

  it('warns about, and otherwise ignores, an applied migration whose file is gone', async () => {
    await writeMigration(scratch, '0001_a', 'CREATE TABLE "a" ("id" INTEGER);');
    await writeMigration(scratch, '0002_b', 'CREATE TABLE "b" ("id" INTEGER);');
    const target = pgliteMigrationTarget(db);
    await applyMigrations(target, { migrationsDir: scratch });

    await rm(join(scratch, '0002_b'), { recursive: true });
    const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
    const result = await applyMigrations(target, {
      migrationsDir: scratch,
      log: (msg, fields) => logs.push({ msg, fields }),
    });

    expect(result).toEqual({ applied: [] });
    expect(logs).toContainEqual({
      msg: expect.stringContaining('no file') as unknown as string,
      fields: { severity: 'warn', migration: '0002_b' },
    });
  });

  it('refuses to run over a migration that Prisma started and never finished', async () => {
    await applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations });
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ('x', 'y', '20991231000000_next', 'boom')`,
    );
    await expect(applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations })).rejects.toThrow(
      /^MIGRATION_PREVIOUSLY_FAILED: 20991231000000_next\b/,
    );
  });

  it('re-applies a migration that Prisma marked as rolled back', async () => {
    await writeMigration(scratch, '0001_a', 'CREATE TABLE "a" ("id" INTEGER);');
    await db.exec(`CREATE TABLE "_prisma_migrations" (
      id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, rolled_back_at) VALUES ('old', 'stale', '0001_a', now())`,
    );

    await expect(applyMigrations(pgliteMigrationTarget(db), { migrationsDir: scratch })).resolves.toEqual({
      applied: ['0001_a'],
    });
    expect(await recordedNames()).toEqual(['0001_a', '0001_a']);
  });

  it('serialises concurrent runs against the same PGlite instance', async () => {
    const runs = await Promise.all([
      applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations }),
      applyMigrations(pgliteMigrationTarget(db), { migrationsDir: repoMigrations }),
    ]);
    expect(runs.map((run) => run.applied).sort()).toEqual([[], ALL]);
    expect(await recordedNames()).toEqual(ALL);
  });
});

describe('readMigrations', () => {
  it('returns migration directories sorted by name, with their checksums, ignoring plain files', async () => {
    await writeMigration(scratch, '20260102000000_b', 'SELECT 2;');
    await writeMigration(scratch, '20260101000000_a', 'SELECT 1;');
    await writeFile(join(scratch, 'migration_lock.toml'), 'provider = "postgresql"\n');

    expect(await readMigrations(scratch)).toEqual([
      { name: '20260101000000_a', sql: 'SELECT 1;', checksum: migrationChecksum('SELECT 1;') },
      { name: '20260102000000_b', sql: 'SELECT 2;', checksum: migrationChecksum('SELECT 2;') },
    ]);
  });

  it('refuses a migration directory without migration.sql', async () => {
    await mkdir(join(scratch, '20260101000000_empty'));
    await expect(readMigrations(scratch)).rejects.toThrow(/^MIGRATION_FILE_MISSING: 20260101000000_empty\b/);
  });

  it('refuses a missing migrations directory rather than applying nothing', async () => {
    await expect(readMigrations(join(scratch, 'nope'))).rejects.toThrow(/^MIGRATIONS_DIR_NOT_FOUND\b/);
  });
});

describe('defaultMigrationsDir', () => {
  const repoRoot = join(import.meta.dirname, '..', '..', '..', '..', '..');

  it('finds <repo>/prisma/migrations from the source tree', () => {
    expect(repoMigrations).toBe(join(repoRoot, 'prisma', 'migrations'));
  });

  it('finds it from where the built module lives too', () => {
    expect(defaultMigrationsDir(join(repoRoot, 'apps', 'coordinator', 'dist', 'database', 'migrations'))).toBe(
      join(repoRoot, 'prisma', 'migrations'),
    );
  });

  it('says so when there is none above', () => {
    expect(() => defaultMigrationsDir(scratch)).toThrow(/^MIGRATIONS_DIR_NOT_FOUND\b/);
  });
});

describe('MIGRATION_LOCK_KEY', () => {
  it('is derived from "shoal-migrations" as documented', () => {
    const derived = createHash('sha256').update('shoal-migrations').digest().readBigInt64BE(0);
    expect(MIGRATION_LOCK_KEY).toBe(derived.toString());
  });
});
