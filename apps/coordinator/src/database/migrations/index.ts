export { applyMigrations, type ApplyMigrationsOptions, type MigrationLog } from './apply-migrations.js';
export { MigrationError, type MigrationErrorCode } from './errors.js';
export { defaultMigrationsDir } from './migrations-dir.js';
export { pgMigrationTarget } from './pg-target.js';
export { pgliteMigrationTarget } from './pglite-target.js';
export { readMigrations, type MigrationFile } from './read-migrations.js';
export type { MigrationQueryable, MigrationSession, MigrationTarget } from './target.js';
