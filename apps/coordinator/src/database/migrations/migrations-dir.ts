import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './errors.js';

/**
 * `<repo>/prisma/migrations`, found by walking up from this module, because the module runs from
 * `src/` under Vitest and from `dist/` once built, at different depths.
 */
export function defaultMigrationsDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new MigrationError(
        'MIGRATIONS_DIR_NOT_FOUND',
        undefined,
        `no prisma/migrations directory above ${start}; ship prisma/migrations with the build or pass migrationsDir`,
      );
    }
    dir = parent;
  }
}
