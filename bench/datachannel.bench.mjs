// Data-channel throughput between two Node peer agents (two `shoal daemon` processes, connected
// through the coordinator's signalling, measured by `shoal speedtest`) against bare node-datachannel
// in two processes doing the same work, in the same run.
import { spawn, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, repoRoot } from './lib/coordinator.mjs';

export const title = 'Data-channel throughput between two peers';

const shoalBin = join(repoRoot, 'apps', 'peer', 'bin', 'shoal.js');
const PASSWORD = 'correct horse battery staple';

export default async function run(bench) {
  const bytes = bench.quick ? 32 * 1024 ** 2 : 256 * 1024 ** 2;
  const rounds = bench.quick ? 1 : 3;
  const coordinator = await startCoordinator({ mode: { id: 'embedded' } });
  const dir = await mkdtemp(join(tmpdir(), 'shoal-bench-dc-'));
  const daemons = [];
  try {
    const shoal = (dataDir, ...args) =>
      runCli([...args, '--coordinator', coordinator.url, '--data-dir', join(dir, dataDir)]);
    const suffix = Math.random().toString(36).slice(2, 8);
    const alice = `alice${suffix}`;
    const bob = `bob${suffix}`;
    await shoal('alice', 'account', 'register', '--username', alice, '--password', PASSWORD);
    await shoal('bob', 'account', 'register', '--username', bob, '--password', PASSWORD);
    await shoal('alice', 'contacts', 'add', `@${bob}`);
    await shoal('bob', 'contacts', 'accept', `@${alice}`);
    for (const who of ['alice', 'bob']) {
      daemons.push(
        await startDaemon(['daemon', '--json', '--coordinator', coordinator.url, '--data-dir', join(dir, who)]),
      );
    }

    const shoalRates = [];
    const bareRates = [];
    // Figure and baseline take turns, so other work on the machine lands on both.
    for (let round = 0; round < rounds; round += 1) {
      const out = await shoal('alice', 'speedtest', `@${bob}`, '--bytes', String(bytes), '--json');
      const result = JSON.parse(out.trim().split('\n').at(-1));
      if (!result.match) throw new Error(`speedtest digests differ: ${out}`);
      shoalRates.push(bytes / 1024 ** 2 / result.seconds);
      bareRates.push(await bareTransfer(bytes));
      bench.log(
        `round ${round + 1}: shoal ${shoalRates.at(-1).toFixed(1)} MiB/s, bare ${bareRates.at(-1).toFixed(1)} MiB/s`,
      );
    }
    const best = (xs) => Math.max(...xs);
    bench.figure({
      name: `${bytes / 1024 ** 2} MiB over a data channel between two shoal daemons (loopback, best of ${rounds})`,
      mode: 'embedded',
      value: best(shoalRates),
      unit: 'MiB/s',
      baseline: { name: 'bare node-datachannel, two processes, same work', value: best(bareRates), unit: 'MiB/s' },
      better: 'higher',
    });
    bench.context('rounds', { shoalRates, bareRates, bytes });
  } finally {
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(
      daemons.map((d) => new Promise((resolve) => (d.exitCode !== null ? resolve() : d.once('exit', resolve)))),
    );
    await coordinator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`shoal ${args.join(' ')}: ${code}\n${err}${out}`)),
    );
  });
}

/** Starts `shoal daemon` and waits for its first line that says it is online. */
function startDaemon(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [shoalBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d;
      if (/"event":"(online|ready)"|online/.test(out)) {
        child.stdout.off('data', onData);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`daemon exited ${code}: ${out}`)));
  });
}

/** One transfer between two bare node-datachannel processes; MiB/s from the first byte sent to the last received. */
async function bareTransfer(bytes) {
  const script = join(repoRoot, 'bench', 'lib', 'bare-datachannel-peer.mjs');
  const sender = fork(script, ['sender', String(bytes)], { stdio: 'ignore' });
  const receiver = fork(script, ['receiver', String(bytes)], { stdio: 'ignore' });
  try {
    sender.on('message', (m) => (m.sdp || m.candidate ? receiver.send(m) : undefined));
    receiver.on('message', (m) => (m.sdp || m.candidate ? sender.send(m) : undefined));
    const startedAt = new Promise((resolve) => sender.on('message', (m) => m.startedAt && resolve(m.startedAt)));
    const sent = new Promise((resolve) => sender.on('message', (m) => m.sha256 && resolve(m)));
    // A transfer that stalls fails the benchmark instead of hanging it.
    let timer;
    const received = await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('bare transfer stalled for 120 s')), 120_000);
      receiver.on('message', (m) => m.sha256 && resolve({ ...m, at: Date.now() }));
      sender.once('exit', (code) => code && reject(new Error(`bare sender exited ${code}`)));
    }).finally(() => clearTimeout(timer));
    const mine = await sent;
    if (mine.sha256 !== received.sha256 || received.received !== bytes) throw new Error('bare transfer corrupted');
    return bytes / 1024 ** 2 / ((received.at - (await startedAt)) / 1000);
  } finally {
    sender.kill();
    receiver.kill();
  }
}
