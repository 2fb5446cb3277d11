// The coordinator's BitTorrent tracker against opentracker (Debian's package) in the same run:
// announces/s over HTTP (GET /announce) and over UDP (BEP 15), the same load generator for both,
// and the server CPU time each announce costs. Memory store (embedded) and Redis store.
import { startCoordinator } from './lib/coordinator.mjs';
import { measureOneShot } from './lib/http-oneshot.mjs';
import { alternate, runProblems, summarise } from './lib/load.mjs';
import { loadGeneratorNote, withCpu } from './lib/proc.mjs';
import { formatNumber } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import {
  announcePaths,
  isAnnounceAnswer,
  makePopulation,
  roundRobin,
  startOpentracker,
  trackerClientCodec,
  udpAnnounceLoad,
} from './lib/tracker.mjs';
import { summariseUdp, udpClosedLoop, udpProblems } from './lib/udp-load.mjs';

export const title = 'Tracker announces/s, HTTP and UDP, against opentracker';

const TORRENTS = 500;
const PEERS_PER_TORRENT = 20;
const HTTP_CONNECTIONS = 10;
const UDP_CLIENTS = 16;
/** Announces a minute per address: the benchmark comes from one address, and must never meet it. */
const NO_TRACKER_RATE_LIMIT = { TRACKER_RATE_PER_ADDRESS: '100000000' };

export default async function run(bench) {
  const codec = await trackerClientCodec();
  const { infoHashes, peers } = makePopulation({ torrents: TORRENTS, peersPerTorrent: PEERS_PER_TORRENT });
  const startedPaths = announcePaths(peers, { event: 'started' });
  const updatePaths = announcePaths(peers);
  bench.log(
    `${TORRENTS} swarms of ${PEERS_PER_TORRENT} peers (${peers.length} announce URLs, compact=1, numwant=50), ` +
      'all announced once (event=started) to each tracker before measuring; then announces without an event, ' +
      'peers taken in turn',
  );
  bench.log(
    `HTTP: ${HTTP_CONNECTIONS} at once, a new TCP connection for every announce (Connection: close; ` +
      'opentracker closes after each answer anyway, and clients announce minutes apart); ' +
      `UDP: ${UDP_CLIENTS} sockets, each connects once (BEP 15) and keeps one announce in flight`,
  );

  const opentracker = await startOpentracker(infoHashes);
  try {
    await fill(opentracker.url, startedPaths);
    for (const mode of bench.modes) {
      bench.log(`-- ${mode.label}`);
      const coordinator = await startCoordinator({ mode, env: NO_TRACKER_RATE_LIMIT });
      try {
        const udpLine = coordinator.listeningLine(/UDP tracker listening on/);
        if (!udpLine?.port) throw new Error('the coordinator did not log "UDP tracker listening on host:port"');
        await fill(coordinator.url, startedPaths);
        const servers = [
          {
            name: 'opentracker',
            pid: opentracker.pid,
            url: opentracker.url,
            host: '127.0.0.1',
            udpPort: opentracker.udpPort,
          },
          { name: 'coordinator', pid: coordinator.pid, url: coordinator.url, host: '127.0.0.1', udpPort: udpLine.port },
        ];

        // HTTP: each server gets its own walk through the peers, so every swarm is announced to.
        const httpPhase = (server, nextPath, durationS) =>
          withCpu([server.pid], () =>
            measureOneShot({
              url: server.url,
              nextPath,
              verifyBody: isAnnounceAnswer,
              connections: HTTP_CONNECTIONS,
              durationS,
            }),
          );
        const walks = servers.map(() => roundRobin(updatePaths));
        for (const [i, server] of servers.entries()) await httpPhase(server, walks[i], 0.5);
        const http = (
          await alternate(servers.map((server, i) => () => httpPhase(server, walks[i], bench.seconds(2))))
        ).map((phases) => ({ run: summarise(phases.map((p) => p.result)), cpu: sumCpu(phases) }));
        reportPair(bench, mode, 'HTTP GET /announce', `${HTTP_CONNECTIONS} connections`, http, (r) => r.run.ok, {
          perSecond: (r) => r.run.perSecond,
          latencies: (r) => r.run.latencyMs,
          problems: (r) => runProblems(r.run),
        });

        // UDP: the same peers in turn, one announce in flight per socket.
        const udpPhase = (server, nextPeer, durationS) =>
          withCpu([server.pid], () =>
            udpClosedLoop({
              host: server.host,
              port: server.udpPort,
              clients: UDP_CLIENTS,
              durationS,
              ...udpAnnounceLoad(codec, nextPeer),
            }),
          );
        const peerWalks = servers.map(() => roundRobin(peers));
        for (const [i, server] of servers.entries()) await udpPhase(server, peerWalks[i], 0.5);
        const udp = (
          await alternate(servers.map((server, i) => () => udpPhase(server, peerWalks[i], bench.seconds(2))))
        ).map((phases) => {
          const runs = summariseUdp(phases.map((p) => p.result));
          return {
            run: {
              ...runs,
              latencyMs: { p50: percentile(runs.latenciesMs, 50), p99: percentile(runs.latenciesMs, 99) },
            },
            cpu: sumCpu(phases),
          };
        });
        reportPair(bench, mode, 'UDP announce (BEP 15)', `${UDP_CLIENTS} in flight`, udp, (r) => r.run.ok, {
          perSecond: (r) => r.run.perSecond,
          latencies: (r) => r.run.latencyMs,
          problems: (r) => udpProblems(r.run),
        });
        bench.context(mode.id, {
          http: http.map(({ run, cpu }) => ({ ...run, cpu })),
          udp: udp.map(({ run, cpu }) => ({ ...run, latenciesMs: undefined, cpu })),
        });
      } finally {
        await coordinator.stop();
      }
    }
  } finally {
    await opentracker.stop();
  }
}

