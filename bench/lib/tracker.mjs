// BitTorrent tracker load: a population of swarms and peers, their HTTP announce URLs, BEP 15 UDP
// announces (with the encoders of @shoal/tracker), and opentracker started on loopback.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './coordinator.mjs';
import { freePort, requireBinary, startExternal } from './external.mjs';

export const OPENTRACKER = '/usr/bin/opentracker';

/** The client side of BEP 15 from our own tracker library (built by `npm run build`). */
export async function trackerClientCodec() {
  const url = pathToFileURL(join(repoRoot, 'libs', 'tracker', 'dist', 'index.js')).href;
  const { encodeUdpConnectRequest, encodeUdpAnnounceRequest, decodeUdpResponse } = await import(url);
  return { encodeUdpConnectRequest, encodeUdpAnnounceRequest, decodeUdpResponse };
}

/**
 * `torrents` swarms of `peersPerTorrent` peers each: random 20-byte info hashes and peer ids, a
 * distinct port per peer within its swarm (opentracker tells peers apart by address and port,
 * and every peer here comes from 127.0.0.1), one in four a seeder.
 */
export function makePopulation({ torrents, peersPerTorrent }) {
  const infoHashes = Array.from({ length: torrents }, () => randomBytes(20));
  const peers = [];
  for (let p = 0; p < peersPerTorrent; p += 1) {
    for (const [t, infoHash] of infoHashes.entries()) {
      peers.push({
        infoHash,
        torrent: t,
        peerId: Buffer.concat([Buffer.from('-BN0001-'), randomBytes(12)]),
        port: 20_000 + p,
        left: p % 4 === 0 ? 0 : 1_048_576,
        key: randomBytes(4).readUInt32BE(0),
      });
    }
  }
  return { infoHashes, peers };
}

/** Percent-encodes bytes as BitTorrent clients do: unreserved characters as they are, the rest %XX. */
export function percentEncodeBytes(bytes) {
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.\-_~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The HTTP announce path of each peer (compact, numwant 50), with `event` when given. */
export function announcePaths(peers, { event } = {}) {
  return peers.map(
    (peer) =>
      `/announce?info_hash=${percentEncodeBytes(peer.infoHash)}&peer_id=${percentEncodeBytes(peer.peerId)}` +
      `&port=${peer.port}&uploaded=0&downloaded=0&left=${peer.left}&compact=1&numwant=50` +
      `&key=${peer.key.toString(16)}${event ? `&event=${event}` : ''}`,
  );
}

/** A function that walks `items` round and round: each call answers the next one. */
export function roundRobin(items) {
  let next = 0;
  return () => {
    const item = items[next];
    next = next + 1 === items.length ? 0 : next + 1;
    return item;
  };
}

/** A bencoded tracker answer that is an announce result, not a `failure reason`. */
export function isAnnounceAnswer(body) {
  return typeof body === 'string' && body.includes('5:peers') && !body.includes('failure reason');
}

/**
 * BEP 15 on `udpClosedLoop`: each client connects once (connect request, connection id), then
 * announces peers taken in turn from `nextPeer`. An error answer (e.g. an expired connection id)
 * connects again.
 */
export function udpAnnounceLoad(codec, nextPeer) {
  let transactionId = 1;
  const nextTransaction = () => {
    transactionId = (transactionId + 1) >>> 0 || 1;
    return transactionId;
  };
  return {
    async setup(client) {
      const tid = nextTransaction();
      const answer = await client.exchange(codec.encodeUdpConnectRequest(tid), (message) => {
        try {
          const decoded = codec.decodeUdpResponse(message);
          return decoded.transactionId === tid && decoded.action === 'connect';
        } catch {
          return false;
        }
      });
      client.connectionId = codec.decodeUdpResponse(answer).connectionId;
    },
    request(client) {
      const peer = nextPeer();
      client.transactionId = nextTransaction();
      return codec.encodeUdpAnnounceRequest({
        connectionId: client.connectionId,
        transactionId: client.transactionId,
        infoHash: peer.infoHash.toString('hex'),
        peerId: peer.peerId.toString('hex'),
        downloaded: 0,
        left: peer.left,
        uploaded: 0,
        event: 'update',
        ip: 0,
        key: peer.key,
        numwant: 50,
        port: peer.port,
      });
    },
    answer(client, message) {
      // Action (4 bytes) and transaction id (4 bytes) first: checked without decoding the peers.
      if (message.length < 8 || message.readUInt32BE(4) !== client.transactionId) return 'ignore';
      const action = message.readUInt32BE(0);
      if (action === 1 && message.length >= 20) return 'ok';
      return action === 3 ? 'reset' : 'error';
    },
  };
}

/**
 * Starts Debian's opentracker on 127.0.0.1 (HTTP and UDP on one free port). Debian builds it with
 * a whitelist (WANT_ACCESSLIST_WHITE): the info hashes are written to one, in a temporary
 * directory opentracker chroots into before dropping to `nobody`. Ready once an announce of the
 * first info hash is answered with peers rather than "not authorized".
 */
export async function startOpentracker(infoHashes) {
  const binary = requireBinary(OPENTRACKER, 'opentracker');
  const dir = await mkdtemp(join(tmpdir(), 'shoal-bench-opentracker-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'whitelist.txt'), `${infoHashes.map((h) => h.toString('hex')).join('\n')}\n`);
    await chmod(join(dir, 'whitelist.txt'), 0o644);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const probe = { infoHash: infoHashes[0], peerId: randomBytes(20), port: 1, left: 0, key: 1 };
    const [probePath] = announcePaths([probe]);
    const handle = await startExternal({
      command: binary,
      args: ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', dir, '-w', '/whitelist.txt'],
      name: 'opentracker',
      ready: async () => isAnnounceAnswer(await (await fetch(`${url}${probePath}`)).text()),
      cleanup: removeDir,
    });
    return { ...handle, url, host: '127.0.0.1', udpPort: port };
  } catch (error) {
    await removeDir();
    throw error;
  }
}
