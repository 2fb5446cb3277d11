import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { TrustedUser, TrustStore } from './trust-store.js';

const TrustFileSchema = z.object({
  version: z.literal(1),
  users: z.record(
    z.string(),
    z.object({
      username: z.string(),
      userId: z.string().optional(),
      devices: z.record(z.string(), z.string()),
      firstSeen: z.string(),
      verifiedAt: z.string().optional(),
    }),
  ),
});
type TrustFile = z.infer<typeof TrustFileSchema>;

/**
 * Trust kept in a JSON file (Node), e.g. `trust.json` in the peer agent's data dir. The file is
 * read on every lookup, so a running daemon sees what `shoal contacts verify --confirm` wrote;
 * writes are atomic (temp file and rename) and private (0600).
 */
export class FileTrustStore implements TrustStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(username: string): Promise<TrustedUser | undefined> {
    return (await this.read()).users[username];
  }

  async list(): Promise<TrustedUser[]> {
    return Object.values((await this.read()).users);
  }

  put(user: TrustedUser): Promise<void> {
    // One write at a time within the process: each one reads what the previous one wrote.
    const next = this.writing.then(async () => {
      const data = await this.read();
      data.users[user.username] = user;
      await this.write(data);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<TrustFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, users: {} };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = TrustFileSchema.safeParse(json);
    // A damaged trust file must not turn into "trust everyone anew": stop and say so.
    if (!parsed.success) throw new Error(`${this.file} is damaged; fix or remove it (keys will be trusted anew)`);
    return parsed.data;
  }

  private async write(data: TrustFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }
}