/** Announces every peer once with event=started, 10 at a time, and checks the answers. */
async function fill(url, startedPaths) {
  const run = summarise([
    await measureOneShot({
      url,
      nextPath: roundRobin(startedPaths),
      verifyBody: isAnnounceAnswer,
      connections: HTTP_CONNECTIONS,
      amount: startedPaths.length,
    }),
  ]);
  const problems = runProblems(run);
  if (run.ok !== startedPaths.length || problems.length > 0) {
    throw new Error(
      `filling the swarms of ${url}: ${run.ok} of ${startedPaths.length} announces answered; ${problems.join('; ')}`,
    );
  }
}

function sumCpu(phases) {
  return {
    seconds: phases.reduce((s, p) => s + p.cpu.seconds, 0),
    server: phases.reduce((s, p) => s + p.cpu.server, 0),
    loadGenerator: phases.reduce((s, p) => s + p.cpu.loadGenerator, 0),
  };
}

/** Prints announces/s and server CPU per announce, coordinator against opentracker. */
function reportPair(bench, mode, what, load, [opentracker, ours], done, { perSecond, latencies, problems }) {
  bench.figure({
    name: `announces/s, ${what}, ${load}`,
    mode: mode.id,
    value: perSecond(ours),
    unit: 'announces/s',
    baseline: { name: `opentracker, same load`, value: perSecond(opentracker), unit: 'announces/s' },
    better: 'higher',
    notes: [
      ...problems(ours),
      ...problems(opentracker).map((p) => `opentracker: ${p}`),
      ...loadGeneratorNote(ours.cpu, 'the coordinator'),
      ...loadGeneratorNote(opentracker.cpu, 'opentracker'),
    ],
  });
  const cpuPerAnnounce = (r) => (r.cpu.server / done(r)) * 1e6;
  bench.figure({
    name: `server CPU time per announce, ${what}`,
    mode: mode.id,
    value: cpuPerAnnounce(ours),
    unit: 'µs',
    baseline: { name: 'opentracker', value: cpuPerAnnounce(opentracker), unit: 'µs' },
    better: 'lower',
  });
  const describe = (r) =>
    `p50 ${formatNumber(latencies(r).p50)} ms, p99 ${formatNumber(latencies(r).p99)} ms; ` +
    `server ${formatNumber(r.cpu.server / r.cpu.seconds)} cores, load generator ${formatNumber(r.cpu.loadGenerator / r.cpu.seconds)} cores`;
  bench.log(`${what}: coordinator ${describe(ours)}`);
  bench.log(`${what}: opentracker ${describe(opentracker)}`);
}
