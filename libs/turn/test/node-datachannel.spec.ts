import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerConnection, cleanup, type DataChannel, type RelayType } from 'node-datachannel';
import { createTurnServer, type TransportAddress, type TurnServer, turnRestCredentials } from '@shoal/turn';

/*
 * Two WebRTC peers (libdatachannel, through node-datachannel) that may only use relayed candidates
 * (iceTransportPolicy "relay"), with our TURN as their only ICE server: if they talk, it is through us.
 * Only TURN over UDP: the node-datachannel build uses libjuice, which says "TURN transports TCP and
 * TLS are not supported with libjuice"; TURN over TCP is exercised by turnutils_uclient -t instead.
 */

const SECRET = 'datachannel-secret';

interface Pair {
  readonly a: PeerConnection;
  readonly b: PeerConnection;
  readonly channelA: DataChannel;
  readonly channelB: Promise<DataChannel>;
}

function connectPair(port: number, relayType: RelayType): Pair {
  const config = (userId: string) => {
    const { username, password } = turnRestCredentials(SECRET, userId, 600);
    return {
      iceServers: [{ hostname: '127.0.0.1', port, username, password, relayType }],
      iceTransportPolicy: 'relay' as const,
    };
  };
  const a = new PeerConnection('a', config('peer-a'));
  const b = new PeerConnection('b', config('peer-b'));
  a.onLocalDescription((sdp, type) => b.setRemoteDescription(sdp, type));
  a.onLocalCandidate((candidate, mid) => b.addRemoteCandidate(candidate, mid));
  b.onLocalDescription((sdp, type) => a.setRemoteDescription(sdp, type));
  b.onLocalCandidate((candidate, mid) => a.addRemoteCandidate(candidate, mid));
  const channelB = new Promise<DataChannel>((resolve) => b.onDataChannel(resolve));
  const channelA = a.createDataChannel('chat');
  return { a, b, channelA, channelB };
}

function nextMessage(channel: DataChannel, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message over the data channel')), timeoutMs);
    channel.onMessage((message) => {
      clearTimeout(timer);
      resolve(typeof message === 'string' ? message : Buffer.from(message as ArrayBuffer).toString());
    });
  });
}

describe('node-datachannel peers through our TURN alone', () => {
  let server: TurnServer;
  let port: number;
  const pairs: Pair[] = [];
  const relayed: TransportAddress[] = [];

  beforeAll(async () => {
    // Relays on 127.0.0.2, clients on 127.0.0.1: permissions are per IP (RFC 8656 §9), so with one
    // IP for both a peer could reach the other's relay straight from its own socket (a "srflx"
    // pair, half relayed). Two loopback IPs make the relay-to-relay path the only one, as two
    // hosts behind NATs would.
    server = createTurnServer({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      allowLoopbackPeers: true,
      relayAddress: '127.0.0.2',
    });
    server.on('allocationCreated', (info) => relayed.push(info.relay));
    port = (await server.listen()).udp?.port ?? 0;
  });

  afterAll(async () => {
    for (const { a, b } of pairs) {
      a.close();
      b.close();
    }
    cleanup();
    await server?.close();
  });

  it('connect relay-only over TURN/UDP and exchange data both ways', async () => {
    const pair = connectPair(port, 'TurnUdp');
    pairs.push(pair);
    const channelB = await pair.channelB;
    const fromA = nextMessage(channelB);
    await new Promise<void>((resolve) => {
      if (pair.channelA.isOpen()) resolve();
      else pair.channelA.onOpen(resolve);
    });
    pair.channelA.sendMessage('hello through the relay');
    expect(await fromA).toBe('hello through the relay');

    const fromB = nextMessage(pair.channelA);
    channelB.sendMessage('and back');
    expect(await fromB).toBe('and back');

    // Both ends of the selected pair are relayed addresses of our server. The remote end may be
    // reported as "prflx" when a check through the relay arrived before its candidate was signalled.
    const relays = relayed.map((relay) => `${relay.address}:${relay.port}`);
    for (const peer of [pair.a, pair.b]) {
      const selected = peer.getSelectedCandidatePair();
      const described = JSON.stringify(selected);
      expect(selected?.local.type, described).toBe('relay');
      expect(relays, described).toContain(`${selected?.local.address}:${selected?.local.port}`);
      expect(relays, described).toContain(`${selected?.remote.address}:${selected?.remote.port}`);
    }
    expect(server.stats().packetsToPeers).toBeGreaterThan(0);
    expect(server.stats().packetsToClients).toBeGreaterThan(0);
  });
});
