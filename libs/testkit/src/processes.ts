import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * Throws, so the test FAILS with the reason, when a third-party binary is missing: an interop test
 * that skips silently proves nothing.
 */
export function requireBinary(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      `${name} is not installed: install the Debian package "${debianPackage}" (apt-get install -y ${debianPackage})`,
    );
  }
  return path;
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Child processes started by a test file; `killAll()` in afterAll ends whatever is still running. */
export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();

  /** Runs to completion (or until `timeoutMs`, then killed) and gives stdout and stderr together. */
  run(command: string, args: readonly string[], timeoutMs = 60_000): Promise<Finished> {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    return new Promise((resolve, reject) => {
      child.once('error', (error) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ code, signal, output });
      });
    });
  }

  /** Starts a long-running process (a daemon for the test); ended by `killAll()`. */
  start(command: string, args: readonly string[]): ChildProcess {
    const child = spawn(command, args, { stdio: 'ignore' });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    return child;
  }

  killAll(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    }
    this.children.clear();
  }
}
