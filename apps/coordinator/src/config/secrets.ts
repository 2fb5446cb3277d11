import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const SecretsFileSchema = z.object({
  jwtSecret: z.string().min(32).optional(),
  turnSecret: z.string().min(16).optional(),
});

export interface ResolvedSecrets {
  jwtSecret: string;
  turnSecret: string;
  /** Names of the secrets generated in this call (and stored in the data dir). */
  generated: string[];
  file: string;
}

/**
 * Secrets come from the environment; those that were not given are generated once and kept in
 * `<dataDir>/secrets.json` (mode 0600), so tokens stay valid across restarts.
 */
export async function resolveSecrets(
  dataDir: string,
  given: { jwtSecret?: string; turnSecret?: string },
): Promise<ResolvedSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: z.infer<typeof SecretsFileSchema> = {};
  try {
    stored = SecretsFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const generated: string[] = [];
  const pick = (name: 'jwtSecret' | 'turnSecret', fromEnv?: string): string => {
    if (fromEnv) return fromEnv;
    const existing = stored[name];
    if (existing) return existing;
    generated.push(name);
    const value = randomBytes(32).toString('base64url');
    stored[name] = value;
    return value;
  };
  const jwtSecret = pick('jwtSecret', given.jwtSecret);
  const turnSecret = pick('turnSecret', given.turnSecret);
  if (generated.length > 0) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, file);
  }
  return { jwtSecret, turnSecret, generated, file };
}
