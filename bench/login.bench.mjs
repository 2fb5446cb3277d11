// Login throughput against the same server's bare GET /health/live, with argon2id's own cost
// (measured in this process, with the coordinator idle) as the bound that explains it.
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { NO_RATE_LIMITS, coordinatorMain, startCoordinator } from './lib/coordinator.mjs';
import { BENCH_USER, registerAndLogIn } from './lib/http.mjs';
import { alternate, measureRaw, runProblems, summarise, warmUp } from './lib/load.mjs';
import { formatNumber } from './lib/report.mjs';
import { median } from './lib/stats.mjs';

export const title = 'Login throughput';

const CONNECTIONS = 10;
const THREAD_POOL = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

export default async function run(bench) {
  const options = await coordinatorArgon2Options(bench);
  const passwordHash = await hash(BENCH_USER.password, options);
  const verifyOnce = async () => {
    if (!(await verify(passwordHash, BENCH_USER.password))) throw new Error('argon2 verify failed');
  };

  // argon2id alone, before any server runs: one at a time (the floor of a login's latency) and as
  // many at once as there are CPUs (the most this machine can verify).
  const serialMs = [];
  const serialUntil = performance.now() + bench.seconds(2) * 1000;
  while (performance.now() < serialUntil || serialMs.length < 5) {
    const t0 = performance.now();
    await verifyOnce();
    serialMs.push(performance.now() - t0);
  }
  const perCpu = await verificationsPerSecond(verifyOnce, availableParallelism(), bench.seconds(2));
  bench.log(
    `argon2id m=${options.memoryCost} KiB, t=${options.timeCost}, p=${options.parallelism} (the coordinator's parameters), ` +
      `in this process: ${formatNumber(median(serialMs))} ms a verification one at a time (median of ${serialMs.length}); ` +
      `${formatNumber(perCpu.perSecond)} verifications/s with ${availableParallelism()} at once (one a CPU)`,
  );
  bench.context('argon2id', { options, serialMedianMs: median(serialMs), serialCount: serialMs.length, perCpu });

  for (const mode of bench.modes) {
    bench.log(`-- ${mode.label}`);
    const coordinator = await startCoordinator({ mode, env: NO_RATE_LIMITS });
    try {
      await registerAndLogIn(coordinator.url);
      const login = {
        url: coordinator.url,
        method: 'POST',
        path: '/api/v1/auth/login',
        body: BENCH_USER,
        connections: CONNECTIONS,
      };
      const health = { url: coordinator.url, path: '/health/live', connections: CONNECTIONS };
      await warmUp(health);
      await warmUp(login, 2);

      // Health, logins and argon2id alone (the server idle meanwhile) take turns, twice over.
      const [healthRaws, loginRaws, argon2Runs] = await alternate([
        () => measureRaw({ ...health, durationS: bench.seconds(3) }),
        () => measureRaw({ ...login, durationS: bench.seconds(5) }),
        () => verificationsPerSecond(verifyOnce, CONNECTIONS, bench.seconds(2)),
      ]);
      const healthRun = summarise(healthRaws);
      const loginRun = summarise(loginRaws);
      const argon2 = {
        done: argon2Runs.reduce((s, r) => s + r.done, 0),
        seconds: argon2Runs.reduce((s, r) => s + r.seconds, 0),
      };
      argon2.perSecond = argon2.done / argon2.seconds;

      bench.figure({
        name: `logins/s, POST /api/v1/auth/login, ${CONNECTIONS} connections`,
        mode: mode.id,
        value: loginRun.perSecond,
        unit: 'logins/s',
        baseline: { name: `GET /health/live, ${CONNECTIONS} connections`, value: healthRun.perSecond, unit: 'req/s' },
        better: 'higher',
        notes: [...runProblems(loginRun), ...runProblems(healthRun)],
      });
      bench.figure({
        name: 'logins/s against argon2id verifications/s outside the server',
        mode: mode.id,
        value: loginRun.perSecond,
        unit: 'logins/s',
        baseline: {
          name: `argon2id verify in one Node process, ${CONNECTIONS} at once on libuv's ${THREAD_POOL} threads, as in the server`,
          value: argon2.perSecond,
          unit: 'verifications/s',
        },
        better: 'higher',
      });
      bench.log(
        `login latency at ${CONNECTIONS} connections: p50 ${formatNumber(loginRun.latencyMs.p50)} ms, ` +
          `p99 ${formatNumber(loginRun.latencyMs.p99)} ms (${loginRun.ok} logins in ${loginRun.durationS} s)`,
      );
      bench.context(mode.id, { login: loginRun, health: healthRun, argon2 });
    } finally {
      await coordinator.stop();
    }
  }
}

/** `inFlight` verifications kept going for `seconds`; @node-rs/argon2 runs them on libuv's pool. */
async function verificationsPerSecond(verifyOnce, inFlight, seconds) {
  let done = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        await verifyOnce();
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { inFlight, done, seconds: elapsed, perSecond: done / elapsed };
}

/** The coordinator's own parameters, so this context cannot drift from what the server does. */
async function coordinatorArgon2Options(bench) {
  const file = new URL('../apps/coordinator/dist/auth/password-hasher.js', import.meta.url);
  try {
    const { ARGON2_OPTIONS } = await import(file.href);
    if (ARGON2_OPTIONS) return { ...ARGON2_OPTIONS };
  } catch {
    // fall through
  }
  bench.problem(`could not read ARGON2_OPTIONS next to ${coordinatorMain}; using OWASP's m=19 MiB, t=2, p=1`);
  return { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
}
