import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationChecksum } from './checksum.js';
import { MigrationError } from './errors.js';

export interface MigrationFile {
  /** The directory name, e.g. `20261125000000_init`; also the `migration_name` Prisma records. */
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Reads `<dir>/<name>/migration.sql` for every sub-directory, in the order Prisma applies them
 * (plain code-unit order of the names, which the timestamp prefix makes chronological).
 */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // An empty result here would let a misconfigured deployment start on an unmigrated schema.
    throw new MigrationError('MIGRATIONS_DIR_NOT_FOUND', undefined, `cannot read ${dir}`, { cause: err });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, name, 'migration.sql'));
      } catch (err) {
        // Prisma refuses such a directory too; skipping it would make the two disagree.
        throw new MigrationError('MIGRATION_FILE_MISSING', name, `no readable migration.sql in ${join(dir, name)}`, {
          cause: err,
        });
      }
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
}
