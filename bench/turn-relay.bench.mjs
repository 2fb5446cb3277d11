// The coordinator's built-in TURN against coturn (Debian's package) in the same run, with the
// same turnutils_uclient load through each to turnutils_peer and back: relayed throughput, packets
// delivered, and server CPU per relayed packet; then STUN Binding requests/s against coturn.
import { startCoordinator } from './lib/coordinator.mjs';
import { alternate } from './lib/load.mjs';
import { loadGeneratorNote, withCpu } from './lib/proc.mjs';
import { formatNumber } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import { bindingLoad, runUclient, startCoturn, startEchoPeer } from './lib/turn.mjs';
import { summariseUdp, udpClosedLoop, udpProblems } from './lib/udp-load.mjs';

export const title = 'TURN relay and STUN, against coturn';

/** uclient processes side by side, each a user of its own (the coordinator allows 10 allocations a user). */
const UCLIENTS = 4;
/** Sessions per uclient; each takes two allocations on our server even with -c. */
const SESSIONS_EACH = 5;
const MESSAGES = 1_000;
const QUICK_MESSAGES = 400;
/** Bytes a datagram: an RTP packet of a video call is about this size (under a 1,500-byte MTU). */
const LENGTH = 1_200;
const INTERVAL_MS = 1;
const STUN_CLIENTS = 16;

export default async function run(bench) {
  const messages = bench.quick ? QUICK_MESSAGES : MESSAGES;
  bench.log(
    `${UCLIENTS} turnutils_uclient processes at once, each ${SESSIONS_EACH} sessions (UDP, channels, -c) of ${messages} ` +
      `datagrams of ${LENGTH} bytes every ${INTERVAL_MS} ms (uclient staggers each session's start over 1-6 s), ` +
      'relayed to turnutils_peer and echoed back; TURN REST credentials from one shared secret',
  );
  bench.log(
    'TURN does not depend on the storage mode: the embedded coordinator only (PostgreSQL and Redis hold no TURN state)',
  );
  const coordinator = await startCoordinator({ env: { TURN_ALLOW_LOOPBACK_PEERS: '1' } });
  let coturn;
  let peer;
  try {
    const secret = coordinator.env.TURN_SECRET;
    const turnLine = coordinator.listeningLine(/STUN\/TURN listening on/);
    if (!turnLine?.udp)
      throw new Error('the coordinator did not log "STUN/TURN listening on host:port" with a UDP port');
    // The coordinator's TURN realm is "shoal"; coturn gets the same, and the same secret.
    coturn = await startCoturn({ secret, realm: 'shoal' });
    peer = await startEchoPeer();
    const servers = [
      { name: 'coturn', pid: coturn.pid, port: coturn.port },
      { name: 'coordinator', pid: coordinator.pid, port: turnLine.udp },
    ];

    let runNumber = 0;
    const relayPhase = (server) => () =>
      withCpu([server.pid], async () => {
        runNumber += 1;
        const runs = await Promise.all(
          Array.from({ length: UCLIENTS }, (_, u) =>
            runUclient({
              port: server.port,
              peerPort: peer.port,
              secret,
              user: `bench${runNumber}u${u}`,
              clients: SESSIONS_EACH,
              messages,
              length: LENGTH,
              intervalMs: INTERVAL_MS,
            }),
          ),
        );
        const failed = runs.filter((r) => r.code !== 0 || r.timedOut);
        if (failed.length > 0) {
          throw new Error(
            `turnutils_uclient against ${server.name} ended with ${failed.map((r) => (r.timedOut ? 'a timeout' : `code ${r.code}`)).join(', ')}:\n` +
              failed[0].output.split('\n').slice(-8).join('\n'),
          );
        }
        return runs;
      });
    const [coturnRelay, ourRelay] = (await alternate(servers.map(relayPhase))).map(summariseRelay);

    bench.figure({
      name: `relayed throughput both ways, the same uclient load (${UCLIENTS * SESSIONS_EACH} sessions, ${LENGTH}-byte datagrams)`,
      value: ourRelay.megabytesPerSecond,
      unit: 'MB/s',
      baseline: { name: 'coturn, same load', value: coturnRelay.megabytesPerSecond, unit: 'MB/s' },
      better: 'higher',
    });
    bench.figure({
      name: 'datagrams delivered (echoed back ÷ sent)',
      value: ourRelay.deliveredPercent,
      unit: '%',
      baseline: { name: 'coturn', value: coturnRelay.deliveredPercent, unit: '%' },
      better: 'higher',
      notes: [
        ...(ourRelay.lost > 0 ? [`coordinator: ${ourRelay.lost} datagrams lost`] : []),
        ...(coturnRelay.lost > 0 ? [`coturn: ${coturnRelay.lost} datagrams lost`] : []),
      ],
    });
    bench.figure({
      name: 'server CPU time per relayed datagram (each crosses the relay twice: to the peer and back)',
      value: ourRelay.cpuMicrosecondsPerRelayed,
      unit: 'µs',
      baseline: { name: 'coturn (all its threads)', value: coturnRelay.cpuMicrosecondsPerRelayed, unit: 'µs' },
      better: 'lower',
    });
    for (const [who, r] of [
      ['coordinator', ourRelay],
      ['coturn', coturnRelay],
    ]) {
      bench.log(
        `${who}: ${formatNumber(r.received)} of ${formatNumber(r.sent)} datagrams back in ${formatNumber(r.flowSeconds)} s of traffic; ` +
          `uclient's average round trip ${formatNumber(r.averageRttMs)} ms (max ${r.maxRttMs} ms); ` +
          `server ${formatNumber(r.cpu.server / r.flowSeconds)} cores while traffic flowed`,
      );
    }

    // STUN Binding requests, closed loop; the two servers take turns.
    const stunPhase = (server, durationS) => () =>
      withCpu([server.pid], () =>
        udpClosedLoop({ host: '127.0.0.1', port: server.port, clients: STUN_CLIENTS, durationS, ...bindingLoad() }),
      );
    for (const server of servers) await stunPhase(server, 0.5)();
    const [coturnStun, ourStun] = (await alternate(servers.map((server) => stunPhase(server, bench.seconds(1.5))))).map(
      (phases) => ({
        run: summariseUdp(phases.map((p) => p.result)),
        cpu: {
          seconds: phases.reduce((s, p) => s + p.cpu.seconds, 0),
          server: phases.reduce((s, p) => s + p.cpu.server, 0),
          loadGenerator: phases.reduce((s, p) => s + p.cpu.loadGenerator, 0),
        },
      }),
    );
    bench.figure({
      name: `STUN Binding requests/s, ${STUN_CLIENTS} in flight`,
      value: ourStun.run.perSecond,
      unit: 'req/s',
      baseline: { name: 'coturn, same load', value: coturnStun.run.perSecond, unit: 'req/s' },
      better: 'higher',
      notes: [
        ...udpProblems(ourStun.run),
        ...udpProblems(coturnStun.run).map((p) => `coturn: ${p}`),
        ...loadGeneratorNote(ourStun.cpu, 'the coordinator'),
        ...loadGeneratorNote(coturnStun.cpu, 'coturn'),
      ],
    });
    bench.figure({
      name: 'server CPU time per STUN Binding',
      value: (ourStun.cpu.server / ourStun.run.ok) * 1e6,
      unit: 'µs',
      baseline: { name: 'coturn', value: (coturnStun.cpu.server / coturnStun.run.ok) * 1e6, unit: 'µs' },
      better: 'lower',
    });
    for (const [who, r] of [
      ['coordinator', ourStun],
      ['coturn', coturnStun],
    ]) {
      bench.log(
        `STUN, ${who}: p50 ${formatNumber(percentile(r.run.latenciesMs, 50))} ms, p99 ${formatNumber(percentile(r.run.latenciesMs, 99))} ms; ` +
          `server ${formatNumber(r.cpu.server / r.cpu.seconds)} cores, load generator ${formatNumber(r.cpu.loadGenerator / r.cpu.seconds)} cores`,
      );
    }
    bench.context('turn', {
      coordinator: { ...ourRelay },
      coturn: { ...coturnRelay },
      stun: {
        coordinator: { ...ourStun.run, latenciesMs: undefined, cpu: ourStun.cpu },
        coturn: { ...coturnStun.run, latenciesMs: undefined, cpu: coturnStun.cpu },
      },
    });
  } finally {
    await peer?.stop();
    await coturn?.stop();
    await coordinator.stop();
  }
}

