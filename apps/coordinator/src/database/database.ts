import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from 'pino';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, defaultMigrationsDir, pgliteMigrationTarget, pgMigrationTarget } from './migrations/index.js';

/** The relational store, in either mode, behind one face. */
export interface Database {
  readonly kind: 'embedded' | 'postgres';
  readonly prisma: PrismaClient;
  ping(): Promise<void>;
  /** Disconnects; for the embedded database, flushes and closes its files. */
  close(): Promise<void>;
}

export async function openDatabase(
  config: CoordinatorConfig['database'],
  logger: Logger,
  options: { migrationsDir?: string } = {},
): Promise<Database> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const log = (msg: string, fields: Record<string, unknown> = {}) => {
    const { severity, ...rest } = fields;
    if (severity === 'warn') logger.warn(rest, msg);
    else logger.info(rest, msg);
  };

  if (config.kind === 'embedded') {
    if (!config.path.startsWith('memory://')) await mkdir(config.path, { recursive: true });
    const db = await PGlite.create(config.path);
    try {
      const { applied } = await applyMigrations(pgliteMigrationTarget(db), { migrationsDir, log });
      logger.info({ path: config.path, applied }, 'embedded database ready');
    } catch (error) {
      await db.close();
      throw error;
    }
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    return {
      kind: 'embedded',
      prisma,
      ping: async () => {
        await db.query('SELECT 1');
      },
      close: async () => {
        await prisma.$disconnect();
        await db.close();
      },
    };
  }

  const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener that
  // would crash the process. Queries on new clients report the failure instead.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client failed'));
  try {
    const { applied } = await applyMigrations(pgMigrationTarget(pool), { migrationsDir, log });
    logger.info({ applied }, 'PostgreSQL ready');
  } catch (error) {
    await pool.end();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
