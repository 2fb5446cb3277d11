import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { MigrationQueryable, MigrationTarget } from './target.js';

// PGlite is one Postgres session inside this process, so an advisory lock would always be granted
// to itself; only callers sharing the same instance can race, and a per-instance queue stops them.
const queues = new WeakMap<PGlite, Promise<void>>();

export function pgliteMigrationTarget(db: PGlite): MigrationTarget {
  return {
    kind: 'pglite',
    async withMigrationLock(fn) {
      const previous = queues.get(db) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      const mine = previous.then(() => done);
      queues.set(db, mine);
      await previous;
      try {
        return await fn({
          ...pgliteQueryable(db),
          // PGlite's own transaction() also keeps other users of the instance from interleaving
          // statements into the migration, which a bare BEGIN/COMMIT would not.
          transaction: (body) => db.transaction((tx) => body(pgliteQueryable(tx))),
        });
      } finally {
        release();
        if (queues.get(db) === mine) queues.delete(db);
      }
    },
  };
}

function pgliteQueryable(db: PGlite | Transaction): MigrationQueryable {
  return {
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, [...params]);
      return result.rows;
    },
    async execScript(sql) {
      await db.exec(sql);
    },
  };
}
