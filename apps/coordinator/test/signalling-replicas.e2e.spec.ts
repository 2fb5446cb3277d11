import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator } from '../src/create-app.js';
import type { RunningCoordinator } from '../src/create-app.js';
import { createTestDatabase, request, testConfig } from './harness.js';
import { newDevice, newUser, signedOffer, WsDevice } from './ws-device.js';

const { DATABASE_URL, REDIS_URL } = process.env;

/** Signalling between devices connected to two replicas that share PostgreSQL and Redis. */
describe.runIf(DATABASE_URL && REDIS_URL)('signalling across two replicas', () => {
  let db: { url: string; drop(): Promise<void> };
  let one: RunningCoordinator;
  let two: RunningCoordinator;
  const sockets: WsDevice[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(DATABASE_URL!);
    const config = testConfig({
      database: { kind: 'postgres', url: db.url },
      redisUrl: REDIS_URL,
      redisKeyPrefix: `shoal-sig-${randomBytes(4).toString('hex')}:`,
    });
    const logger = pino({ level: 'silent' });
    one = await startCoordinator(config, logger);
    two = await startCoordinator(config, logger);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('relays signals and presence between devices on different replicas, and a takeover across them', async () => {
    const alice = await newUser(one.url, 'alice');
    const bob = await newUser(two.url, 'bob');
    await alice.client.contacts.add(bob.username);
    await request(two.url, 'POST', `/api/v1/contacts/${alice.username}/accept`, { token: bob.accessToken });
    const aliceDevice = await newDevice(alice);
    const bobDevice = await newDevice(bob);
    const a = await WsDevice.connect(one.url, alice, aliceDevice);
    sockets.push(a);
    const b = await WsDevice.connect(two.url, bob, bobDevice);
    sockets.push(b);
    expect((await a.next('presence', (f) => f.deviceId === bobDevice.deviceId)).status).toBe('online');

    const offer = signedOffer(aliceDevice, bobDevice.deviceId);
    a.send(offer);
    expect(await b.next('signal')).toMatchObject({
      kind: 'offer',
      session: offer.session,
      from: { username: alice.username },
    });
    b.send(signedOffer(bobDevice, aliceDevice.deviceId, { session: offer.session, kind: 'answer' }));
    expect(await a.next('signal')).toMatchObject({ kind: 'answer', session: offer.session });

    // Bob's device moves to replica one, resuming; the socket on replica two is closed.
    const lastSeq = b.lastSeq;
    a.send({ v: 1, type: 'signal', to: bobDevice.deviceId, session: offer.session, kind: 'hangup' });
    const moved = await WsDevice.connect(one.url, bob, bobDevice, { lastSeq });
    sockets.push(moved);
    expect((await b.closed()).code).toBe(4002);
    expect(await moved.next('signal')).toMatchObject({ kind: 'hangup' });
  });
});
