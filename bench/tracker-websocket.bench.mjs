// The coordinator's WebSocket tracker (WebTorrent's protocol) against bittorrent-tracker's own
// server in the same run: memory held by 50,000 simulated peers, and WebRTC offers relayed/s.
import { startCoordinator, startNodeServer } from './lib/coordinator.mjs';
import { alternate } from './lib/load.mjs';
import { loadGeneratorNote, settledMemory, withCpu } from './lib/proc.mjs';
import { formatNumber, formatValue } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import { WsTrackerPeers, makeWsPopulation } from './lib/ws-tracker-load.mjs';

export const title = 'WebSocket tracker: peers held and offers relayed/s, against bittorrent-tracker';

const PEERS = 50_000;
const QUICK_PEERS = 10_000;
/** Peer ids a socket speaks for (the coordinator accepts up to 16 on one socket). */
const PEERS_PER_SOCKET = 10;
const SWARMS = 50;
/** Peers announcing with offers at once, and offers per announce (WebTorrent's client sends 5). */
const DRIVERS = 50;
const OFFERS_PER_ANNOUNCE = 5;
const NO_TRACKER_RATE_LIMIT = { TRACKER_RATE_PER_ADDRESS: '100000000' };

export default async function run(bench) {
  const peers = bench.quick ? QUICK_PEERS : PEERS;
  const population = makeWsPopulation({ peers, peersPerSocket: PEERS_PER_SOCKET, swarms: SWARMS });
  bench.log(
    `${formatNumber(peers)} peers in ${SWARMS} swarms of ${formatNumber(peers / SWARMS)}, ${PEERS_PER_SOCKET} peer ids to a ` +
      `socket (${formatNumber(population.sockets.length)} sockets a server; each socket's peers in different swarms); ` +
      'each joins with one announce (event=started, no offers)',
  );
  bench.log(
    `offers: ${DRIVERS} peers each announce with ${OFFERS_PER_ANNOUNCE} offers (~1 KB SDP each) and announce again ` +
      'once all of them reached the peers the tracker chose (closed loop)',
  );

  // The baseline is started and filled once and serves every storage mode's comparison; each
  // mode gets a fresh coordinator. Both hold their peers at once, so that the offers can alternate.
  const baseline = await startNodeServer('bittorrent-tracker-server.mjs', 'bittorrent-tracker', {
    PEERS_PER_SWARM: String(peers / SWARMS),
  });
  const bt = { name: 'bittorrent-tracker', pid: baseline.pid, url: baseline.url };
  try {
    await fill(bench, bt, population);
    for (const mode of bench.modes) {
      bench.log(`-- ${mode.label}`);
      const coordinator = await startCoordinator({ mode, env: NO_TRACKER_RATE_LIMIT });
      const ours = {
        name: 'coordinator',
        pid: coordinator.pid,
        url: `${coordinator.url.replace(/^http/, 'ws')}/announce`,
      };
      try {
        await fill(bench, ours, population);
        await compare(bench, mode, peers, population, [bt, ours]);
      } finally {
        ours.peers?.close();
        await coordinator.stop();
      }
    }
  } finally {
    bt.peers?.close();
    await baseline.stop();
  }
}

/**
 * Opens the population's sockets on `server` and makes every peer join, in two halves, with the
 * RSS after each: the memory a peer costs is taken between the half and the whole (by then the
 * start-up's garbage is collected and the heap has grown to its working size, which the first
 * half of the peers pays for).
 */
async function fill(bench, server, population) {
  server.peers = new WsTrackerPeers(server.url, population);
  const half = Math.floor(population.sockets.length / 2);
  server.idle = await settledMemory(server.pid, 500);
  const first = await joinSockets(server.peers, half);
  server.half = await settledMemory(server.pid, 500);
  const second = await joinSockets(server.peers);
  server.held = await settledMemory(server.pid, 500);
  server.halfPeers = first.announces;
  server.secondHalfPeers = second.announces;
  const announces = first.announces + second.announces;
  const seconds = first.seconds + second.seconds;
  server.fill = {
    announces,
    seconds,
    perSecond: announces / seconds,
    failures: first.failures + second.failures,
    connectSeconds: first.connectSeconds + second.connectSeconds,
  };
  bench.log(
    `${server.name}: ${formatNumber(server.peers.sockets.length)} sockets opened in ${formatNumber(server.fill.connectSeconds)} s, ` +
      `${formatNumber(announces)} peers joined in ${formatNumber(seconds)} s (${formatNumber(server.fill.perSecond)} announces/s); ` +
      `RSS idle ${formatValue(server.idle.rss, 'bytes')}, with half the peers ${formatValue(server.half.rss, 'bytes')}, ` +
      `with all ${formatValue(server.held.rss, 'bytes')}`,
  );
  if (server.fill.failures > 0) {
    bench.problem(`${server.name}: ${server.fill.failures} announces failed (${server.peers.lastFailure})`);
  }
}

async function joinSockets(peers, count) {
  const { sockets, seconds: connectSeconds } = await peers.connect(count === undefined ? {} : { count });
  return { ...(await peers.announceAll({ sockets })), connectSeconds };
}

