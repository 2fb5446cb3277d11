import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttributeType,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  createTurnServer,
  errorCode,
  lifetime,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  unknownAttributes,
  xorMappedAddress,
  xorRelayedAddress,
} from '@shoal/turn';
import { TestTurnClient, errorOf, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';

const SECRET = 'udp-test-secret';

describe('TURN over UDP', () => {
  let server: TurnServer;
  let address: TransportAddress;
  let peer: UdpPeer;
  const clients: TestTurnClient[] = [];

  const client = async (userId = 'alice'): Promise<TestTurnClient> => {
    const created = await TestTurnClient.udp(address, turnRestCredentials(SECRET, userId, 600));
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = createTurnServer({ host: '127.0.0.1', port: 0, secret: SECRET, allowLoopbackPeers: true });
    const addresses = await server.listen();
    address = addresses.udp as TransportAddress;
    peer = await UdpPeer.start();
  });

  afterAll(async () => {
    for (const each of clients) each.close();
    peer.close();
    await server.close();
  });

  it('listens on the same free port for UDP and TCP', () => {
    expect(server.addresses.udp?.port).toBeGreaterThan(0);
    expect(server.addresses.tcp?.port).toBe(server.addresses.udp?.port);
  });

  it('answers a Binding request from anyone with the mapped address and SOFTWARE', async () => {
    const stun = await TestTurnClient.udp(address);
    clients.push(stun);
    const request = StunMessageBuilder.of(StunMethod.Binding, StunClass.Request);
    const response = await stun.transact(request, request.encode({ fingerprint: true }));
    expect(response.messageClass).toBe(StunClass.SuccessResponse);
    expect(response.get(xorMappedAddress)).toEqual(stun.local);
    expect(response.has(AttributeType.Software)).toBe(true);
    expect(response.has(AttributeType.Fingerprint)).toBe(true);
  });

  it('challenges an Allocate without credentials with 401, REALM and NONCE', async () => {
    const anonymous = await TestTurnClient.udp(address);
    clients.push(anonymous);
    const request = StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request).add(
      (await import('@shoal/turn')).requestedTransport,
      17,
    );
    const response = await anonymous.transact(request);
    expect(errorOf(response)).toBe(401);
    expect(response.has(AttributeType.Realm)).toBe(true);
    expect(response.has(AttributeType.Nonce)).toBe(true);
    expect(response.has(AttributeType.MessageIntegrity)).toBe(false);
  });

  it('allocates a relayed address with TURN REST credentials', async () => {
    const alice = await client();
    const response = await alice.allocate();
    expect(isSuccess(response)).toBe(true);
    const relayed = response.get(xorRelayedAddress);
    expect(relayed?.address).toBe('127.0.0.1');
    expect(relayed?.port).toBeGreaterThan(0);
    expect(response.get(lifetime)).toBe(600);
    expect(response.get(xorMappedAddress)).toEqual(alice.local);
    expect(response.has(AttributeType.MessageIntegrity)).toBe(true);
  });

  it('relays Send indications out and Data indications back once a permission exists', async () => {
    const alice = await client();
    const relayed = (await alice.allocate()).get(xorRelayedAddress) as TransportAddress;

    alice.sendIndication(peer.address, Buffer.from('before permission'));
    expect(isSuccess(await alice.createPermission(peer.address))).toBe(true);
    const before = peer.received.length;
    alice.sendIndication(peer.address, Buffer.from('hello peer'));
    await peer.waitFor(before + 1);
    const arrived = peer.received[before];
    expect(arrived?.data.toString()).toBe('hello peer');
    expect(arrived?.from.port).toBe(relayed.port);

    peer.send(Buffer.from('hello client, odd length'), relayed);
    const back = await alice.receive();
    expect(back.data.toString()).toBe('hello client, odd length');
    expect(back.peer).toEqual(peer.address);
  });

  it('relays ChannelData both ways after ChannelBind', async () => {
    const alice = await client();
    const relayed = (await alice.allocate()).get(xorRelayedAddress) as TransportAddress;
    expect(isSuccess(await alice.channelBind(0x4001, peer.address))).toBe(true);

    const before = peer.received.length;
    alice.sendChannelData(0x4001, Buffer.from('over channel'));
    await peer.waitFor(before + 1);
    expect(peer.received[before]?.data.toString()).toBe('over channel');

    peer.send(Buffer.from('back over channel'), relayed);
    const back = await alice.receive();
    expect(back.channel).toBe(0x4001);
    expect(back.data.toString()).toBe('back over channel');
  });

  it('refuses conflicting channel bindings with 400 and out-of-range channels with 400', async () => {
    const alice = await client();
    await alice.allocate();
    const other = await UdpPeer.start();
    try {
      expect(isSuccess(await alice.channelBind(0x4002, peer.address))).toBe(true);
      expect(isSuccess(await alice.channelBind(0x4002, peer.address))).toBe(true); // refresh
      expect(errorOf(await alice.channelBind(0x4002, other.address))).toBe(400);
      expect(errorOf(await alice.channelBind(0x4003, peer.address))).toBe(400);
      expect(errorOf(await alice.channelBind(0x3fff, other.address))).toBe(400);
      expect(errorOf(await alice.channelBind(0x8000, other.address))).toBe(400);
    } finally {
      other.close();
    }
  });

  it('answers 437 to a second Allocate and to requests without an allocation', async () => {
    const alice = await client();
    expect(errorOf(await alice.createPermission(peer.address))).toBe(437);
    expect(errorOf(await alice.refresh())).toBe(437);
    expect(isSuccess(await alice.allocate())).toBe(true);
    expect(errorOf(await alice.allocate())).toBe(437);
  });

  it('answers a retransmitted Allocate with the same success', async () => {
    const alice = await client();
    const active = server.stats().allocationsActive;
    const first = await alice.allocate();
    expect(isSuccess(first)).toBe(true);
    const again = await alice.retransmitLast();
    expect(isSuccess(again)).toBe(true);
    expect(again.get(xorRelayedAddress)).toEqual(first.get(xorRelayedAddress));
    expect(server.stats().allocationsActive).toBe(active + 1);
  });

  it('refreshes, and deletes the allocation with LIFETIME 0', async () => {
    const alice = await client();
    await alice.allocate();
    const refreshed = await alice.refresh(1200);
    expect(refreshed.get(lifetime)).toBe(1200);
    expect((await alice.refresh(999_999)).get(lifetime)).toBe(3600);
    expect((await alice.refresh(10)).get(lifetime)).toBe(600);
    const active = server.stats().allocationsActive;
    expect((await alice.refresh(0)).get(lifetime)).toBe(0);
    expect(server.stats().allocationsActive).toBe(active - 1);
    expect(errorOf(await alice.refresh())).toBe(437);
  });

  it('answers 441 when another user refreshes the allocation of this 5-tuple', async () => {
    const alice = await client();
    await alice.allocate();
    alice.credentials = turnRestCredentials(SECRET, 'mallory', 600);
    expect(errorOf(await alice.refresh())).toBe(441);
  });

  it('refuses private, link-local and special peers with 403', async () => {
    const alice = await client();
    await alice.allocate();
    for (const address of ['10.1.2.3', '192.168.1.1', '172.16.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0']) {
      const response = await alice.createPermission({ family: 'IPv4', address, port: 1234 });
      expect(errorOf(response), address).toBe(403);
    }
    expect(errorOf(await alice.channelBind(0x4005, { family: 'IPv4', address: '10.0.0.1', port: 1 }))).toBe(403);
    // All or nothing: one refused peer refuses the request.
    const mixed = await alice.createPermission(peer.address, { family: 'IPv4', address: '10.0.0.1', port: 1 });
    expect(errorOf(mixed)).toBe(403);
    expect(isSuccess(await alice.createPermission({ family: 'IPv4', address: '8.8.8.8', port: 53 }))).toBe(true);
  });

  it('answers 443 for an IPv6 peer on an IPv4 relay', async () => {
    const alice = await client();
    await alice.allocate();
    expect(errorOf(await alice.createPermission({ family: 'IPv6', address: '2001:4860::8888', port: 53 }))).toBe(443);
  });

  it('answers 442 for a transport other than UDP, 400 without one, 440 for IPv6 relays', async () => {
    const alice = await client();
    const { requestedTransport, requestedAddressFamily } = await import('@shoal/turn');
    const tcp = await alice.request(StunMethod.Allocate, (builder) => builder.add(requestedTransport, 6));
    expect(errorOf(tcp)).toBe(442);
    expect(errorOf(await alice.request(StunMethod.Allocate))).toBe(400);
    const v6 = await alice.allocate((builder) => builder.add(requestedAddressFamily, 'IPv6'));
    expect(errorOf(v6)).toBe(440);
  });

  it('answers 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes', async () => {
    const alice = await client();
    const response = await alice.allocate((builder) => {
      builder.addRaw(AttributeType.Userhash, Buffer.alloc(32));
      builder.addRaw(0x7777, Buffer.alloc(4));
      builder.addRaw(0xc001, Buffer.alloc(4)); // comprehension-optional: ignored
    });
    expect(errorOf(response)).toBe(420);
    expect(response.get(unknownAttributes)).toEqual([AttributeType.Userhash, 0x7777]);
  });

  it('answers 401 to wrong passwords and to expired TURN REST usernames', async () => {
    const wrong = await TestTurnClient.udp(address, {
      username: turnRestCredentials(SECRET, 'x', 60).username,
      password: 'nope',
    });
    const expired = await TestTurnClient.udp(address, turnRestCredentials(SECRET, 'late', 60, Date.now() - 3600_000));
    clients.push(wrong, expired);
    const failures = server.stats().authFailures;
    expect(errorOf(await wrong.allocate())).toBe(401);
    expect(errorOf(await expired.allocate())).toBe(401);
    expect(server.stats().authFailures).toBe(failures + 2);
  });

  it('answers 400 to a MESSAGE-INTEGRITY without USERNAME, REALM and NONCE', async () => {
    const anonymous = await TestTurnClient.udp(address);
    clients.push(anonymous);
    const request = StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request);
    const response = await anonymous.transact(request, request.encode({ integrityKey: Buffer.alloc(16) }));
    expect(response.get(errorCode)?.code).toBe(400);
  });

  it('counts relayed bytes and allocations', async () => {
    const stats = server.stats();
    expect(stats.allocationsCreated).toBeGreaterThan(0);
    expect(stats.bytesToPeers).toBeGreaterThan(0);
    expect(stats.bytesToClients).toBeGreaterThan(0);
    expect(stats.bindingRequests).toBeGreaterThan(0);
    expect(stats.permissionsActive).toBeGreaterThan(0);
    expect(stats.channelsActive).toBeGreaterThan(0);
  });
});
