export type MigrationErrorCode =
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_FAILED'
  | 'MIGRATION_PREVIOUSLY_FAILED'
  | 'MIGRATION_FILE_MISSING'
  | 'MIGRATIONS_DIR_NOT_FOUND';

/**
 * Every refusal of the runner. The message starts with `<code>: <migration>` so that it stays
 * greppable in logs even when only the message survives.
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly code: MigrationErrorCode,
    readonly migration: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${migration === undefined ? detail : `${migration}: ${detail}`}`, options);
  }
}
