import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, repoRoot } from './repo.js';

export interface CoordinatorProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Every line the process printed so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface CoordinatorProcessOptions {
  timeoutMs?: number;
  /**
   * Runs the coordinator inside this network namespace (`ip netns exec`), e.g. a NAT lab's public
   * host; give it `HOST` (an address of that namespace) in `env`. Default: this machine's.
   */
  netns?: string;
}

/**
 * Starts `apps/coordinator/dist/main.js` as its own process on a free port and waits until it
 * says where it listens. The caller gives the environment (data dir, database, secrets).
 */
export async function startCoordinatorProcess(
  env: Record<string, string | undefined>,
  options: CoordinatorProcessOptions = {},
): Promise<CoordinatorProcess> {
  ensureBuilt();
  const main = path.join(repoRoot(), 'apps', 'coordinator', 'dist', 'main.js');
  // `ip netns exec` execs Node itself, so the child's pid is still the coordinator's.
  const [command, args] = options.netns
    ? ['ip', ['netns', 'exec', options.netns, process.execPath, main]]
    : [process.execPath, [main]];
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      TURN_PORT: '0',
      DHT_PORT: '0',
      DHT_BOOTSTRAP: 'none',
      TRACKER_UDP_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const listening = new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A coordinator that never said where it listens is killed, not left behind.
      child.kill('SIGKILL');
      reject(new Error(`coordinator did not start within ${options.timeoutMs ?? 30_000} ms:\n${lines.join('\n')}`));
    }, options.timeoutMs ?? 30_000);
    const onLine = (line: string) => {
      lines.push(line);
      try {
        const entry = JSON.parse(line) as { url?: string; port?: number; msg?: string };
        if (entry.url && entry.port && entry.msg?.startsWith('coordinator listening')) {
          clearTimeout(timer);
          resolve({ url: entry.url, port: entry.port });
        }
      } catch {
        // Not a JSON log line (e.g. a start-up failure on stderr): kept in `lines`.
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          onLine(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`coordinator exited (${code}) before listening:\n${lines.join('\n')}`));
    });
  });
  const { url, port } = await listening;
  return {
    url,
    port,
    pid: child.pid!,
    child,
    lines,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
