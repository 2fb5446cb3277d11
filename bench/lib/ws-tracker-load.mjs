// Simulated WebTorrent peers on raw `ws` sockets speaking the WebSocket tracker protocol: many
// peers share a socket (as clients pooling one socket per tracker do, and because 50,000 sockets
// do not fit one process's file descriptors), join their swarms, and, as drivers, announce with
// WebRTC offers that the tracker must relay to other peers.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const OFFER_ID = /"offer_id":"(\d{20})"/;
/** Offer SDPs to pick from: made once, so that the load generator does not spend its time on them. */
const SDPS = Array.from({ length: 64 }, (_, i) => fakeOfferSdp(i));

/** 20 random bytes as the "binary string" the protocol carries in JSON (one char a byte). */
const binaryId = (prefix = '') => prefix + randomBytes(20 - prefix.length).toString('latin1');

/**
 * A WebRTC offer's SDP much as a browser's non-trickle offer looks (~1 KB with host, srflx and
 * relay candidates); the tracker only relays it.
 */
export function fakeOfferSdp(n) {
  const fingerprint = randomBytes(32).toString('hex').toUpperCase().match(/../g).join(':');
  return [
    'v=0',
    `o=- ${4_611_731_400_430_051_336n + BigInt(n)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=candidate:${1_000_000 + n} 1 udp 2113937151 192.168.1.23 ${50_000 + (n % 10_000)} typ host generation 0 network-cost 999`,
    `a=candidate:${2_000_000 + n} 1 udp 1677729535 203.0.113.7 ${40_000 + (n % 10_000)} typ srflx raddr 192.168.1.23 rport ${50_000 + (n % 10_000)} generation 0 network-cost 999`,
    `a=candidate:${3_000_000 + n} 1 udp 33562623 198.51.100.9 ${30_000 + (n % 10_000)} typ relay raddr 203.0.113.7 rport ${40_000 + (n % 10_000)} generation 0 network-cost 999`,
    `a=ice-ufrag:${randomBytes(3).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('base64')}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    '',
  ].join('\r\n');
}

/**
 * `peers` peers in `swarms` swarms, `peersPerSocket` to a socket; the peers of one socket are in
 * different swarms (one pooled client with several torrents).
 */
export function makeWsPopulation({ peers, peersPerSocket, swarms }) {
  const infoHashes = Array.from({ length: swarms }, () => binaryId());
  const sockets = [];
  for (let p = 0; p < peers; p += 1) {
    const s = Math.floor(p / peersPerSocket);
    sockets[s] ??= { peers: [] };
    sockets[s].peers.push({
      peerId: binaryId('-WW0208-'),
      infoHash: infoHashes[p % swarms],
      left: p % 4 === 0 ? 0 : 1_048_576,
    });
  }
  return { infoHashes, sockets };
}

/**
 * The population's sockets opened on one tracker. `connect()` opens them, `announceAll()` makes
 * every peer join its swarm, `relayOffers()` runs the offer load, `close()` ends every socket.
 */
export class WsTrackerPeers {
  constructor(url, population) {
    this.url = url;
    this.population = population;
    this.sockets = [];
    this.failures = 0;
    this.lastFailure = undefined;
    this.unexpectedCloses = 0;
    // offer_id -> the driver that is waiting for it
    this.pendingOffers = new Map();
  }

  /**
   * Opens the sockets of the population's next `count` socket specs (all that are left by
   * default), `concurrency` handshakes at a time; answers the sockets opened.
   */
  async connect({ count = this.population.sockets.length - this.sockets.length, concurrency = 200 } = {}) {
    const t0 = performance.now();
    const specs = this.population.sockets.slice(this.sockets.length, this.sockets.length + count);
    const opened = new Array(specs.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < specs.length) {
          const i = next;
          next += 1;
          opened[i] = await this.open(specs[i]);
        }
      }),
    );
    this.sockets.push(...opened);
    return { sockets: opened, seconds: (performance.now() - t0) / 1000 };
  }

  async open(spec) {
    const ws = new WebSocket(this.url, { perMessageDeflate: false });
    const socket = { ws, spec, answersWanted: 0, answered: undefined, closing: false };
    ws.on('message', (data) => this.receive(socket, data));
    ws.on('close', () => {
      if (!socket.closing) this.unexpectedCloses += 1;
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    return socket;
  }

  receive(socket, data) {
    const text = data.toString();
    // Offers are most of the traffic: their offer_id (20 digits, made by relayOffers) is read
    // without parsing the SDP, to keep the load generator's share of the two cores small.
    if (text.includes('"offer":')) {
      const offerId = OFFER_ID.exec(text)?.[1];
      const driver = offerId === undefined ? undefined : this.pendingOffers.get(offerId);
      if (driver) {
        this.pendingOffers.delete(offerId);
        driver.offerArrived(offerId);
      }
      return;
    }
    const frame = JSON.parse(text);
    if (frame['failure reason'] !== undefined) {
      this.failures += 1;
      this.lastFailure = frame['failure reason'];
      this.answer(socket);
      return;
    }
    if (frame.offer !== undefined) {
      const driver = this.pendingOffers.get(frame.offer_id);
      if (driver) {
        this.pendingOffers.delete(frame.offer_id);
        driver.offerArrived(frame.offer_id);
      }
      return;
    }
    if (frame.action === 'announce' && frame.answer === undefined) this.answer(socket);
  }

  answer(socket) {
    if (socket.answersWanted > 0) {
      socket.answersWanted -= 1;
      if (socket.answersWanted === 0) socket.answered?.();
    }
  }

  /**
   * Every peer of `sockets` (all by default) announces (event=started, no offers), a socket's
   * peers at once, `concurrency` sockets at a time.
   */
  async announceAll({ sockets = this.sockets, concurrency = 100 } = {}) {
    const t0 = performance.now();
    let next = 0;
    let announces = 0;
    const failuresBefore = this.failures;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sockets.length) {
          const socket = sockets[next];
          next += 1;
          const done = new Promise((resolve) => (socket.answered = resolve));
          socket.answersWanted = socket.spec.peers.length;
          for (const peer of socket.spec.peers) {
            socket.ws.send(
              JSON.stringify({
                action: 'announce',
                info_hash: peer.infoHash,
                peer_id: peer.peerId,
                numwant: 0,
                uploaded: 0,
                downloaded: 0,
                left: peer.left,
                event: 'started',
              }),
            );
          }
          await done;
          announces += socket.spec.peers.length;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { announces, seconds, perSecond: announces / seconds, failures: this.failures - failuresBefore };
  }

  /**
   * `drivers` peers (the first peer of as many sockets, spread over them) each announce with
   * `offersPerAnnounce` offers, and announce again once every offer reached its peer (closed loop),
   * for `durationS`. An announce whose offers have not all arrived within `timeoutMs` counts the
   * missing ones as lost and the driver goes on.
   */
  async relayOffers({ drivers, offersPerAnnounce, durationS, timeoutMs = 2_000 }) {
    const latenciesMs = [];
    let delivered = 0;
    let lost = 0;
    let announces = 0;
    let running = true;
    const failuresBefore = this.failures;
    const step = Math.max(1, Math.floor(this.sockets.length / drivers));
    const all = Array.from({ length: drivers }, (_, d) => {
      const socket = this.sockets[(d * step) % this.sockets.length];
      const driver = { socket, peer: socket.spec.peers[0], waiting: new Set(), sentAt: 0 };
      driver.offerArrived = (offerId) => {
        if (!running || !driver.waiting.delete(offerId)) return;
        delivered += 1;
        latenciesMs.push(performance.now() - driver.sentAt);
        if (driver.waiting.size === 0) announce(driver);
      };
      return driver;
    });
    const announce = (driver) => {
      if (!running) return;
      const offers = [];
      for (let i = 0; i < offersPerAnnounce; i += 1) {
        this.offerCounter = (this.offerCounter ?? 0) + 1;
        const offerId = String(this.offerCounter).padStart(20, '0');
        driver.waiting.add(offerId);
        this.pendingOffers.set(offerId, driver);
        offers.push({ offer_id: offerId, offer: { type: 'offer', sdp: SDPS[this.offerCounter % SDPS.length] } });
      }
      driver.sentAt = performance.now();
      announces += 1;
      driver.socket.ws.send(
        JSON.stringify({
          action: 'announce',
          info_hash: driver.peer.infoHash,
          peer_id: driver.peer.peerId,
          numwant: offersPerAnnounce,
          uploaded: 0,
          downloaded: 0,
          left: driver.peer.left,
          offers,
        }),
      );
    };
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const driver of all) {
        if (driver.waiting.size === 0 || now - driver.sentAt < timeoutMs) continue;
        lost += driver.waiting.size;
        for (const id of driver.waiting) this.pendingOffers.delete(id);
        driver.waiting.clear();
        announce(driver);
      }
    }, 100);
    const t0 = performance.now();
    for (const driver of all) announce(driver);
    await new Promise((resolve) => setTimeout(resolve, durationS * 1000));
    running = false;
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sweeper);
    // Offers still on their way when the time was up are neither delivered nor lost; let them
    // arrive before the next phase starts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.pendingOffers.clear();
    return {
      drivers,
      offersPerAnnounce,
      seconds,
      announces,
      delivered,
      lost,
      failures: this.failures - failuresBefore,
      perSecond: delivered / seconds,
      latenciesMs,
    };
  }

  close() {
    for (const socket of this.sockets) {
      socket.closing = true;
      socket.ws.terminate();
    }
    this.sockets = [];
  }
}
