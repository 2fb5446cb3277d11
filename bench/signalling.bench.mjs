// The coordinator's `/ws` signal relay against a bare `ws` relay in the same run: ICE candidate
// frames relayed/s and their latency between devices on one coordinator and, with PostgreSQL +
// Redis, across two replicas; and sockets held per GiB of RSS.
import { NO_RATE_LIMITS, startCoordinator, startNodeServer } from './lib/coordinator.mjs';
import { alternate } from './lib/load.mjs';
import { loadGeneratorNote, settledMemory, withCpu } from './lib/proc.mjs';
import { formatNumber, formatValue } from './lib/report.mjs';
import { percentile } from './lib/stats.mjs';
import {
  connectDevice,
  connectRelaySockets,
  enrollDevice,
  inParallel,
  loadSdk,
  registerUser,
  ringLoop,
} from './lib/signalling-load.mjs';

export const title = 'Signalling relay: frames/s, latency and sockets per GiB, against a bare ws relay';

/** Devices in the ring: device i signals device i + 1. */
const RING = 400;
/**
 * Devices per user. The coordinator takes 50 frames/s per socket and 3,000 a minute per user:
 * each device sends at most 45/s, and a user's devices together stay well under 3,000 a minute
 * over a run (a few seconds of ring a mode, twice with two replicas, plus pings).
 */
const DEVICES_PER_USER = 5;
const FRAMES_PER_SECOND_PER_DEVICE = 45;
/**
 * Idle devices opened besides the ring to measure memory per socket, in the last storage mode of
 * the run only: more devices of the ring's users (a user's own devices see each other's presence,
 * so piling them all on one user would measure that fan-out, quadratic in the number of devices).
 */
const CROWD = 600;
const QUICK_CROWD = 100;

