import { generateDeviceKeys, toBase64Url, deviceIdFromPublicKey } from '@shoal/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTrustStore } from '../src/index.js';
import type { KeyChange, RtcNode, RtcNodeEvents } from '../src/index.js';
import { befriend, makeNode, newDevice, newUser, nextEvent, startCoordinator } from './support.js';
import type { TestDevice } from './support.js';

/** Trust on first use: keys remembered, a new key for a known user reported and not silently accepted. */
describe('trust on first use', () => {
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

  const node = (device: TestDevice, options: Parameters<typeof makeNode>[1] = {}): RtcNode => {
    const n = makeNode(device, options);
    cleanup.push(async () => {
      await n.close();
      device.signalling.close();
    });
    return n;
  };

  it('remembers the keys seen first, and refuses a device key it never saw for a known user', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const trust = new MemoryTrustStore();
    const a = await newDevice(coordinator.url, alice);
    const b1 = await newDevice(coordinator.url, bob);
    const nodeA = node(a, { trust });
    node(b1);
    await nodeA.connect(b1.deviceId);
    const remembered = await trust.get(bob.username);
    expect(Object.keys(remembered?.devices ?? {})).toEqual([b1.deviceId]);
    expect(remembered?.verifiedAt).toBeUndefined();

    // Bob (or a coordinator claiming to be his) adds a device: Alice's node reports and refuses it.
    const b2 = await newDevice(coordinator.url, bob);
    node(b2);
    const change = nextEvent<KeyChange>((l) => nodeA.on('key-change', l));
    await expect(nodeA.connect(b2.deviceId)).rejects.toMatchObject({
      code: 'RTC_KEY_CHANGED',
      message: expect.stringContaining(`shoal contacts verify @${bob.username}`),
    });
    expect(await change).toMatchObject({
      username: bob.username,
      deviceId: b2.deviceId,
      knownDevices: [b1.deviceId],
      wasVerified: false,
    });
    expect(Object.keys((await trust.get(bob.username))!.devices)).toEqual([b1.deviceId]);
    // The device it knew still connects.
    expect((await nodeA.connect(b1.deviceId)).state).toBe('connected');
  });

  it('an incoming offer from an unknown key of a known user is refused too', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const a = await newDevice(coordinator.url, alice);
    const b = await newDevice(coordinator.url, bob);
    // Alice once saw Bob with another key, and confirmed it.
    const trust = new MemoryTrustStore();
    const old = toBase64Url(generateDeviceKeys().signing.publicKey);
    await trust.put({
      username: bob.username,
      devices: { [deviceIdFromPublicKey(old)]: old },
      firstSeen: new Date().toISOString(),
      verifiedAt: new Date().toISOString(),
    });
    const nodeA = node(a, { trust });
    const nodeB = node(b);
    const refused = nextEvent<RtcNodeEvents['refused']>((l) => nodeA.on('refused', l));
    const change = nextEvent<KeyChange>((l) => nodeA.on('key-change', l));
    await expect(nodeB.connect(a.deviceId)).rejects.toMatchObject({ code: 'RTC_REFUSED' });
    expect((await refused).error.code).toBe('RTC_KEY_CHANGED');
    expect((await change).wasVerified).toBe(true);
  });

  it('a policy may accept the change: the key is remembered and the safety number is unverified again', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const a = await newDevice(coordinator.url, alice);
    const b = await newDevice(coordinator.url, bob);
    const trust = new MemoryTrustStore();
    const old = toBase64Url(generateDeviceKeys().signing.publicKey);
    await trust.put({
      username: bob.username,
      devices: { [deviceIdFromPublicKey(old)]: old },
      firstSeen: new Date().toISOString(),
      verifiedAt: new Date().toISOString(),
    });
    const changes: KeyChange[] = [];
    const nodeA = node(a, { trust, onKeyChange: (c) => (changes.push(c), true) });
    node(b);
    await nodeA.connect(b.deviceId);
    expect(changes.map((c) => c.deviceId)).toEqual([b.deviceId]);
    const after = await trust.get(bob.username);
    expect(Object.keys(after!.devices).sort()).toEqual([deviceIdFromPublicKey(old), b.deviceId].sort());
    expect(after!.verifiedAt).toBeUndefined();
  });
});

describe('connecting to a user', () => {
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

  const node = (device: TestDevice): RtcNode => {
    const n = makeNode(device);
    cleanup.push(async () => {
      await n.close();
      device.signalling.close();
    });
    return n;
  };

  it('reaches every online device of a contact, known from presence', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const b1 = await newDevice(coordinator.url, bob);
    const b2 = await newDevice(coordinator.url, bob);
    node(b1);
    node(b2);
    // Registered but never online: presence does not list it, so it is not tried.
    await newDevice(coordinator.url, bob, { online: false });
    // The node listens before the signalling connects, so it gets the presence snapshot.
    const a = await newDevice(coordinator.url, alice, { online: false });
    const nodeA = node(a);
    await a.signalling.connect();
    expect(
      nodeA
        .onlineDevices(bob.username)
        .map((e) => e.deviceId)
        .sort(),
    ).toEqual([b1.deviceId, b2.deviceId].sort());
    const results = await nodeA.connectUser(`@${bob.username}`);
    expect(results.map((r) => r.deviceId).sort()).toEqual([b1.deviceId, b2.deviceId].sort());
    for (const r of results) expect('connection' in r && r.connection.state).toBe('connected');
  });

  it('tries every registered device of someone whose presence it may not see, and says which are offline', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const carol = await newUser(coordinator.url, 'carol');
    const online = await newDevice(coordinator.url, carol);
    node(online);
    const offline = await newDevice(coordinator.url, carol, { online: false });
    const a = await newDevice(coordinator.url, alice);
    const nodeA = node(a);
    expect(nodeA.onlineDevices(carol.username)).toEqual([]);
    const results = await nodeA.connectUser(carol.username);
    const byId = new Map(results.map((r) => [r.deviceId, r]));
    expect(byId.get(online.deviceId)).toHaveProperty('connection');
    expect(byId.get(offline.deviceId)).toMatchObject({ error: { code: 'RTC_PEER_OFFLINE' } });
  });
});
