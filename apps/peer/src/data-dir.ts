import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The peer agent's data dir: `$XDG_DATA_HOME/shoal`, or `~/.local/share/shoal`. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'shoal');
}

/** Files in the data dir hold keys and tokens: the dir is 0700 and every file 0600. */
export class DataDir {
  constructor(readonly root: string) {}

  file(name: string): string {
    return path.join(this.root, name);
  }

  async readJson(name: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.file(name), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read ${this.file(name)}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes atomically (temp file + rename), so a crash never leaves half a key file. */
  async writeJson(name: string, value: unknown): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const target = this.file(name);
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, target);
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }
}
