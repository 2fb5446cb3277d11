import { createHash } from 'node:crypto';

/** The checksum Prisma stores in `_prisma_migrations.checksum`: SHA-256 of the file's bytes, hex. */
export function migrationChecksum(script: Uint8Array | string): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Prisma also accepts the checksum of the script with its line endings flipped, because a Git
 * checkout with `core.autocrlf` changes the bytes without changing the migration. Matching its
 * rule keeps this runner and `prisma migrate deploy` agreeing on which files were edited.
 */
export function checksumMatches(recorded: string, script: string): boolean {
  if (migrationChecksum(script) === recorded) return true;
  const withLf = script.replaceAll('\r\n', '\n');
  if (withLf !== script) return migrationChecksum(withLf) === recorded;
  return migrationChecksum(script.replaceAll('\n', '\r\n')) === recorded;
}
