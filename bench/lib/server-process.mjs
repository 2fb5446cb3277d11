import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const TAIL_LINES = 40;

/**
 * Starts `node <script>` (the same Node that runs the benchmarks) and waits for the JSON log line
 * that announces where it listens: a line whose `msg` contains "listening on" and that carries a
 * `url` field, as the coordinator logs it with PORT=0. stdout and stderr are drained for the whole
 * life of the process (a full pipe would stall it), keeping the last lines for error messages.
 */
export async function startServerProcess({ script, args = [], env, name = script, startTimeoutMs = 60_000 }) {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const remember = (stream) => (line) => {
    tail.push(`${stream}: ${line}`);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', remember('stderr'));
  const stdout = createInterface({ input: child.stdout });

  let exited = false;
  const exit = once(child, 'exit').then(([code, signal]) => {
    exited = true;
    return { code, signal };
  });

  // Every "... listening on ..." line, e.g. the coordinator's UDP tracker and STUN/TURN ports.
  const listening = [];
  const announced = new Promise((resolve) => {
    stdout.on('line', (line) => {
      remember('stdout')(line);
      if (!line.startsWith('{')) return;
      try {
        const entry = JSON.parse(line);
        if (!String(entry.msg).includes('listening on')) return;
        listening.push(entry);
        if (typeof entry.url === 'string') resolve(entry);
      } catch {
        // not a JSON log line
      }
    });
  });

  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), startTimeoutMs);
  });
  const first = await Promise.race([announced, exit.then((e) => ({ exitedWith: e })), timeout]);
  clearTimeout(timer);
  if (first === 'timeout' || first.exitedWith) {
    if (!exited) child.kill('SIGKILL');
    const why =
      first === 'timeout'
        ? `did not announce its URL within ${startTimeoutMs} ms`
        : `exited (code ${first.exitedWith.code}, signal ${first.exitedWith.signal}) before listening`;
    throw new Error(`${name} ${why}; last output:\n${tail.join('\n')}`);
  }

  return {
    pid: child.pid,
    url: first.url.replace(/\/$/, ''),
    announcement: first,
    tail: () => [...tail],
    /** The first "listening on" log entry whose message matches `pattern`, or undefined. */
    listeningLine: (pattern) => listening.find((entry) => pattern.test(String(entry.msg))),
    /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit status. */
    async stop(graceMs = 25_000) {
      if (exited) return exit;
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      const status = await exit;
      clearTimeout(killer);
      return status;
    },
  };
}
