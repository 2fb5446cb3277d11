// Third-party programs a benchmark compares against (opentracker, coturn and its test tools):
// finding them, starting them on free loopback ports, waiting until they answer, and stopping them.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackProcess } from './coordinator.mjs';

const TAIL_LINES = 40;

/** The path of a binary from a Debian package, or an error saying how to install it. */
export function requireBinary(path, debianPackage) {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install it with \`apt-get install -y ${debianPackage}\``);
  }
  return path;
}

/**
 * A port that is free on 127.0.0.1 for both TCP and UDP at the moment of asking (another process
 * may still take it before the caller binds it; the caller's start-up then fails and says so).
 * With `pair`, port + 1 is free for UDP too (turnutils_peer listens on both).
 */
export async function freePort({ pair = false } = {}) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const tcp = createServer();
    tcp.listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const { port } = tcp.address();
    const ok = (await udpFree(port)) && (!pair || (port < 65535 && (await udpFree(port + 1))));
    await new Promise((resolve) => tcp.close(resolve));
    if (ok) return port;
  }
  throw new Error('no free port found on 127.0.0.1');
}

async function udpFree(port) {
  const socket = createSocket('udp4');
  try {
    socket.bind(port, '127.0.0.1');
    await once(socket, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

/**
 * Starts `command args` and waits until `ready()` resolves true (polled every 50 ms), failing if
 * the process exits first or `startTimeoutMs` passes. The process is tracked: it is stopped with
 * the coordinators after the benchmark, or on Ctrl-C. `stop()` sends SIGTERM, then SIGKILL, and
 * then runs `cleanup` (removing the process's temporary directory, say).
 */
export async function startExternal({
  command,
  args = [],
  name = command,
  ready,
  startTimeoutMs = 15_000,
  cwd,
  cleanup = async () => {},
}) {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = keepTail(child);
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      exited = true;
      resolve({ code: null, signal: null, error });
    });
  });
  const handle = trackProcess({
    pid: child.pid,
    name,
    tail: () => tail.lines(),
    async stop(graceMs = 5_000) {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
        }, graceMs);
        await exit;
        clearTimeout(killer);
      }
      await cleanup().catch(() => {});
      return exit;
    },
  });
  const until = performance.now() + startTimeoutMs;
  let lastError;
  while (!exited && performance.now() < until) {
    try {
      if (await ready()) return handle;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  await handle.stop();
  const status = await exit;
  const why = status.error
    ? `could not be started (${status.error.message})`
    : exited && performance.now() < until
      ? `exited (code ${status.code}, signal ${status.signal}) before it was ready`
      : `was not ready within ${startTimeoutMs} ms${lastError ? ` (${lastError.message})` : ''}`;
  throw new Error(`${name} ${why}; last output:\n${tail.lines().join('\n')}`);
}

/**
 * Runs `command args` to its end (killed after `timeoutMs`), tracked meanwhile; answers its exit
 * status, its whole output, and how long it ran. `onLine(line, atMs)` sees each stdout line as it
 * comes, with the time (performance.now()) it came.
 */
export async function runToEnd(command, args, { timeoutMs = 60_000, name = command, onLine } = {}) {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    output += chunk;
    if (!onLine) return;
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    const at = performance.now();
    for (const line of lines) onLine(line, at);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      exited = true;
      resolve({ code: null, signal: null, error });
    });
  });
  const handle = trackProcess({
    pid: child.pid,
    name,
    async stop() {
      if (!exited) child.kill('SIGKILL');
      return exit;
    },
  });
  const timer = setTimeout(() => {
    if (!exited) child.kill('SIGKILL');
  }, timeoutMs);
  const status = await exit;
  clearTimeout(timer);
  await handle.stop();
  if (status.error) throw new Error(`${name} could not be started: ${status.error.message}`);
  return { ...status, output, seconds: (performance.now() - started) / 1000, timedOut: status.signal === 'SIGKILL' };
}

function keepTail(child) {
  const lines = [];
  for (const [stream, source] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ]) {
    let rest = '';
    source.setEncoding('utf8').on('data', (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop();
      for (const line of parts) {
        lines.push(`${stream}: ${line}`);
        if (lines.length > TAIL_LINES) lines.shift();
      }
    });
  }
  return { lines: () => [...lines] };
}
