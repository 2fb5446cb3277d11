import type { Pool, PoolClient } from 'pg';
import type { MigrationQueryable, MigrationSession, MigrationTarget } from './target.js';

/**
 * Advisory lock key for migration runs: the first 8 bytes of SHA-256("shoal-migrations") as a
 * signed big-endian int64 (a spec checks the derivation). It differs from the key Prisma's own
 * `migrate deploy` uses, so do not run both against one database at the same moment.
 */
export const MIGRATION_LOCK_KEY = '3258505409462604696';

export function pgMigrationTarget(pool: Pool): MigrationTarget {
  return {
    kind: 'postgresql',
    async withMigrationLock(fn) {
      // Session-level advisory locks belong to one connection: lock, migrate and unlock on the
      // same client, never through the pool.
      const client = await pool.connect();
      const state: ClientState = {};
      try {
        await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
        try {
          return await fn(pgSession(client, state));
        } finally {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch((err: unknown) => {
            state.broken ??= toError(err);
          });
        }
      } finally {
        // Destroying a connection whose unlock or rollback failed is what guarantees that the
        // server drops the lock and any open transaction, instead of pooling them for later.
        client.release(state.broken);
      }
    },
  };
}

interface ClientState {
  broken?: Error;
}

function pgQueryable(client: PoolClient): MigrationQueryable {
  return {
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as Row[];
    },
    async execScript(sql) {
      // Without parameters node-postgres uses the simple query protocol, which accepts a whole
      // multi-statement script in one round trip.
      await client.query(sql);
    },
  };
}

function pgSession(client: PoolClient, state: ClientState): MigrationSession {
  const queryable = pgQueryable(client);
  return {
    ...queryable,
    async transaction(fn) {
      await client.query('BEGIN');
      let result;
      try {
        result = await fn(queryable);
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          state.broken ??= toError(rollbackErr);
        });
        throw err;
      }
      await client.query('COMMIT');
      return result;
    },
  };
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
