import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket, settle, until } from '../../test/support/fake-socket.js';
import type { TrackerOptions } from '../options.js';
import { createTracker } from '../tracker.js';
import type { Tracker } from '../tracker.js';
import { binaryStringToHex } from './binary-string.js';
import { attachWebSocketPeer } from './ws-peer.js';

const bin = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
const HASH = 'e2'.repeat(20);
const A = 'aa'.repeat(20);
const B = 'bb'.repeat(20);
const OFFER1 = '01'.repeat(20);
const OFFER2 = '02'.repeat(20);

let tracker: Tracker;
const make = (options: TrackerOptions = {}) =>
  (tracker = createTracker({ sweepIntervalSeconds: 0, webSocketAnnounceIntervalSeconds: 120, ...options }));
afterEach(() => tracker?.close());

function connect(options: Parameters<typeof attachWebSocketPeer>[3] = {}) {
  const socket = new FakeSocket();
  const peer = attachWebSocketPeer(tracker, socket, '::ffff:127.0.0.1', options);
  return { socket, peer };
}

const announce = (peerId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ action: 'announce', info_hash: bin(HASH), peer_id: bin(peerId), event: 'started', ...extra });

const offers = (...ids: string[]) =>
  ids.map((id) => ({ offer: { type: 'offer', sdp: `sdp-${id}` }, offer_id: bin(id) }));

