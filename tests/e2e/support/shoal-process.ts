import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, repoRoot } from '@shoal/testkit';

/** A long-running `shoal` command (e.g. `shoal daemon --json`), its output parsed line by line. */
export interface ShoalProcess {
  child: ChildProcess;
  /** Every stdout line parsed as JSON (lines that are not JSON are skipped). */
  events: Record<string, unknown>[];
  stderr: string[];
  /** Resolves with the first event (counting from `from`) that matches, or rejects after `timeoutMs`. */
  waitFor(
    what: string,
    match: (event: Record<string, unknown>) => boolean,
    options?: { timeoutMs?: number; from?: number },
  ): Promise<Record<string, unknown>>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  exited: Promise<number | string>;
}

export function startShoal(args: string[], env: Record<string, string | undefined> = {}): ShoalProcess {
  ensureBuilt();
  const bin = path.join(repoRoot(), 'apps', 'peer', 'bin', 'shoal.js');
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const w of waiters) w();
    });
  });
  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
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
  };
  lines(child.stdout!, (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return;
    }
    for (const w of waiters) w();
  });
  lines(child.stderr!, (line) => stderr.push(line));

  const waitFor: ShoalProcess['waitFor'] = (what, match, options = {}) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = events.slice(options.from ?? 0).find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`shoal ${args[0]} exited before ${what}:\n${stderr.join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; events: ${JSON.stringify(events.map((e) => e.event))}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  };

  return {
    child,
    events,
    stderr,
    waitFor,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