export default async function run(bench) {
  const sdk = await loadSdk();
  const crowd = bench.quick ? QUICK_CROWD : CROWD;
  const paceMs = 1000 / FRAMES_PER_SECOND_PER_DEVICE;
  bench.log(
    `${RING} devices of ${RING / DEVICES_PER_USER} users in a ring, each sending ICE candidate signals (no signature needed) to the next, ` +
      `one in flight, at most ${FRAMES_PER_SECOND_PER_DEVICE}/s each (the coordinator's per-socket and per-user limits; ` +
      `${RING * FRAMES_PER_SECOND_PER_DEVICE} frames/s offered at most); the bare relay gets the same frames on the same ring, unpaced`,
  );
  bench.log(
    `latency of one pair alone: device 0 to device 1, one frame in flight, ${FRAMES_PER_SECOND_PER_DEVICE}/s, ` +
      'send time in the candidate string, same pacing on the bare relay',
  );

  for (const mode of bench.modes) {
    bench.log(`-- ${mode.label}`);
    const coordinator = await startCoordinator({ mode, env: NO_RATE_LIMITS });
    const relay = await startNodeServer('ws-relay-server.mjs', 'ws relay');
    const opened = [];
    let replica;
    try {
      // Users, devices, sockets. In the last mode the sockets also measure memory: `crowd` more
      // idle devices of the same users join the ring's, RSS is taken before and after all of
      // them said hello, and as many bare sockets are opened on the relay at the same moments.
      const measureMemory = mode === bench.modes.at(-1);
      const extra = measureMemory ? crowd : 0;
      const t0 = performance.now();
      const users = await inParallel(RING / DEVICES_PER_USER, 4, (u) =>
        registerUser(sdk, coordinator.url, `ring-${u}`),
      );
      const enrolled = await inParallel(RING + extra, 8, (i) =>
        enrollDevice(sdk, users[i % users.length], i < RING ? `ring device ${i}` : `idle device ${i}`),
      );
      const devices = enrolled.slice(0, RING);
      const t1 = performance.now();
      const [before, bareBefore] = measureMemory
        ? await Promise.all([settledMemory(coordinator.pid, 1_000), settledMemory(relay.pid, 1_000)])
        : [];
      const t2 = performance.now();
      const [connected, sockets] = await Promise.all([
        inParallel(RING + extra, 20, (i) => connectDevice(sdk, coordinator.url, enrolled[i])),
        connectRelaySockets(relay.url, RING + extra, (i) => (i < RING ? (i + 1) % RING : `idle-${i}`)),
      ]);
      opened.push(...connected, ...sockets.map((ws) => ({ close: () => ws.terminate() })));
      const clients = connected.slice(0, RING);
      bench.log(
        `${users.length} users registered and ${RING + extra} devices enrolled in ${formatNumber((t1 - t0) / 1000)} s; ` +
          `their sockets (and as many on the bare relay) opened in ${formatNumber((performance.now() - t2) / 1000)} s`,
      );
      const context = {};
      if (measureMemory) {
        const [after, bareAfter] = await Promise.all([
          settledMemory(coordinator.pid, 1_000),
          settledMemory(relay.pid, 1_000),
        ]);
        const n = RING + extra;
        const perGiB = (a, b) => n / ((b.rss - a.rss) / 2 ** 30);
        bench.figure({
          name: `device sockets held per GiB of RSS (${n} devices, said hello, idle)`,
          mode: mode.id,
          value: perGiB(before, after),
          unit: 'sockets/GiB',
          baseline: {
            name: 'bare ws relay, as many idle sockets',
            value: perGiB(bareBefore, bareAfter),
            unit: 'sockets/GiB',
          },
          better: 'higher',
        });
        bench.log(
          `RSS: coordinator ${formatValue(before.rss, 'bytes')} → ${formatValue(after.rss, 'bytes')} ` +
            `(${formatNumber((after.rss - before.rss) / n / 1024)} KiB a socket); bare relay ${formatValue(bareBefore.rss, 'bytes')} → ` +
            `${formatValue(bareAfter.rss, 'bytes')} (${formatNumber((bareAfter.rss - bareBefore.rss) / n / 1024)} KiB a socket)`,
        );
        context.sockets = { n, coordinator: { before, after }, bareRelay: { before: bareBefore, after: bareAfter } };
      }

      // The coordinator's side: SDK clients; receivers hand arrivals to whichever loop runs.
      const ours = wireDevices(clients, devices);
      // The baseline: the same ring on the bare relay, the same frame text, parsed on arrival.
      const bare = { active: undefined };
      for (const ws of sockets.slice(0, RING))
        ws.on('message', (data) => bare.active?.arrived(JSON.parse(data.toString()).candidate.candidate));
      const bareSenders = sockets
        .slice(0, RING)
        .map((ws, i) => (candidate) => ws.send(JSON.stringify(signalFrame(devices, i, candidate))));

      const compare = async (label, coordinators) => {
        const pids = coordinators.map((c) => c.pid);
        const phase = (side, senders, minIntervalMs, pidsOf, durationS) => () => {
          const loop = ringLoop({ senders, minIntervalMs });
          side.active = loop;
          return withCpu(pidsOf, () => loop.run(durationS));
        };

        // The whole ring, each sender as fast as it may go (the coordinator's paced, the bare relay's not).
        await phase(ours, ours.senders, paceMs, pids, 0.5)();
        await phase(bare, bareSenders, 0, [relay.pid], 0.5)();
        const [bareRing, oursRing] = (
          await alternate([
            phase(bare, bareSenders, 0, [relay.pid], bench.seconds(1.5)),
            phase(ours, ours.senders, paceMs, pids, bench.seconds(1.5)),
          ])
        ).map(summariseLoop);
        const offered = RING * FRAMES_PER_SECOND_PER_DEVICE;
        bench.figure({
          name: `candidate frames relayed/s, ${RING} devices in a ring, ${label}`,
          mode: mode.id,
          value: oursRing.perSecond,
          unit: 'frames/s',
          baseline: { name: `bare ws relay, same ring, unpaced`, value: bareRing.perSecond, unit: 'frames/s' },
          better: 'higher',
          notes: [
            ...(oursRing.perSecond > 0.9 * offered
              ? [
                  `the coordinator kept up with all ${offered} frames/s the rate limits let the ring offer: ` +
                    'this is a floor of what it can relay, not its limit',
                ]
              : []),
            ...loopNotes(oursRing, 'coordinator'),
            ...loopNotes(bareRing, 'bare relay'),
            ...loadGeneratorNote(oursRing.cpu, 'the coordinator'),
            ...loadGeneratorNote(bareRing.cpu, 'the bare relay'),
          ],
        });
        bench.figure({
          name: `server CPU time per frame relayed, ${label}`,
          mode: mode.id,
          value: (oursRing.cpu.server / oursRing.delivered) * 1e6,
          unit: 'µs',
          baseline: { name: 'bare ws relay', value: (bareRing.cpu.server / bareRing.delivered) * 1e6, unit: 'µs' },
          better: 'lower',
        });
        bench.log(
          `ring, ${label}: coordinator p50 ${formatNumber(oursRing.p50)} ms, p99 ${formatNumber(oursRing.p99)} ms, ` +
            `${formatNumber(oursRing.cpu.server / oursRing.cpu.seconds)} cores; bare relay p50 ${formatNumber(bareRing.p50)} ms, ` +
            `p99 ${formatNumber(bareRing.p99)} ms, ${formatNumber(bareRing.cpu.server / bareRing.cpu.seconds)} cores ` +
            `(load generator ${formatNumber(oursRing.cpu.loadGenerator / oursRing.cpu.seconds)} and ` +
            `${formatNumber(bareRing.cpu.loadGenerator / bareRing.cpu.seconds)} cores)`,
        );

        // One pair alone, the same pacing for both: the latency of a frame without queueing.
        const [bareAlone, oursAlone] = (
          await alternate([
            phase(bare, bareSenders.slice(0, 1), paceMs, [relay.pid], bench.seconds(1.5)),
            phase(ours, ours.senders.slice(0, 1), paceMs, pids, bench.seconds(1.5)),
          ])
        ).map(summariseLoop);
        for (const p of ['p50', 'p99']) {
          bench.figure({
            name: `${p} latency of a candidate signal, one pair alone, ${label}`,
            mode: mode.id,
            value: oursAlone[p],
            unit: 'ms',
            baseline: { name: 'bare ws relay, same pacing', value: bareAlone[p], unit: 'ms' },
            better: 'lower',
            notes: p === 'p50' ? [...loopNotes(oursAlone, 'coordinator'), ...loopNotes(bareAlone, 'bare relay')] : [],
          });
        }
        bench.log(`one pair, ${label}: ${oursAlone.samples} and ${bareAlone.samples} frames timed`);
        if (Object.keys(ours.errors).length > 0)
          bench.problem(`error frames from the coordinator: ${JSON.stringify(ours.errors)}`);
        return { oursRing, bareRing, oursAlone, bareAlone };
      };

      context.oneReplica = await compare('one coordinator', [coordinator]);

      if (mode.id === 'postgres+redis') {
        // Every other device moves to a second replica: each signal crosses from one to the other.
        replica = await startCoordinator({ replicaOf: coordinator, env: NO_RATE_LIMITS });
        await inParallel(RING / 2, 10, async (k) => {
          const i = 2 * k + 1;
          clients[i].close();
          clients[i] = await connectDevice(sdk, replica.url, devices[i]);
          opened.push(clients[i]);
        });
        ours.rewire(clients);
        context.twoReplicas = await compare('across two replicas', [coordinator, replica]);
      }

      bench.context(mode.id, context);
    } finally {
      for (const client of opened) client.close();
      await relay.stop();
      await replica?.stop();
      await coordinator.stop();
    }
  }
}

