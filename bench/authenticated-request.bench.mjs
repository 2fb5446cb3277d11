// GET /api/v1/me (verify the access token, look the session and its user up, answer) against the
// same server's bare GET /health/live: throughput and latency under load, and latency one request
// at a time.
import { startCoordinator } from './lib/coordinator.mjs';
import { registerAndLogIn } from './lib/http.mjs';
import { alternate, measureRaw, runProblems, summarise, warmUp } from './lib/load.mjs';
import { formatNumber } from './lib/report.mjs';

export const title = 'Authenticated request: GET /api/v1/me';

const CONNECTIONS = 10;

export default async function run(bench) {
  for (const mode of bench.modes) {
    bench.log(`-- ${mode.label}`);
    const coordinator = await startCoordinator({ mode });
    try {
      const { accessToken } = await registerAndLogIn(coordinator.url);
      const me = { url: coordinator.url, path: '/api/v1/me', headers: { authorization: `Bearer ${accessToken}` } };
      const health = { url: coordinator.url, path: '/health/live' };
      await warmUp({ ...health, connections: CONNECTIONS });
      await warmUp({ ...me, connections: CONNECTIONS }, 2);

      // Under load: as many requests as 10 connections push through; the two endpoints take turns.
      const loaded = `${CONNECTIONS} connections`;
      const [healthLoadedRaws, meLoadedRaws] = await alternate([
        () => measureRaw({ ...health, connections: CONNECTIONS, durationS: bench.seconds(3) }),
        () => measureRaw({ ...me, connections: CONNECTIONS, durationS: bench.seconds(3) }),
      ]);
      const healthLoaded = summarise(healthLoadedRaws);
      const meLoaded = summarise(meLoadedRaws);
      bench.figure({
        name: `req/s, GET /api/v1/me, ${loaded}`,
        mode: mode.id,
        value: meLoaded.perSecond,
        unit: 'req/s',
        baseline: { name: `GET /health/live, ${loaded}`, value: healthLoaded.perSecond, unit: 'req/s' },
        better: 'higher',
        notes: [...runProblems(meLoaded), ...runProblems(healthLoaded)],
      });
      for (const p of ['p50', 'p99']) {
        bench.figure({
          name: `${p} latency, GET /api/v1/me, ${loaded}`,
          mode: mode.id,
          value: meLoaded.latencyMs[p],
          unit: 'ms',
          baseline: { name: `GET /health/live, ${loaded}`, value: healthLoaded.latencyMs[p], unit: 'ms' },
          better: 'lower',
        });
      }

      // One request at a time: the cost of a single request, without queueing.
      const [healthAloneRaws, meAloneRaws] = await alternate([
        () => measureRaw({ ...health, connections: 1, durationS: bench.seconds(2) }),
        () => measureRaw({ ...me, connections: 1, durationS: bench.seconds(2) }),
      ]);
      const healthAlone = summarise(healthAloneRaws);
      const meAlone = summarise(meAloneRaws);
      for (const p of ['p50', 'p99']) {
        bench.figure({
          name: `${p} latency, GET /api/v1/me, 1 connection`,
          mode: mode.id,
          value: meAlone.latencyMs[p],
          unit: 'ms',
          baseline: { name: 'GET /health/live, 1 connection', value: healthAlone.latencyMs[p], unit: 'ms' },
          better: 'lower',
          notes: p === 'p50' ? [...runProblems(meAlone), ...runProblems(healthAlone)] : [],
        });
      }
      bench.log(
        `1 connection: ${formatNumber(meAlone.perSecond)} req/s for /api/v1/me, ` +
          `${formatNumber(healthAlone.perSecond)} req/s for /health/live`,
      );
      bench.context(mode.id, { meLoaded, healthLoaded, meAlone, healthAlone });
    } finally {
      await coordinator.stop();
    }
  }
}