/** Totals of the rounds of one server: every uclient of every round taken together. */
function summariseRelay(phases) {
  let sent = 0;
  let received = 0;
  let receivedBytes = 0;
  let sentBytes = 0;
  let flowSeconds = 0;
  let rttWeighted = 0;
  let maxRttMs = 0;
  for (const { result: runs } of phases) {
    for (const r of runs) {
      sent += r.sentMessages;
      received += r.receivedMessages;
      receivedBytes += r.receivedBytes;
      sentBytes += r.sentBytes;
      rttWeighted += r.averageRttMs * r.receivedMessages;
      maxRttMs = Math.max(maxRttMs, r.maxRttMs);
    }
    // This round's traffic: from before the first datagram came back to when the last one did.
    flowSeconds += (Math.max(...runs.map((r) => r.flowUntil)) - Math.min(...runs.map((r) => r.flowFrom))) / 1000;
  }
  const cpu = {
    seconds: phases.reduce((s, p) => s + p.cpu.seconds, 0),
    server: phases.reduce((s, p) => s + p.cpu.server, 0),
    loadGenerator: phases.reduce((s, p) => s + p.cpu.loadGenerator, 0),
  };
  return {
    sent,
    received,
    lost: sent - received,
    deliveredPercent: (received / sent) * 100,
    receivedBytes,
    sentBytes,
    flowSeconds,
    // Through the relay both ways: to the peer, and the echo back.
    megabytesPerSecond: (sentBytes + receivedBytes) / flowSeconds / 1e6,
    averageRttMs: rttWeighted / received,
    maxRttMs,
    cpuMicrosecondsPerRelayed: (cpu.server / (sent + received)) * 1e6,
    cpu,
  };
}
