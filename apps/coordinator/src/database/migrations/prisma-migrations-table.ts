import { randomUUID } from 'node:crypto';
import type { MigrationQueryable } from './target.js';

/**
 * Prisma's own bookkeeping table, column for column as its schema engine creates it on
 * PostgreSQL, so that `prisma migrate deploy` run later by an operator sees our work as its own.
 */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationRecord {
  id: string;
  migrationName: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

export async function ensureMigrationsTable(db: MigrationQueryable): Promise<void> {
  await db.query(CREATE_TABLE);
}

export async function readMigrationRecords(db: MigrationQueryable): Promise<MigrationRecord[]> {
  const rows = await db.query<{
    id: string;
    migration_name: string;
    checksum: string;
    finished: boolean;
    rolled_back: boolean;
  }>(
    `SELECT "id", "migration_name", "checksum",
            "finished_at" IS NOT NULL AS "finished",
            "rolled_back_at" IS NOT NULL AS "rolled_back"
       FROM "_prisma_migrations"
      ORDER BY "started_at", "migration_name"`,
  );
  return rows.map((row) => ({
    id: row.id,
    migrationName: row.migration_name,
    checksum: row.checksum,
    finished: row.finished,
    rolledBack: row.rolled_back,
  }));
}

/** Inserted in the migration's own transaction, so it exists only if the migration committed. */
export async function recordStarted(db: MigrationQueryable, name: string, checksum: string): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
     VALUES ($1, $2, $3, now(), 0)`,
    [id, checksum, name],
  );
  return id;
}

/**
 * Prisma counts a migration as applied when `finished_at` is set; it runs each script as a single
 * step, hence 1. `clock_timestamp()` because `now()` would repeat the transaction's start time.
 */
export async function recordFinished(db: MigrationQueryable, id: string): Promise<void> {
  await db.query(
    `UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1`,
    [id],
  );
}
