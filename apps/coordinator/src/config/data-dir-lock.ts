import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The embedded database's files may be opened by one process only. A pid file in the data dir
 * stops a second coordinator with a clear message instead of corrupting the database; a pid file
 * left by a process that no longer runs is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'coordinator.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
        throw new Error(`another coordinator (pid ${pid}) is using ${dataDir}; stop it or set SHOAL_DATA_DIR`, {
          cause: error,
        });
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`cannot lock ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
