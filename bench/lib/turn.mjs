// TURN and STUN load: coturn (Debian's package) started on loopback with the coordinator's TURN
// secret, coturn's turnutils_peer as the echoing peer, turnutils_uclient as the load, and a
// closed-loop STUN Binding client.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, runToEnd, startExternal } from './external.mjs';

export const TURNSERVER = '/usr/bin/turnserver';
export const TURNUTILS_PEER = '/usr/bin/turnutils_peer';
export const TURNUTILS_UCLIENT = '/usr/bin/turnutils_uclient';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;

/** A STUN Binding request (RFC 5389: 20-byte header, no attributes) with transaction id `tid`. */
export function bindingRequest(tid) {
  const out = Buffer.alloc(20);
  out.writeUInt16BE(BINDING_REQUEST, 0);
  out.writeUInt16BE(0, 2);
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  tid.copy(out, 8);
  return out;
}

/** 'ok' for a Binding success answer to `tid`, 'error' for another answer to it, 'ignore' otherwise. */
export function bindingVerdict(message, tid) {
  if (message.length < 20 || message.readUInt32BE(4) !== MAGIC_COOKIE || !message.subarray(8, 20).equals(tid)) {
    return 'ignore';
  }
  return message.readUInt16BE(0) === BINDING_SUCCESS ? 'ok' : 'error';
}

/** `udpClosedLoop` callbacks for STUN Binding requests, a fresh transaction id each. */
export function bindingLoad() {
  return {
    request(client) {
      client.tid = randomBytes(12);
      return bindingRequest(client.tid);
    },
    answer: (client, message) => bindingVerdict(message, client.tid),
  };
}

