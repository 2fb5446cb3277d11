import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTurnServer,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  xorRelayedAddress,
} from '@shoal/turn';
import { TestTurnClient, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';

const SECRET = 'integrity-secret';

/** Payload i: its sequence number, then bytes derived from it, of a length that varies with i. */
function payload(i: number): Buffer {
  const bytes = Buffer.alloc(4 + ((i * 37) % 1200));
  bytes.writeUInt32BE(i, 0);
  for (let j = 4; j < bytes.length; j++) bytes[j] = (i + j) & 0xff;
  return bytes;
}

function intact(bytes: Buffer): boolean {
  return bytes.length >= 4 && payload(bytes.readUInt32BE(0)).equals(bytes);
}

/**
 * The relay reuses its header buffers from packet to packet; a burst in both directions, over
 * ChannelData and Data indications, over UDP and TCP, must arrive uncorrupted (UDP may lose some,
 * which is not asserted on beyond "a good part arrives": what arrives must be intact).
 */
describe('relayed data stays intact under bursts', () => {
  let server: TurnServer;
  let addresses: { udp: TransportAddress; tcp: TransportAddress };
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    server = createTurnServer({ host: '127.0.0.1', port: 0, secret: SECRET, allowLoopbackPeers: true });
    addresses = (await server.listen()) as typeof addresses;
  });

  afterAll(async () => {
    for (const close of closers) close();
    await server.close();
  });

  it.each(['udp', 'tcp'] as const)('over %s', async (transport) => {
    const credentials = turnRestCredentials(SECRET, `burst-${transport}`, 600);
    const client =
      transport === 'udp'
        ? await TestTurnClient.udp(addresses.udp, credentials)
        : await TestTurnClient.tcp(addresses.tcp, credentials);
    const channelPeer = await UdpPeer.start();
    const indicationPeer = await UdpPeer.start();
    closers.push(
      () => client.close(),
      () => channelPeer.close(),
      () => indicationPeer.close(),
    );

    const relayed = (await client.allocate()).get(xorRelayedAddress) as TransportAddress;
    expect(isSuccess(await client.channelBind(0x4abc, channelPeer.address))).toBe(true);
    expect(isSuccess(await client.createPermission(indicationPeer.address))).toBe(true);

    const count = 1000;
    for (let i = 0; i < count; i++) {
      channelPeer.send(payload(i), relayed);
      indicationPeer.send(payload(count + i), relayed);
      client.sendChannelData(0x4abc, payload(2 * count + i));
      client.sendIndication(indicationPeer.address, payload(3 * count + i));
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }

    const toClient: Buffer[] = [];
    for (;;) {
      try {
        toClient.push((await client.receive(1000)).data);
      } catch {
        break;
      }
    }
    const toPeers = [...channelPeer.received, ...indicationPeer.received].map((each) => each.data);
    expect(toClient.length).toBeGreaterThan(count / 4);
    expect(toPeers.length).toBeGreaterThan(count / 4);
    expect(toClient.filter((bytes) => !intact(bytes))).toEqual([]);
    expect(toPeers.filter((bytes) => !intact(bytes))).toEqual([]);
  });
});
