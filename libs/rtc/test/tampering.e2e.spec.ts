import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ConnectionEvents, RtcNode, RtcNodeEvents } from '../src/index.js';
import { startFingerprintRewriter } from './fingerprint-rewriter.js';
import { befriend, makeNode, newDevice, newUser, nextEvent, startCoordinator } from './support.js';
import type { TestDevice } from './support.js';

/**
 * A coordinator that rewrites the DTLS fingerprint in relayed offers and answers (to put itself
 * in the middle) is caught by the device that receives them: the signature no longer verifies.
 */
describe('a coordinator that tampers with offers and answers', () => {
  let coordinator: { url: string; stop(): Promise<void> };
  const cleanup: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    coordinator = await startCoordinator();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await coordinator?.stop();
  });

  /** Alice and Bob; `tampered` says whose signalling goes through the rewriting proxy. */
  const setUp = async (tampered: 'alice' | 'bob', rewrite = true) => {
    const proxy = await startFingerprintRewriter(coordinator.url, { rewrite });
    cleanup.push(() => proxy.close());
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const a = await newDevice(coordinator.url, alice, tampered === 'alice' ? { signallingUrl: proxy.url } : {});
    const b = await newDevice(coordinator.url, bob, tampered === 'bob' ? { signallingUrl: proxy.url } : {});
    const nodeA = makeNode(a);
    const nodeB = makeNode(b);
    const track = (d: TestDevice, n: RtcNode) =>
      cleanup.push(async () => {
        await n.close();
        d.signalling.close();
      });
    track(a, nodeA);
    track(b, nodeB);
    return { a, b, nodeA, nodeB, proxy };
  };

  it('the callee refuses a tampered offer with a clear error, and the caller is told', async () => {
    const { a, b, nodeA, nodeB, proxy } = await setUp('bob');
    const refused = nextEvent<RtcNodeEvents['refused']>((l) => nodeB.on('refused', l));
    await expect(nodeA.connect(b.deviceId)).rejects.toMatchObject({ code: 'RTC_REFUSED' });
    const event = await refused;
    expect(event.from.deviceId).toBe(a.deviceId);
    expect(event.error.code).toBe('RTC_BAD_SIGNATURE');
    expect(event.error.message).toMatch(/offer from device [0-9a-f]{40} is not signed by that device's key/);
    expect(event.error.message).toMatch(/DTLS fingerprint/);
    expect(proxy.rewritten()).toBeGreaterThan(0);
    expect(nodeB.connections()).toEqual([]);
  });

  it('the caller refuses a tampered answer', async () => {
    const { b, nodeA, nodeB, proxy } = await setUp('alice');
    const refused = nextEvent<RtcNodeEvents['refused']>((l) => nodeA.on('refused', l));
    const theirs = nextEvent<Connection>((l) => nodeB.on('connection', l));
    await expect(nodeA.connect(b.deviceId)).rejects.toMatchObject({
      code: 'RTC_BAD_SIGNATURE',
      message: expect.stringMatching(/answer from device [0-9a-f]{40} is not signed/),
    });
    expect((await refused).error.code).toBe('RTC_BAD_SIGNATURE');
    expect(proxy.rewritten()).toBeGreaterThan(0);
    // Bob's half-made connection is hung up, not left waiting.
    const bobsSide = await theirs;
    if (bobsSide.state !== 'closed') await nextEvent<ConnectionEvents['closed']>((l) => bobsSide.on('closed', l));
    expect(bobsSide.state).toBe('closed');
  });

  it('the same proxy without rewriting changes nothing: the connection is made', async () => {
    const { b, nodeA, nodeB, proxy } = await setUp('bob', false);
    nodeB.handle('echo', (channel) => channel.on('message', (data) => channel.send(data)));
    const connection = await nodeA.connect(b.deviceId);
    const channel = await connection.openChannel('echo');
    const reply = nextEvent<string | Uint8Array>((l) => channel.on('message', l));
    channel.send('through the proxy');
    expect(await reply).toBe('through the proxy');
    expect(proxy.rewritten()).toBe(0);
  });
});
