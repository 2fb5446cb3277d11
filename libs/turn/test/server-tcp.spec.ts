import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StunClass,
  StunMessageBuilder,
  StunMethod,
  createTurnServer,
  encodeChannelData,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  xorMappedAddress,
  xorRelayedAddress,
} from '@shoal/turn';
import { TestTurnClient, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';
import { waitUntil } from './support/wait.js';

const SECRET = 'tcp-test-secret';

describe('TURN over TCP', () => {
  let server: TurnServer;
  let address: TransportAddress;
  let peer: UdpPeer;
  const clients: TestTurnClient[] = [];

  const client = async (userId = 'tcp-user'): Promise<TestTurnClient> => {
    const created = await TestTurnClient.tcp(address, turnRestCredentials(SECRET, userId, 600));
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = createTurnServer({ host: '127.0.0.1', port: 0, secret: SECRET, allowLoopbackPeers: true });
    address = (await server.listen()).tcp as TransportAddress;
    peer = await UdpPeer.start();
  });

  afterAll(async () => {
    for (const each of clients) each.close();
    peer.close();
    await server.close();
  });

  it('answers Binding over TCP', async () => {
    const stun = await client();
    const response = await stun.transact(StunMessageBuilder.of(StunMethod.Binding, StunClass.Request));
    expect(response.get(xorMappedAddress)).toEqual(stun.local);
  });

  it('relays padded ChannelData both ways, whatever the payload length', async () => {
    const alice = await client();
    const relayed = (await alice.allocate()).get(xorRelayedAddress) as TransportAddress;
    expect(isSuccess(await alice.channelBind(0x4100, peer.address))).toBe(true);
    for (const length of [0, 1, 2, 3, 4, 5, 1000, 1001]) {
      const payload = Buffer.alloc(length, length % 251);
      const before = peer.received.length;
      alice.sendChannelData(0x4100, payload);
      await peer.waitFor(before + 1);
      expect(peer.received[before]?.data.equals(payload)).toBe(true);

      peer.send(payload, relayed);
      const back = await alice.receive();
      expect(back.channel).toBe(0x4100);
      expect(back.data.equals(payload)).toBe(true);
    }
    // Every frame the server wrote was padded to 4 bytes (the framer would have choked otherwise).
    const channelFrames = alice.raw.filter((frame) => (frame[0] as number) >> 6 === 1);
    expect(channelFrames.every((frame) => frame.length % 4 === 0)).toBe(true);
  });

  it('relays Send/Data indications', async () => {
    const alice = await client();
    const relayed = (await alice.allocate()).get(xorRelayedAddress) as TransportAddress;
    expect(isSuccess(await alice.createPermission(peer.address))).toBe(true);
    const before = peer.received.length;
    alice.sendIndication(peer.address, Buffer.from('tcp send'));
    await peer.waitFor(before + 1);
    expect(peer.received[before]?.data.toString()).toBe('tcp send');
    peer.send(Buffer.from('tcp data'), relayed);
    expect((await alice.receive()).data.toString()).toBe('tcp data');
  });

  it('reassembles frames split byte by byte and several frames in one write', async () => {
    const alice = await client();
    await alice.allocate();
    expect(isSuccess(await alice.channelBind(0x4101, peer.address))).toBe(true);
    const frames = Buffer.concat([
      encodeChannelData(0x4101, Buffer.from('one'), { pad: true }),
      encodeChannelData(0x4101, Buffer.from('two!'), { pad: true }),
      encodeChannelData(0x4101, Buffer.from('three'), { pad: true }),
    ]);
    const before = peer.received.length;
    for (let i = 0; i < frames.length; i++) alice.sendRaw(frames.subarray(i, i + 1));
    alice.sendRaw(frames);
    await peer.waitFor(before + 6);
    expect(peer.received.slice(before).map((each) => each.data.toString())).toEqual([
      'one',
      'two!',
      'three',
      'one',
      'two!',
      'three',
    ]);
  });

  it('deletes the allocation when the connection closes', async () => {
    const alice = await client('closer');
    await alice.allocate();
    const ended = new Promise<string>((resolve) =>
      server.once('allocationDeleted', (info) => resolve(`${info.userId}/${info.reason}`)),
    );
    alice.close();
    expect(await ended).toBe('closer/connection-closed');
  });

  it('closes a connection that sends bytes which are neither STUN nor ChannelData', async () => {
    const garbage = await client();
    const malformed = server.stats().malformedMessages;
    garbage.sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'.replace('G', '\xff'), 'latin1'));
    await garbage.socketClosed;
    expect(server.stats().malformedMessages).toBe(malformed + 1);
  });
});

describe('TCP connection limits', () => {
  let server: TurnServer;
  let address: TransportAddress;

  beforeAll(async () => {
    server = createTurnServer({
      host: '127.0.0.1',
      port: 0,
      udp: false,
      secret: SECRET,
      maxTcpConnections: 2,
      tcpIdleTimeoutSeconds: 1,
    });
    address = (await server.listen()).tcp as TransportAddress;
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on TCP alone when UDP is off', () => {
    expect(server.addresses.udp).toBeUndefined();
    expect(server.addresses.tcp?.port).toBeGreaterThan(0);
  });

  it('closes connections beyond maxTcpConnections, and idle ones without an allocation', async () => {
    const first = await TestTurnClient.tcp(address);
    const second = await TestTurnClient.tcp(address);
    await first.transact(StunMessageBuilder.of(StunMethod.Binding, StunClass.Request));
    await second.transact(StunMessageBuilder.of(StunMethod.Binding, StunClass.Request));
    const third = await TestTurnClient.tcp(address);
    await third.socketClosed;
    // The two that are within the limit say nothing more and are closed as idle.
    await Promise.all([first.socketClosed, second.socketClosed]);
    await waitUntil(() => server.stats().tcpConnectionsActive === 0);
  });

  it('keeps an idle connection that holds an allocation', async () => {
    const holder = await TestTurnClient.tcp(address, turnRestCredentials(SECRET, 'holder', 600));
    expect(isSuccess(await holder.allocate())).toBe(true);
    const closedEarly = await Promise.race([
      holder.socketClosed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2500)),
    ]);
    expect(closedEarly).toBe(false);
    expect(server.stats().allocationsActive).toBe(1);
    holder.close();
  });
});
