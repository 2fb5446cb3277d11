// Devices on the coordinator's `/ws` (users registered, device keys enrolled and said hello with,
// all through our own SDK), the same ring of sockets on a bare `ws` relay, and a closed loop that
// sends ICE candidate signals around the ring and times them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { repoRoot } from './coordinator.mjs';

const PASSWORD = 'correct horse battery staple 42';

/** Our SDK and identity library, as built by `npm run build`. */
export async function loadSdk() {
  const dist = (lib) => pathToFileURL(join(repoRoot, 'libs', lib, 'dist', 'index.js')).href;
  const { ShoalClient, SignallingClient } = await import(dist('sdk'));
  const { generateDeviceKeys } = await import(dist('identity'));
  return { ShoalClient, SignallingClient, generateDeviceKeys };
}

/** Runs `task(i)` for i in 0..count-1, `concurrency` at a time; answers the results in order. */
export async function inParallel(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Registers `username` and logs in: a ShoalClient holding the session, and the user's id. */
export async function registerUser(sdk, baseUrl, username) {
  const client = new sdk.ShoalClient({ baseUrl });
  const user = await client.auth.register({ username, password: PASSWORD });
  await client.auth.login({ username, password: PASSWORD });
  return { client, userId: user.id, username };
}

/** Makes a device key pair and enrolls it for `user` (challenge signed with the device key). */
export async function enrollDevice(sdk, user, name) {
  const keys = sdk.generateDeviceKeys();
  const device = await user.client.devices.enroll(keys, name);
  return { user, deviceId: device.id, keys };
}

/**
 * Opens the device's `/ws` (on `baseUrl`, which may be another replica than the one it enrolled
 * on) with the SDK's SignallingClient over `ws`, and waits for `ready`.
 */
export async function connectDevice(sdk, baseUrl, device) {
  const signalling = new sdk.SignallingClient({
    baseUrl,
    token: () => device.user.client.bearer(),
    device: { deviceId: device.deviceId, userId: device.user.userId, signingSecretKey: device.keys.signing.secretKey },
    WebSocket,
  });
  await signalling.connect();
  return signalling;
}

/** Opens `count` sockets on the bare relay, socket i forwarding to socket `to(i)`. */
export async function connectRelaySockets(url, count, to) {
  return inParallel(count, 50, async (i) => {
    const ws = new WebSocket(`${url}/?id=${i}&to=${to(i)}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    return ws;
  });
}

/** An ICE candidate carrying the pair, sequence number and send time (performance.now(), ms). */
export function timedCandidate(pair, seq) {
  return (
    `candidate:842163049 1 udp 1677729535 203.0.113.7 ${40_000 + (pair % 20_000)} typ srflx ` +
    `raddr 192.168.1.23 rport 50000 generation 0 ufrag bench ${pair} ${seq} ${performance.now().toFixed(3)}`
  );
}

const TIMED = / bench (\d+) (\d+) ([\d.]+)$/;

/**
 * A closed loop over `senders` (functions that send a candidate string to the next device in the
 * ring): each sender has one signal in flight and sends the next when it arrived, but not sooner
 * than `minIntervalMs` after the previous one (the coordinator allows 50 frames/s per socket and
 * 3,000 a minute per user). `arrived(candidate)` is to be called by the receiving sockets.
 */
export function ringLoop({ senders, minIntervalMs = 0, timeoutMs = 5_000 }) {
  const state = senders.map(() => ({ seq: 0, inFlight: false, sentAt: 0, timer: undefined }));
  let running = false;
  let until = 0;
  let delivered = 0;
  let lost = 0;
  let latenciesMs = [];
  let finish;

  const send = (i) => {
    const s = state[i];
    s.timer = undefined;
    if (!running || performance.now() >= until) {
      s.inFlight = false;
      return;
    }
    s.seq += 1;
    s.inFlight = true;
    s.sentAt = performance.now();
    senders[i](timedCandidate(i, s.seq));
  };
  const schedule = (i) => {
    const wait = state[i].sentAt + minIntervalMs - performance.now();
    if (wait > 0.5) state[i].timer = setTimeout(() => send(i), wait);
    else send(i);
  };

  return {
    arrived(candidate) {
      const match = TIMED.exec(candidate);
      if (!match) return;
      const i = Number(match[1]);
      const s = state[i];
      if (!running || !s?.inFlight || Number(match[2]) !== s.seq) return;
      s.inFlight = false;
      delivered += 1;
      latenciesMs.push(performance.now() - Number(match[3]));
      schedule(i);
    },
    /** Runs the loop for `durationS` and answers what was delivered. */
    async run(durationS) {
      delivered = 0;
      lost = 0;
      latenciesMs = [];
      running = true;
      const t0 = performance.now();
      until = t0 + durationS * 1000;
      const sweeper = setInterval(() => {
        const now = performance.now();
        for (const [i, s] of state.entries()) {
          if (s.inFlight && now - s.sentAt > timeoutMs) {
            s.inFlight = false;
            lost += 1;
            schedule(i);
          }
        }
      }, 100);
      for (let i = 0; i < senders.length; i += 1) send(i);
      await new Promise((resolve) => {
        finish = resolve;
        setTimeout(() => finish(), durationS * 1000);
      });
      running = false;
      clearInterval(sweeper);
      for (const s of state) {
        clearTimeout(s.timer);
        s.inFlight = false;
      }
      const seconds = (performance.now() - t0) / 1000;
      return { senders: senders.length, seconds, delivered, lost, perSecond: delivered / seconds, latenciesMs };
    },
  };
}
