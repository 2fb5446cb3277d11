/** What the runner needs from one database connection. */
export interface MigrationQueryable {
  /** One statement, with bind parameters. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A whole migration script: several statements, no bind parameters. */
  execScript(sql: string): Promise<void>;
}

export interface MigrationSession extends MigrationQueryable {
  /** Commits when `fn` resolves, rolls back and rethrows when it rejects. */
  transaction<T>(fn: (tx: MigrationQueryable) => Promise<T>): Promise<T>;
}

/**
 * A database the runner can migrate. Implementations must make `withMigrationLock` exclusive
 * across every process that can reach the same database, so that replicas starting together
 * apply each migration once.
 */
export interface MigrationTarget {
  /** For logs only. */
  readonly kind: string;
  withMigrationLock<T>(fn: (session: MigrationSession) => Promise<T>): Promise<T>;
}