/** The signal frame device i sends to device i + 1. */
function signalFrame(devices, i, candidate) {
  return {
    v: 1,
    type: 'signal',
    to: devices[(i + 1) % devices.length].deviceId,
    session: `bench-ring-${i}`,
    kind: 'candidate',
    candidate: { candidate, sdpMid: '0' },
  };
}

/** Senders and receivers on SignallingClients; error frames counted by code. */
function wireDevices(clients, devices) {
  const side = { active: undefined, errors: {}, senders: [] };
  side.rewire = (list) => {
    side.senders = list.map((client, i) => (candidate) => {
      const { to, session, kind, candidate: c } = signalFrame(devices, i, candidate);
      client.signal({ to, session, kind, candidate: c });
    });
    for (const client of list) {
      if (client.benchWired) continue;
      client.benchWired = true;
      client.on('signal', (frame) => side.active?.arrived(frame.candidate?.candidate ?? ''));
      client.on('error', (frame) => {
        side.errors[frame.code] = (side.errors[frame.code] ?? 0) + 1;
      });
    }
  };
  side.rewire(clients);
  return side;
}

function summariseLoop(phases) {
  const runs = phases.map((p) => p.result);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const delivered = runs.reduce((s, r) => s + r.delivered, 0);
  const latencies = runs.flatMap((r) => r.latenciesMs);
  return {
    senders: runs[0].senders,
    seconds,
    delivered,
    lost: runs.reduce((s, r) => s + r.lost, 0),
    perSecond: delivered / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    cpu: {
      seconds: phases.reduce((s, p) => s + p.cpu.seconds, 0),
      server: phases.reduce((s, p) => s + p.cpu.server, 0),
      loadGenerator: phases.reduce((s, p) => s + p.cpu.loadGenerator, 0),
    },
  };
}

function loopNotes(run, who) {
  return run.lost > 0 ? [`${who}: ${run.lost} frames did not arrive within 5 s`] : [];
}