/** Figures of one storage mode: memory held, the join rate, and offers relayed (alternating). */
async function compare(bench, mode, peers, population, servers) {
  const [bt, ours] = servers;
  const per10k = (server) => (server.held.rss - server.idle.rss) / (peers / 10_000);
  const marginal = (server) => (server.held.rss - server.half.rss) / (server.secondHalfPeers / 10_000);
  bench.log(
    `RSS per 10,000 peers over the second half alone (the heap already grown): coordinator ${formatValue(marginal(ours), 'bytes')}, ` +
      `bittorrent-tracker ${formatValue(marginal(bt), 'bytes')}; whole RSS with ${formatNumber(peers)} peers: ` +
      `coordinator ${formatValue(ours.held.rss, 'bytes')}, bittorrent-tracker ${formatValue(bt.held.rss, 'bytes')}`,
  );
  bench.figure({
    name: `RSS per 10,000 peers held, sockets included (RSS with ${formatNumber(peers)} peers less RSS idle)`,
    mode: mode.id,
    value: per10k(ours),
    unit: 'bytes',
    baseline: {
      name: 'bittorrent-tracker (filled once, for every mode), same peers and sockets',
      value: per10k(bt),
      unit: 'bytes',
    },
    better: 'lower',
  });
  bench.figure({
    name: 'announces/s while the peers join (no offers; one pass each, not alternated)',
    mode: mode.id,
    value: ours.fill.perSecond,
    unit: 'announces/s',
    baseline: { name: 'bittorrent-tracker', value: bt.fill.perSecond, unit: 'announces/s' },
    better: 'higher',
  });

  // Offers, the two servers taking turns.
  const phase = (server, durationS) =>
    withCpu([server.pid], () =>
      server.peers.relayOffers({ drivers: DRIVERS, offersPerAnnounce: OFFERS_PER_ANNOUNCE, durationS }),
    );
  for (const server of servers) await phase(server, 0.5);
  const [btRuns, ourRuns] = (await alternate(servers.map((server) => () => phase(server, bench.seconds(2))))).map(
    summariseOffers,
  );
  const notes = (r, who) => [
    ...(r.lost > 0 ? [`${who}: ${r.lost} offers did not arrive within 2 s`] : []),
    ...(r.failures > 0 ? [`${who}: ${r.failures} failure answers`] : []),
  ];
  bench.figure({
    name: `offers relayed/s, ${DRIVERS} peers announcing with ${OFFERS_PER_ANNOUNCE} offers each`,
    mode: mode.id,
    value: ourRuns.perSecond,
    unit: 'offers/s',
    baseline: { name: 'bittorrent-tracker, same load', value: btRuns.perSecond, unit: 'offers/s' },
    better: 'higher',
    notes: [
      ...notes(ourRuns, 'coordinator'),
      ...notes(btRuns, 'bittorrent-tracker'),
      ...loadGeneratorNote(ourRuns.cpu, 'the coordinator'),
      ...loadGeneratorNote(btRuns.cpu, 'bittorrent-tracker'),
    ],
  });
  bench.figure({
    name: 'server CPU time per offer relayed',
    mode: mode.id,
    value: (ourRuns.cpu.server / ourRuns.delivered) * 1e6,
    unit: 'µs',
    baseline: {
      name: 'bittorrent-tracker',
      value: (btRuns.cpu.server / btRuns.delivered) * 1e6,
      unit: 'µs',
    },
    better: 'lower',
  });
  for (const [who, r] of [
    ['coordinator', ourRuns],
    ['bittorrent-tracker', btRuns],
  ]) {
    bench.log(
      `${who}: announce to offer received p50 ${formatNumber(r.p50)} ms, p99 ${formatNumber(r.p99)} ms; ` +
        `server ${formatNumber(r.cpu.server / r.cpu.seconds)} cores, load generator ${formatNumber(r.cpu.loadGenerator / r.cpu.seconds)} cores`,
    );
  }
  const closes = servers.map((s) => s.peers.unexpectedCloses);
  if (closes.some((n) => n > 0))
    bench.problem(`sockets closed by the servers: ${servers.map((s, i) => `${s.name} ${closes[i]}`).join(', ')}`);
  bench.context(mode.id, {
    peers,
    sockets: population.sockets.length,
    memory: Object.fromEntries(servers.map((s) => [s.name, { idle: s.idle, half: s.half, held: s.held }])),
    fill: Object.fromEntries(servers.map((s) => [s.name, s.fill])),
    offers: { coordinator: ourRuns, 'bittorrent-tracker': btRuns },
  });
}

function summariseOffers(phases) {
  const runs = phases.map((p) => p.result);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const delivered = runs.reduce((s, r) => s + r.delivered, 0);
  const latencies = runs.flatMap((r) => r.latenciesMs);
  return {
    seconds,
    delivered,
    announces: runs.reduce((s, r) => s + r.announces, 0),
    lost: runs.reduce((s, r) => s + r.lost, 0),
    failures: runs.reduce((s, r) => s + r.failures, 0),
    perSecond: delivered / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpu: {
      seconds: phases.reduce((s, p) => s + p.cpu.seconds, 0),
      server: phases.reduce((s, p) => s + p.cpu.server, 0),
      loadGenerator: phases.reduce((s, p) => s + p.cpu.loadGenerator, 0),
    },
  };
}
