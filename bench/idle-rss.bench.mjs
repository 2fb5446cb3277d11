// The idle coordinator's resident memory against a bare Node HTTP server started the same way.
import { setTimeout as sleep } from 'node:timers/promises';
import { startBareServer, startCoordinator } from './lib/coordinator.mjs';
import { registerAndLogIn, requestJson } from './lib/http.mjs';
import { memoryOf } from './lib/proc.mjs';
import { formatValue } from './lib/report.mjs';
import { median } from './lib/stats.mjs';

export const title = 'Idle coordinator memory (RSS)';
/** A memory figure: other work on the CPUs does not skew it the way it skews timings. */
export const timingSensitive = false;

const GETS = 10;

export default async function run(bench) {
  const idleS = bench.seconds(6);

  // The baseline: the same Node, the same start-up path (spawned with PORT=0, waited for its URL),
  // as many requests, the same idle time.
  const bare = await startBareServer();
  let baseline;
  try {
    for (let i = 0; i < GETS + 2; i += 1) await expectOk(requestJson(`${bare.url}/health/live`));
    baseline = await idleMemory(bare.pid, idleS);
  } finally {
    await bare.stop();
  }
  bench.log(`bare Node HTTP server: ${describe(baseline)}`);
  bench.context('bareServer', baseline);

  for (const mode of bench.modes) {
    const coordinator = await startCoordinator({ mode });
    let memory;
    try {
      // A few requests down the real paths: register and log in (argon2id, database writes),
      // then authenticated reads and health checks.
      const { accessToken } = await registerAndLogIn(coordinator.url);
      for (let i = 0; i < GETS / 2; i += 1) {
        await expectOk(requestJson(`${coordinator.url}/api/v1/me`, { token: accessToken }));
        await expectOk(requestJson(`${coordinator.url}/health/live`));
      }
      memory = await idleMemory(coordinator.pid, idleS);
    } finally {
      await coordinator.stop();
    }
    bench.log(`coordinator [${mode.id}]: ${describe(memory)}`);
    bench.figure({
      name: `RSS of the idle coordinator, after start-up, ${GETS + 2} requests and ${idleS} s idle`,
      mode: mode.id,
      value: memory.rss,
      unit: 'bytes',
      baseline: { name: 'bare Node HTTP server, same start and requests', value: baseline.rss, unit: 'bytes' },
      better: 'lower',
    });
    bench.context(mode.id, memory);
  }
}

/** Waits `idleS` seconds, sampling /proc over the last two; answers the median sample. */
async function idleMemory(pid, idleS) {
  const sampleFromMs = Math.max(0, idleS - 2) * 1000;
  await sleep(sampleFromMs);
  const samples = [];
  const until = performance.now() + (idleS * 1000 - sampleFromMs);
  while (performance.now() < until) {
    samples.push(memoryOf(pid));
    await sleep(200);
  }
  const pick = (key) => median(samples.map((s) => s[key]));
  return { rss: pick('rss'), anon: pick('anon'), file: pick('file'), hwm: samples.at(-1).hwm, samples: samples.length };
}

function describe(m) {
  return `RSS ${formatValue(m.rss, 'bytes')} (anonymous ${formatValue(m.anon, 'bytes')}, file-backed ${formatValue(m.file, 'bytes')}), peak ${formatValue(m.hwm, 'bytes')}`;
}

async function expectOk(pending) {
  const { status, text } = await pending;
  if (status !== 200) throw new Error(`expected 200, got ${status}: ${text}`);
}
