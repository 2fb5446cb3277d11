import { performance } from 'node:perf_hooks';
import { checksumMatches } from './checksum.js';
import { MigrationError } from './errors.js';
import {
  ensureMigrationsTable,
  readMigrationRecords,
  recordFinished,
  recordStarted,
  type MigrationRecord,
} from './prisma-migrations-table.js';
import { readMigrations, type MigrationFile } from './read-migrations.js';
import type { MigrationSession, MigrationTarget } from './target.js';

export type MigrationLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface ApplyMigrationsOptions {
  migrationsDir: string;
  /** Warnings carry `severity: 'warn'` in their fields (not `level`, which pino reserves); the rest is informational. */
  log?: MigrationLog;
}

/**
 * Brings the database up to the migrations in `migrationsDir`, each in its own transaction with
 * its `_prisma_migrations` row. Refuses to touch anything when an applied migration was edited
 * or a previous run by Prisma left one half-applied: both need a human decision.
 */
export async function applyMigrations(
  target: MigrationTarget,
  options: ApplyMigrationsOptions,
): Promise<{ applied: string[] }> {
  const log: MigrationLog = options.log ?? (() => {});
  const files = await readMigrations(options.migrationsDir);

  return target.withMigrationLock(async (session) => {
    await ensureMigrationsTable(session);
    // Read under the lock: a replica that waited must see what the previous holder applied.
    const records = await readMigrationRecords(session);
    const pending = planPending(files, records, log);

    const applied: string[] = [];
    for (const file of pending) {
      await applyOne(session, file, log);
      applied.push(file.name);
    }
    log(applied.length === 0 ? 'database schema is up to date' : 'database migrations applied', {
      target: target.kind,
      applied,
      known: files.length,
    });
    return { applied };
  });
}

function planPending(files: MigrationFile[], records: MigrationRecord[], log: MigrationLog): MigrationFile[] {
  // Rows Prisma marked rolled back (`migrate resolve --rolled-back`) no longer count at all.
  const live = records.filter((record) => !record.rolledBack);
  const appliedByName = new Map<string, MigrationRecord>();
  for (const record of live) {
    if (record.finished && !appliedByName.has(record.migrationName)) appliedByName.set(record.migrationName, record);
  }

  const failed = live.find((record) => !record.finished && !appliedByName.has(record.migrationName));
  if (failed) {
    throw new MigrationError(
      'MIGRATION_PREVIOUSLY_FAILED',
      failed.migrationName,
      'an earlier run (probably `prisma migrate deploy`) started this migration and never finished it; ' +
        'check the database by hand, then mark it with `prisma migrate resolve --applied|--rolled-back`',
    );
  }

  const fileNames = new Set(files.map((file) => file.name));
  for (const name of appliedByName.keys()) {
    if (!fileNames.has(name)) {
      // Typically an older build starting against a database a newer build already migrated.
      log('applied migration has no file in the migrations directory', { severity: 'warn', migration: name });
    }
  }

  for (const file of files) {
    const record = appliedByName.get(file.name);
    if (record && !checksumMatches(record.checksum, file.sql)) {
      throw new MigrationError(
        'MIGRATION_CHECKSUM_MISMATCH',
        file.name,
        `the file changed after it was applied (recorded ${record.checksum}, file ${file.checksum}); ` +
          'restore it and put the change in a new migration',
      );
    }
  }

  return files.filter((file) => !appliedByName.has(file.name));
}

async function applyOne(session: MigrationSession, file: MigrationFile, log: MigrationLog): Promise<void> {
  const started = performance.now();
  try {
    await session.transaction(async (tx) => {
      const id = await recordStarted(tx, file.name, file.checksum);
      await tx.execScript(file.sql);
      await recordFinished(tx, id);
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError('MIGRATION_FAILED', file.name, `rolled back: ${reason}`, { cause: err });
  }
  log('database migration applied', {
    migration: file.name,
    durationMs: Math.round(performance.now() - started),
  });
}
