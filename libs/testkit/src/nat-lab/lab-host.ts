import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { inNamespace } from './netns.js';
import { childEnv, execFile } from './shell.js';
import type { ExecOptions, ExecResult } from './shell.js';

export interface LabSpawnOptions {
  /** Added to (and overriding) this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Default: stdin ignored, stdout and stderr piped. */
  stdio?: StdioOptions;
}

/** The processes a lab started, so that `destroy()` can end them before removing namespaces. */
export class ProcessTracker {
  private readonly children = new Set<ChildProcess>();

  add(child: ChildProcess): ChildProcess {
    this.children.add(child);
    const forget = () => this.children.delete(child);
    child.once('exit', forget);
    child.once('error', forget);
    return child;
  }

  /** SIGTERM, then SIGKILL for whatever still runs after `graceMs`. */
  async stopAll(graceMs = 2_000): Promise<void> {
    const running = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    if (running.length === 0) return;
    const exits = running.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
    for (const child of running) child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([Promise.all(exits), timer])) === 'timeout') {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    }
    this.children.clear();
  }
}

/** A machine of the lab: one network namespace, where commands run. */
export class LabHost {
  constructor(
    /** What the lab calls it: `public`, a home's name, or `<home>-router`. */
    readonly name: string,
    /** The network namespace (`ip netns exec <namespace> ...`). */
    readonly namespace: string,
    /** Its address: where others in the lab reach it. */
    readonly address: string,
    private readonly tracker: ProcessTracker,
  ) {}

  /**
   * Runs a command in this host's namespace to completion (killed after `timeoutMs`, default 60 s).
   * Resolves whatever the exit code: the caller asserts on it.
   */
  exec(command: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    const [ip, ipArgs] = inNamespace(this.namespace, command, args);
    return execFile(ip, ipArgs, options);
  }

  /** Runs a script with this process's Node (Node 24, not the system's) in this namespace. */
  execNode(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(process.execPath, args, options);
  }

  /**
   * Starts a long-running command in this namespace. The child's pid is the command's own
   * (`ip netns exec` execs it), so `child.kill()` reaches it; the lab ends it on `destroy()`.
   */
  spawn(command: string, args: readonly string[] = [], options: LabSpawnOptions = {}): ChildProcess {
    const [ip, ipArgs] = inNamespace(this.namespace, command, args);
    return this.tracker.add(
      spawn(ip, ipArgs, {
        env: childEnv(options.env),
        stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      }),
    );
  }

  /** Starts a Node script (this process's Node) in this namespace. */
  spawnNode(args: readonly string[], options: LabSpawnOptions = {}): ChildProcess {
    return this.spawn(process.execPath, args, options);
  }
}