describe('attachWebSocketPeer', () => {
  it('relays offers to chosen peers and the answer back, like a WebTorrent tracker', async () => {
    make();
    const a = connect();
    a.socket.receive(announce(A, { offers: [] }));
    const [first] = await a.socket.sentCount(1);
    expect(first).toEqual({
      action: 'announce',
      interval: 120,
      'min interval': 60,
      info_hash: bin(HASH),
      complete: 0,
      incomplete: 1,
    });
    expect([...a.peer.peers.keys()]).toEqual([A]);

    const b = connect();
    b.socket.receive(announce(B, { offers: offers(OFFER1, OFFER2), left: 0 }));
    await b.socket.sentCount(1);
    expect(b.socket.sent[0]).toMatchObject({ action: 'announce', complete: 1, incomplete: 1 });
    // A is the only other peer, so it gets exactly one of B's offers.
    const [, offer] = await a.socket.sentCount(2);
    expect(offer).toEqual({
      action: 'announce',
      offer: { type: 'offer', sdp: `sdp-${OFFER1}` },
      offer_id: bin(OFFER1),
      peer_id: bin(B),
      info_hash: bin(HASH),
    });

    a.socket.receive(
      announce(A, {
        event: undefined,
        answer: { type: 'answer', sdp: 'ans' },
        offer_id: bin(OFFER1),
        to_peer_id: bin(B),
      }),
    );
    const [, answer] = await b.socket.sentCount(2);
    expect(answer).toEqual({
      action: 'announce',
      answer: { type: 'answer', sdp: 'ans' },
      offer_id: bin(OFFER1),
      peer_id: bin(A),
      info_hash: bin(HASH),
    });
    // An answer is relayed, not answered.
    await settle();
    expect(a.socket.sent).toHaveLength(2);
    // ...and it left B a seeder.
    expect(await tracker.getSwarm(HASH)).toMatchObject({ seeders: 1, leechers: 1 });
  });

  it('refuses answers to offers the peer never received, with a failure reason, and keeps the socket', async () => {
    make();
    const b = connect();
    b.socket.receive(announce(B));
    await b.socket.sentCount(1);
    const a = connect();
    a.socket.receive(announce(A));
    await a.socket.sentCount(1);
    a.socket.receive(announce(A, { answer: { type: 'answer', sdp: 'x' }, offer_id: bin(OFFER1), to_peer_id: bin(B) }));
    const [, failure] = await a.socket.sentCount(2);
    expect(failure).toEqual({ action: 'announce', 'failure reason': 'no such peer', info_hash: bin(HASH) });
    expect(a.socket.closed).toBeUndefined();
    expect(b.socket.sent).toHaveLength(1);
  });

  it('closes sockets that do not speak the protocol', async () => {
    make();
    const cases: [unknown, number][] = [
      ['not json', 1003],
      ['[]', 1003],
      [JSON.stringify({ action: 'dance' }), 1003],
      [Buffer.from([0xff, 0xfe]), 1007],
      [12345, 1007],
      ['x'.repeat(300 * 1024), 1009],
    ];
    for (const [data, closeCode] of cases) {
      const { socket } = connect();
      socket.receive(data);
      await until(() => socket.closed !== undefined);
      expect(socket.closed?.code, String(data).slice(0, 20)).toBe(closeCode);
    }
  });

  it('answers bad fields inside the protocol with a failure reason', async () => {
    make();
    const { socket } = connect();
    socket.receive(announce(A, { event: 'exploded' }));
    socket.receive(JSON.stringify({ action: 'announce', info_hash: bin(HASH), peer_id: 'short' }));
    socket.receive(JSON.stringify({ action: 'scrape' }));
    await socket.sentCount(3);
    expect(socket.sent).toEqual([
      { action: 'announce', 'failure reason': 'invalid event', info_hash: bin(HASH) },
      { action: 'announce', 'failure reason': 'invalid peer_id', info_hash: bin(HASH) },
      { action: 'scrape', 'failure reason': 'invalid info_hash' },
    ]);
    expect(socket.closed).toBeUndefined();
  });

  it('serves several peer ids on one socket (clients pool sockets), up to a limit', async () => {
    make();
    const { socket, peer } = connect();
    for (let i = 1; i <= 17; i++) socket.receive(announce(i.toString(16).padStart(40, '0')));
    await socket.sentCount(17);
    expect(peer.peers.size).toBe(16);
    expect(socket.sent.filter((m) => m['failure reason'] === 'too many peer ids on one socket')).toHaveLength(1);
    expect((await tracker.getSwarm(HASH))?.leechers).toBe(16);
    socket.close();
    await until(() => peer.peers.size === 0);
    await settle();
    expect(await tracker.getSwarm(HASH)).toBeUndefined();
  });

  it('lets a peer answer only offers made to it', async () => {
    make();
    const a = connect();
    a.socket.receive(announce(A));
    await a.socket.sentCount(1);
    const b = connect();
    b.socket.receive(announce(B, { offers: offers(OFFER1) }));
    await a.socket.sentCount(2);
    // Another peer on A's socket tries to answer the offer that was made to A.
    const C = 'cc'.repeat(20);
    a.socket.receive(announce(C, { answer: { type: 'answer' }, offer_id: bin(OFFER1), to_peer_id: bin(B) }));
    await a.socket.sentCount(3);
    expect(a.socket.sent[2]).toMatchObject({ 'failure reason': 'no such peer' });
  });

  it('takes a closed socket out of its swarms and out of the relay', async () => {
    make();
    const a = connect();
    a.socket.receive(announce(A));
    await a.socket.sentCount(1);
    a.socket.close();
    await until(() => a.peer.peers.size === 0);
    await settle();
    expect(await tracker.getSwarm(HASH)).toBeUndefined();
    expect(
      await tracker.relay.send(undefined, {
        kind: 'offer',
        toPeerId: A,
        fromPeerId: B,
        fromRoute: 'r',
        offerId: OFFER1,
        frame: '{}',
      }),
    ).toBe(false);
  });

  it('scrapes, and hands the passkey from the upgrade URL to the filter', async () => {
    make({ filter: ({ request }) => (request.passkey === 'k1' ? true : 'bad passkey') });
    const good = connect({ rawQueryString: 'passkey=k1' });
    good.socket.receive(announce(A));
    good.socket.receive(JSON.stringify({ action: 'scrape', info_hash: [bin(HASH)] }));
    await good.socket.sentCount(2);
    const scrape = good.socket.sent.find((m) => m.action === 'scrape') as { files: Record<string, unknown> };
    expect(Object.keys(scrape.files).map(binaryStringToHex)).toEqual([HASH]);
    expect(Object.values(scrape.files)).toEqual([{ complete: 0, incomplete: 1, downloaded: 0 }]);

    const bad = connect({ rawQueryString: 'passkey=nope' });
    bad.socket.receive(announce(B));
    await bad.socket.sentCount(1);
    expect(bad.socket.sent[0]).toMatchObject({ 'failure reason': 'bad passkey' });
    const garbled = connect({ rawQueryString: 'passkey=%zz' });
    expect(garbled.socket.closed?.code).toBe(1008);
  });

  it('reports relays to the hooks', async () => {
    const relays: string[] = [];
    make({ hooks: { onRelay: (kind, delivered) => relays.push(`${kind}:${delivered}`) } });
    const a = connect();
    a.socket.receive(announce(A));
    await a.socket.sentCount(1);
    const b = connect();
    b.socket.receive(announce(B, { offers: offers(OFFER1) }));
    await a.socket.sentCount(2);
    a.socket.close();
    await settle();
    b.socket.receive(announce(B, { event: 'update', offers: offers(OFFER2) }));
    await b.socket.sentCount(2);
    await settle();
    expect(relays).toEqual(['offer:true']);
  });
});
