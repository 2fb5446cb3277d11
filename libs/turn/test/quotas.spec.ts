import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  StunClass,
  StunMessageBuilder,
  StunMethod,
  createTurnServer,
  requestedTransport,
  type QuotaInfo,
  type TransportAddress,
  type TurnServer,
  turnRestCredentials,
  xorRelayedAddress,
} from '@shoal/turn';
import { bindingRequest } from './support/binding.js';
import { TestTurnClient, errorOf, isSuccess } from './support/turn-client.js';
import { UdpPeer } from './support/udp-peer.js';

const SECRET = 'quota-secret';

describe('quotas', () => {
  let server: TurnServer;
  let address: TransportAddress;
  let peer: UdpPeer;
  let clients: TestTurnClient[] = [];
  const quotaEvents: QuotaInfo[] = [];

  const client = async (userId: string): Promise<TestTurnClient> => {
    const created = await TestTurnClient.udp(address, turnRestCredentials(SECRET, userId, 600));
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
      maxAllocations: 6,
      maxAllocationsPerUser: 2,
      quota: (userId) =>
        userId === 'vip' ? { maxAllocations: 3 } : userId === 'metered' ? { maxBytesPerSecond: 20 } : undefined,
      // The bandwidth window only turns over when the test calls sweep().
      sweepIntervalMs: 60_000,
    });
    address = (await server.listen()).udp as TransportAddress;
    server.on('quotaExceeded', (info) => quotaEvents.push(info));
    peer = await UdpPeer.start();
  });

  afterEach(async () => {
    for (const each of clients) await each.refresh(0).catch(() => undefined);
    for (const each of clients) each.close();
    clients = [];
    quotaEvents.length = 0;
  });

  afterAll(async () => {
    peer.close();
    await server.close();
  });

  it('answers 486 Allocation Quota Reached past the allocations a user may hold', async () => {
    const [a, b, c] = [await client('bob'), await client('bob'), await client('bob')];
    expect(isSuccess(await (a as TestTurnClient).allocate())).toBe(true);
    expect(isSuccess(await (b as TestTurnClient).allocate())).toBe(true);
    expect(errorOf(await (c as TestTurnClient).allocate())).toBe(486);
    expect(quotaEvents).toEqual([{ userId: 'bob', kind: 'allocations-per-user' }]);
    // Another user is not affected; freeing one lets bob in again.
    expect(isSuccess(await (await client('carol')).allocate())).toBe(true);
    await (a as TestTurnClient).refresh(0);
    expect(isSuccess(await (c as TestTurnClient).allocate())).toBe(true);
  });

  it('takes per-user limits from the quota callback', async () => {
    const vip = [await client('vip'), await client('vip'), await client('vip'), await client('vip')];
    const results = [];
    for (const each of vip) results.push(errorOf(await each.allocate()) ?? 'ok');
    expect(results).toEqual(['ok', 'ok', 'ok', 486]);
  });

  it('answers 508 Insufficient Capacity past the server-wide limit', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(errorOf(await (await client(`user-${i}`)).allocate()) ?? 'ok');
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 508]);
    expect(quotaEvents.at(-1)?.kind).toBe('server-capacity');
  });

  it('drops relayed packets past the bandwidth of an allocation, until the next window', async () => {
    const metered = await client('metered');
    const relayed = (await metered.allocate()).get(xorRelayedAddress) as TransportAddress;
    await metered.createPermission(peer.address);
    const payload = Buffer.alloc(300, 7);
    for (let i = 0; i < 6; i++) metered.sendIndication(peer.address, payload);
    await peer.waitFor(4);
    // 20 bytes per second over the 60 s window is 1200 bytes: four of the six packets.
    await metered.transact(bindingRequest());
    expect(peer.received).toHaveLength(4);

    server.sweep();
    expect(quotaEvents).toContainEqual({ userId: 'metered', kind: 'bandwidth' });
    peer.send(payload, relayed);
    expect((await metered.receive()).data.length).toBe(300);
  });

  it('keeps no state for unauthenticated Allocate floods', async () => {
    const before = server.stats();
    const anonymous = await TestTurnClient.udp(address);
    clients.push(anonymous);
    for (let i = 0; i < 200; i++) {
      const response = await anonymous.transact(
        StunMessageBuilder.of(StunMethod.Allocate, StunClass.Request).add(requestedTransport, 17),
      );
      expect(errorOf(response)).toBe(401);
    }
    const after = server.stats();
    expect(after.allocationsActive).toBe(before.allocationsActive);
    expect(after.authChallenges).toBe(before.authChallenges + 200);
  });
});