/** True when a STUN server answers a Binding request on 127.0.0.1:port within 500 ms. */
export async function stunAnswers(port) {
  const socket = createSocket('udp4');
  // Nothing listening yet: ICMP port unreachable comes back as an error event on a connected socket.
  socket.on('error', () => {});
  try {
    socket.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const tid = randomBytes(12);
    const answered = new Promise((resolve) => {
      socket.on('message', (message) => bindingVerdict(message, tid) === 'ok' && resolve(true));
      setTimeout(() => resolve(false), 500);
    });
    socket.send(bindingRequest(tid));
    return await answered;
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

/**
 * coturn's turnserver on 127.0.0.1 (UDP and TCP on one free port), TURN REST credentials from
 * `secret` (--use-auth-secret, the scheme the coordinator uses), loopback peers allowed, no
 * TLS/DTLS, no CLI, its database and pid file in a temporary directory removed when it stops.
 */
export async function startCoturn({ secret, realm }) {
  const binary = requireBinary(TURNSERVER, 'coturn');
  const dir = await mkdtemp(join(tmpdir(), 'shoal-bench-coturn-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const port = await freePort();
    const handle = await startExternal({
      command: binary,
      args: [
        '-n',
        '--no-tls',
        '--no-dtls',
        '--no-cli',
        '--listening-ip',
        '127.0.0.1',
        '--relay-ip',
        '127.0.0.1',
        '--listening-port',
        String(port),
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        `--realm=${realm}`,
        '--allow-loopback-peers',
        '--db',
        join(dir, 'turndb'),
        '--pidfile',
        join(dir, 'turnserver.pid'),
        '--log-file',
        'stdout',
        '--simple-log',
      ],
      name: 'coturn',
      ready: () => stunAnswers(port),
      cleanup: removeDir,
    });
    return { ...handle, port };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

/** turnutils_peer, the UDP echo peer of coturn's tests, on a free port pair of 127.0.0.1. */
export async function startEchoPeer() {
  const binary = requireBinary(TURNUTILS_PEER, 'coturn');
  const port = await freePort({ pair: true });
  const handle = await startExternal({
    command: binary,
    args: ['-L', '127.0.0.1', '-p', String(port)],
    name: 'turnutils_peer',
    ready: () => echoes(port),
  });
  return { ...handle, port };
}

async function echoes(port) {
  const socket = createSocket('udp4');
  // Nothing listening yet: ICMP port unreachable comes back as an error event on a connected socket.
  socket.on('error', () => {});
  try {
    socket.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const answered = new Promise((resolve) => {
      socket.on('message', () => resolve(true));
      setTimeout(() => resolve(false), 300);
    });
    socket.send(Buffer.from('shoal bench echo?'));
    return await answered;
  } finally {
    socket.close();
  }
}

/**
 * One turnutils_uclient run: `clients` sessions (UDP, channels, no RTCP: `-c`), each sending
 * `messages` datagrams of `length` bytes every `intervalMs` through the TURN server at `port` to
 * the echo peer and back; TURN REST credentials from `secret` for `user`. Answers its totals, and
 * when traffic flowed as this process saw uclient's once-a-second progress lines: `flowFrom` (the
 * last line before anything came back) and `flowUntil` (the first line with everything back).
 */
export async function runUclient({
  port,
  peerPort,
  secret,
  user,
  clients,
  messages,
  length,
  intervalMs,
  timeoutMs = 60_000,
}) {
  const binary = requireBinary(TURNUTILS_UCLIENT, 'coturn');
  const args = ['-c', '-m', String(clients), '-n', String(messages), '-l', String(length), '-z', String(intervalMs)];
  args.push('-u', user, '-W', secret, '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(port), '127.0.0.1');
  const started = performance.now();
  const seen = [];
  const run = await runToEnd(binary, args, {
    timeoutMs,
    name: 'turnutils_uclient',
    onLine: (line, at) => {
      const match = PROGRESS.exec(line);
      if (match) seen.push({ at, receivedBytes: Number(match[2]) });
    },
  });
  const parsed = parseUclient(run.output);
  const ended = started + run.seconds * 1000;
  const flowFrom = seen.findLast((p) => p.receivedBytes === 0)?.at ?? started;
  const flowUntil = seen.find((p) => p.receivedBytes >= parsed.receivedBytes)?.at ?? ended;
  return {
    ...parsed,
    code: run.code,
    timedOut: run.timedOut,
    seconds: run.seconds,
    flowFrom,
    flowUntil,
    output: run.output,
  };
}

const PROGRESS = /^(\d+): : start_mclient: msz=\d+, .*tot_recv_bytes ~ (\d+)\s*$/;

/**
 * uclient's summary lines: messages and bytes sent and received (the echo came back through the
 * relay), lost packets, the average round trip (ms), and the per-second progress lines
 * (seconds since start, bytes received so far) that show when traffic flowed.
 */
export function parseUclient(output) {
  const last = (re) => {
    let match;
    for (const m of output.matchAll(re)) match = m;
    return match;
  };
  const msgs = last(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/gm);
  const bytes = last(/tot_send_bytes ~ (\d+), tot_recv_bytes ~ (\d+)\s*$/gm);
  const lost = last(/Total lost packets (\d+) \(([\d.]+)%\)/g);
  const rtt = last(/Average round trip delay ([\d.]+) ms; min = (\d+) ms, max = (\d+) ms/g);
  const progress = [...output.matchAll(new RegExp(PROGRESS.source, 'gm'))].map((m) => ({
    second: Number(m[1]),
    receivedBytes: Number(m[2]),
  }));
  return {
    sentMessages: msgs ? Number(msgs[1]) : Number.NaN,
    receivedMessages: msgs ? Number(msgs[2]) : Number.NaN,
    sentBytes: bytes ? Number(bytes[1]) : Number.NaN,
    receivedBytes: bytes ? Number(bytes[2]) : Number.NaN,
    lostPackets: lost ? Number(lost[1]) : Number.NaN,
    lostPercent: lost ? Number(lost[2]) : Number.NaN,
    averageRttMs: rtt ? Number(rtt[1]) : Number.NaN,
    maxRttMs: rtt ? Number(rtt[3]) : Number.NaN,
    progress,
  };
}
