import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttributeType,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  createTurnServer,
  encodeChannelData,
  longTermKey,
  nonce,
  realm,
  requestedTransport,
  type StunMessage,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  username,
  xorPeerAddress,
} from '@shoal/turn';
import { bindingRequest } from './support/binding.js';
import { TestTurnClient, errorOf, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';

const SECRET = 'bad-input-secret';

/** Garbage and near-misses: never a crash, an internal error or a reply to what is not a request. */
describe('bad input', () => {
  let server: TurnServer;
  let udp: TransportAddress;
  let tcp: TransportAddress;
  let peer: UdpPeer;
  const internalErrors: Error[] = [];
  const clients: TestTurnClient[] = [];

  const client = async (): Promise<TestTurnClient> => {
    const created = await TestTurnClient.udp(udp, turnRestCredentials(SECRET, 'fuzz', 600));
    clients.push(created);
    return created;
  };

  /** A Binding request, retransmitted like a real client would (the flood may fill socket buffers). */
  const bindingAnswered = async (from: TestTurnClient): Promise<StunMessage> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await from.transact(bindingRequest(), undefined, 1000);
      } catch (error) {
        if (attempt === 9) throw error;
      }
    }
  };

  beforeAll(async () => {
    server = createTurnServer({ host: '127.0.0.1', port: 0, secret: SECRET, allowLoopbackPeers: true });
    const addresses = await server.listen();
    udp = addresses.udp as TransportAddress;
    tcp = addresses.tcp as TransportAddress;
    server.on('internalError', (error) => internalErrors.push(error));
    peer = await UdpPeer.start();
  });

  afterAll(async () => {
    for (const each of clients) each.close();
    peer.close();
    await server.close();
    expect(internalErrors).toEqual([]);
  });

  it('survives 10,000 random datagrams, then still answers a Binding request', async () => {
    const fuzzer = await client();
    // From a client with an allocation, a channel and a permission: garbage reaches the relay paths too.
    await fuzzer.allocate();
    expect(isSuccess(await fuzzer.channelBind(0x4000, peer.address))).toBe(true);

    const valid = new StunMessageBuilder(0x0001).add(requestedTransport, 17).encode({ fingerprint: true });
    const datagram = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 1500 }),
      // STUN-looking: right first bits and cookie, random rest.
      fc.uint8Array({ minLength: 20, maxLength: 600 }).map((bytes) => {
        const message = Buffer.from(bytes);
        message[0] = (message[0] ?? 0) & 0x3f;
        message.writeUInt32BE(0x2112a442, 4);
        return message;
      }),
      // Valid ones, truncated or with a flipped byte.
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => valid.subarray(0, cut)),
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
        const message = Buffer.from(valid);
        message[at] = (message[at] ?? 0) ^ mask;
        return message;
      }),
      // ChannelData that lies about its length, or for unbound channels.
      fc
        .tuple(fc.integer({ min: 0x4000, max: 0x7fff }), fc.nat(0xffff), fc.uint8Array({ maxLength: 64 }))
        .map(([channel, length, payload]) => {
          const frame = Buffer.alloc(4 + payload.length);
          frame.writeUInt16BE(channel, 0);
          frame.writeUInt16BE(length, 2);
          frame.set(payload, 4);
          return frame;
        }),
    );
    const datagrams = fc.sample(datagram, { numRuns: 10_000, seed: 4242 });
    for (let i = 0; i < datagrams.length; i++) {
      fuzzer.sendRaw(Buffer.from(datagrams[i] as Uint8Array));
      // Yield now and then so the flood is not only kernel drops.
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // An oversized datagram, the largest UDP allows.
    const huge = Buffer.alloc(65_507);
    huge.writeUInt16BE(0x0001, 0);
    huge.writeUInt16BE(65_487 & ~3, 2);
    huge.writeUInt32BE(0x2112a442, 4);
    fuzzer.sendRaw(huge);

    const response = await bindingAnswered(fuzzer);
    expect(response.messageClass).toBe(StunClass.SuccessResponse);
    expect(server.stats().malformedMessages).toBeGreaterThan(1000);
  });

  it('stays silent for truncated and corrupted messages (no response to non-requests)', async () => {
    const silent = await TestTurnClient.udp(udp);
    clients.push(silent);
    const request = bindingRequest();
    const bytes = request.encode({ fingerprint: true });
    for (let cut = 0; cut < bytes.length; cut++) silent.sendRaw(bytes.subarray(0, cut));
    const corrupted = Buffer.from(bytes);
    corrupted[10] = (corrupted[10] ?? 0) ^ 1; // FINGERPRINT no longer matches
    silent.sendRaw(corrupted);
    // A response to the same transaction would be matched by the client; only the real one comes.
    const response = await bindingAnswered(silent);
    expect(response.messageClass).toBe(StunClass.SuccessResponse);
    expect(silent.raw).toHaveLength(1);
  });

  it('answers 401 to a message whose MESSAGE-INTEGRITY does not cover what arrived', async () => {
    const tamperer = await client();
    const challenge = await tamperer.transact(
      StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request).add(requestedTransport, 17),
    );
    const credentials = tamperer.credentials as { username: string; password: string };
    const builder = StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request)
      .add(requestedTransport, 17)
      .add(username, credentials.username)
      .add(realm, challenge.get(realm) as string)
      .add(nonce, challenge.get(nonce) as string);
    const signed = builder.encode({
      integrityKey: longTermKey(credentials.username, challenge.get(realm) as string, credentials.password),
    });
    signed[24] = 6; // REQUESTED-TRANSPORT 17 → 6 after signing
    expect(errorOf(await tamperer.transact(builder, signed))).toBe(401);
  });

  it('answers 400 to a malformed attribute in an authenticated request', async () => {
    const sloppy = await client();
    await sloppy.allocate();
    const response = await sloppy.request(StunMethod.CreatePermission, (builder) =>
      builder.addRaw(AttributeType.XorPeerAddress, Buffer.from([0, 1, 0, 0])),
    );
    expect(errorOf(response)).toBe(400);
    const family = await sloppy.request(StunMethod.CreatePermission, (builder) =>
      builder.addRaw(AttributeType.XorPeerAddress, Buffer.from([0, 9, 0, 0, 1, 2, 3, 4])),
    );
    expect(errorOf(family)).toBe(400);
  });

  it('refuses port 0: 403 for a channel, a dropped Send indication, and the server lives on', async () => {
    const zero = await client();
    await zero.allocate();
    const nowhere = { family: 'IPv4', address: peer.address.address, port: 0 } as const;
    expect(errorOf(await zero.channelBind(0x4999, nowhere))).toBe(403);
    expect(isSuccess(await zero.createPermission(nowhere))).toBe(true);
    const dropped = server.stats().droppedPackets;
    zero.sendIndication(nowhere, Buffer.from('to port zero'));
    await bindingAnswered(zero);
    expect(server.stats().droppedPackets).toBe(dropped + 1);
  });

  it('answers 400 to a request of an unknown method, and ignores responses and other indications', async () => {
    const odd = await TestTurnClient.udp(udp);
    clients.push(odd);
    const unknownMethod = StunMessageBuilder.of(0x0ff, StunClass.Request);
    expect(errorOf(await odd.transact(unknownMethod))).toBe(400);
    odd.sendRaw(StunMessageBuilder.of(StunMethod.Binding, StunClass.SuccessResponse).encode());
    odd.sendRaw(StunMessageBuilder.of(StunMethod.Binding, StunClass.Indication).encode());
    odd.sendRaw(
      StunMessageBuilder.of(StunMethod.Send, StunClass.Indication).add(xorPeerAddress, peer.address).encode(),
    );
    await bindingAnswered(odd);
    expect(odd.raw).toHaveLength(2);
  });

  it('closes TCP connections that send garbage, oversized or lying frames, and keeps serving', async () => {
    const garbage = [
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x00, 0x01, 0x00, 0x03, 0x21, 0x12, 0xa4, 0x42]), // length not a multiple of 4
      Buffer.from([0x00, 0x01, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef]), // no magic cookie
      Buffer.concat([bindingRequest().encode().subarray(0, 2), Buffer.from([0x00, 0x08]), Buffer.alloc(24)]),
    ];
    for (const bytes of garbage) {
      const socket = connect({ host: tcp.address, port: tcp.port });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(bytes);
      socket.write(Buffer.alloc(64, 0xee));
      await closed;
    }
    // Random streams: each connection ends or idles; none takes the server down.
    const streams = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 4096 }), { numRuns: 50, seed: 7 });
    for (const bytes of streams) {
      const socket = connect({ host: tcp.address, port: tcp.port });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.end(Buffer.from(bytes));
    }
    const fresh = await TestTurnClient.tcp(tcp);
    clients.push(fresh);
    expect((await fresh.transact(bindingRequest())).messageClass).toBe(StunClass.SuccessResponse);
    // A ChannelData frame before any allocation is dropped, not fatal.
    fresh.sendRaw(encodeChannelData(0x4000, Buffer.from('nobody'), { pad: true }));
    expect((await fresh.transact(bindingRequest())).messageClass).toBe(StunClass.SuccessResponse);
  });
});
