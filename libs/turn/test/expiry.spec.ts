import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  StunClass,
  StunMessageBuilder,
  StunMethod,
  createTurnServer,
  errorCode,
  longTermKey,
  nonce,
  realm,
  requestedTransport,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  username,
  xorRelayedAddress,
} from '@shoal/turn';
import { TestTurnClient, errorOf, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';
import { waitUntil } from './support/wait.js';

const SECRET = 'expiry-secret';

/** Lifetimes under a clock the test moves: no waiting, no timing in assertions. */
describe('expiry of nonces, allocations, permissions and channels', () => {
  let now = Date.now();
  let server: TurnServer;
  let address: TransportAddress;
  let peer: UdpPeer;
  const clients: TestTurnClient[] = [];

  const advance = (seconds: number): void => {
    now += seconds * 1000;
    server.sweep();
  };
  const client = async (): Promise<TestTurnClient> => {
    // Credentials valid for a day of the test's clock.
    const created = await TestTurnClient.udp(address, turnRestCredentials(SECRET, 'clock', 86_400, now));
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = createTurnServer({
      host: '127.0.0.1',
      port: 0,
      tcp: false,
      secret: SECRET,
      allowLoopbackPeers: true,
      nonceLifetimeSeconds: 60,
      sweepIntervalMs: 60_000,
      now: () => now,
    });
    address = (await server.listen()).udp as TransportAddress;
    peer = await UdpPeer.start();
  });

  beforeEach(() => {
    peer.received.length = 0;
  });

  afterAll(async () => {
    for (const each of clients) each.close();
    peer.close();
    await server.close();
  });

  it('answers 438 Stale Nonce, with a fresh NONCE and REALM, once the nonce expired', async () => {
    const raw = await client();
    const credentials = raw.credentials as { username: string; password: string };
    const first = await raw.transact(
      StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request).add(requestedTransport, 17),
    );
    expect(errorOf(first)).toBe(401);
    const oldNonce = first.get(nonce) as string;
    const serverRealm = first.get(realm) as string;

    advance(61);
    const builder = StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request)
      .add(requestedTransport, 17)
      .add(username, credentials.username)
      .add(realm, serverRealm)
      .add(nonce, oldNonce);
    const stale = await raw.transact(
      builder,
      builder.encode({ integrityKey: longTermKey(credentials.username, serverRealm, credentials.password) }),
    );
    expect(stale.get(errorCode)?.code).toBe(438);
    expect(stale.get(realm)).toBe(serverRealm);
    expect(stale.get(nonce)).not.toBe(oldNonce);
    // The client library retries with the new nonce and gets through.
    expect(isSuccess(await raw.allocate())).toBe(true);
  });

  it('expires an allocation after its lifetime and answers 437 afterwards', async () => {
    const alice = await client();
    await alice.allocate();
    const ended = new Promise<string>((resolve) => server.once('allocationDeleted', (info) => resolve(info.reason)));
    advance(599);
    expect(isSuccess(await alice.createPermission(peer.address))).toBe(true);
    advance(2);
    expect(await ended).toBe('expired');
    expect(errorOf(await alice.refresh())).toBe(437);
  });

  it('keeps an allocation alive with Refresh', async () => {
    const alice = await client();
    await alice.allocate();
    advance(500);
    expect(isSuccess(await alice.refresh(600))).toBe(true);
    advance(500);
    expect(isSuccess(await alice.createPermission(peer.address))).toBe(true);
  });

  it('expires permissions after 300 s: the peer is no longer relayed', async () => {
    const alice = await client();
    const relayed = (await alice.allocate()).get(xorRelayedAddress) as TransportAddress;
    await alice.createPermission(peer.address);
    peer.send(Buffer.from('allowed'), relayed);
    expect((await alice.receive()).data.toString()).toBe('allowed');

    advance(299);
    peer.send(Buffer.from('still allowed'), relayed);
    expect((await alice.receive()).data.toString()).toBe('still allowed');

    advance(2);
    const dropped = server.stats().droppedPackets;
    peer.send(Buffer.from('too late'), relayed);
    alice.sendIndication(peer.address, Buffer.from('too late too'));
    // Both get dropped; a Binding round trip afterwards proves the server has seen them.
    await alice.transact(StunMessageBuilder.of(StunMethod.Binding, StunClass.Request));
    await waitUntil(() => server.stats().droppedPackets >= dropped + 2);
    expect(alice.pendingReceived).toBe(0);
    expect(peer.received).toHaveLength(0);
  });

  it('expires channel bindings after 600 s, and refreshing the channel keeps its permission', async () => {
    const alice = await client();
    await alice.allocate();
    expect(isSuccess(await alice.refresh(3600))).toBe(true);
    const channels = server.stats().channelsActive;
    expect(isSuccess(await alice.channelBind(0x4444, peer.address))).toBe(true);
    expect(server.stats().channelsActive).toBe(channels + 1);

    advance(290);
    expect(isSuccess(await alice.channelBind(0x4444, peer.address))).toBe(true);
    advance(290);
    alice.sendChannelData(0x4444, Buffer.from('channel still bound'));
    await peer.waitFor(1);

    advance(601);
    expect(server.stats().channelsActive).toBe(channels);
    // The number is free again, for another peer even.
    const other = await UdpPeer.start();
    try {
      expect(isSuccess(await alice.channelBind(0x4444, other.address))).toBe(true);
    } finally {
      other.close();
    }
  });
});
