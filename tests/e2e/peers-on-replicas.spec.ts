import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, runShoal, startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess } from '@shoal/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFailoverProxy } from './support/failover-proxy.js';

import { dropRedisPrefix } from './support/redis.js';
import { startShoal } from './support/shoal-process.js';
import type { ShoalProcess } from './support/shoal-process.js';

const { DATABASE_URL, REDIS_URL } = process.env;
const PASSWORD = 'correct horse battery staple';

/**
 * Two peer agents (separate processes and data dirs), each on its own coordinator replica; the
 * replicas share PostgreSQL and Redis, as on Kubernetes. Bob's agent reaches its replica through
 * a small load balancer, so that it can fail over when that replica dies.
 */
describe.runIf(DATABASE_URL && REDIS_URL)('two peer agents on two coordinator replicas', () => {
  let tmp: string;
  let db: { url: string; drop(): Promise<void> };
  let r1: CoordinatorProcess;
  let r2: CoordinatorProcess;
  let balancer: Awaited<ReturnType<typeof startFailoverProxy>>;
  let aliceDaemon: ShoalProcess;
  let bobDaemon: ShoalProcess;
  const suffix = randomBytes(3).toString('hex');
  const alice = { username: `alice${suffix}`, deviceId: '', dir: '' };
  const bob = { username: `bob${suffix}`, deviceId: '', dir: '' };

  const shoal = async (dir: string, ...args: string[]) => {
    const r = await runShoal([...args, '--data-dir', dir], { timeoutMs: 240_000 });
    if (r.code !== 0) throw new Error(`shoal ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const json = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
  const presence = (who: { deviceId: string }, status: 'online' | 'offline') => (e: Record<string, unknown>) =>
    (e.event === 'presence' && e.deviceId === who.deviceId && e.status === status) ||
    (status === 'online' &&
      e.event === 'ready' &&
      (e.online as { deviceId: string }[]).some((o) => o.deviceId === who.deviceId));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'shoal-e2e-'));
    alice.dir = path.join(tmp, 'alice');
    bob.dir = path.join(tmp, 'bob');
    db = await createTestDatabase(DATABASE_URL!);
    const shared = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `shoal-e2e-${suffix}:`,
      JWT_SECRET: `e2e-jwt-secret-${randomBytes(16).toString('hex')}`,
      TURN_SECRET: `e2e-turn-secret-${randomBytes(8).toString('hex')}`,
      TURN_PORT: '0',
      TRACKER_UDP_PORT: '0',
      REGISTER_RATE_PER_ADDRESS: '100',
    };
    [r1, r2] = await Promise.all([
      startCoordinatorProcess({ ...shared, SHOAL_DATA_DIR: path.join(tmp, 'r1') }, { timeoutMs: 60_000 }),
      startCoordinatorProcess({ ...shared, SHOAL_DATA_DIR: path.join(tmp, 'r2') }, { timeoutMs: 60_000 }),
    ]);
    balancer = await startFailoverProxy([r2.port, r1.port]);

    for (const [who, replica] of [
      [alice, r1],
      [bob, r2],
    ] as const) {
      const r = await shoal(
        who.dir,
        'account',
        'register',
        '--username',
        who.username,
        '--password',
        PASSWORD,
        '--coordinator',
        replica.url,
        '--json',
      );
      who.deviceId = json(r.stdout)[0]!.deviceId as string;
    }
    await shoal(alice.dir, 'contacts', 'add', `@${bob.username}`);
    await shoal(bob.dir, 'contacts', 'accept', `@${alice.username}`);

    aliceDaemon = startShoal(['daemon', '--json', '--coordinator', r1.url, '--data-dir', alice.dir]);
    bobDaemon = startShoal(['daemon', '--json', '--coordinator', balancer.url, '--data-dir', bob.dir]);
    await Promise.all([
      aliceDaemon.waitFor('ready', (e) => e.event === 'ready'),
      bobDaemon.waitFor('ready', (e) => e.event === 'ready'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([aliceDaemon?.stop(), bobDaemon?.stop()]);
    await balancer?.close();
    await Promise.all([r1?.stop(), r2?.stop()]);
    await db?.drop();
    await dropRedisPrefix(REDIS_URL!, `shoal-e2e-${suffix}:`);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('runs each agent on its own replica, and each sees the other online', async () => {
    expect(balancer.routed[0]).toBe(r2.port);
    await aliceDaemon.waitFor(`${bob.username} online`, presence(bob, 'online'));
    await bobDaemon.waitFor(`${alice.username} online`, presence(alice, 'online'));
  });

  it('exchanges 100 MB over a data channel, byte-identical on both sides', async () => {
    const from = aliceDaemon.events.length;
    const r = await shoal(alice.dir, 'speedtest', `@${bob.username}`, '--bytes', '100M', '--json');
    const [result] = json(r.stdout);
    // It ran in Alice's daemon (her agent on replica 1), not in a process of its own.
    await aliceDaemon.waitFor('the request', (e) => e.event === 'request' && e.command === 'speedtest', { from });
    expect(result).toMatchObject({ username: bob.username, deviceId: bob.deviceId, bytes: 100 * 1024 * 1024 });
    expect(result!.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Bob's agent hashed what it received, and logged it.
    const received = await bobDaemon.waitFor('the speed test', (e) => e.event === 'speedtest');
    expect(received).toMatchObject({ deviceId: alice.deviceId, bytes: 100 * 1024 * 1024, sha256: result!.sha256 });
    expect(result).toMatchObject({ remoteSha256: result!.sha256, match: true });
  });

  it('`shoal ping` prints the path to each device and the round-trip time', async () => {
    const text = await shoal(alice.dir, 'ping', `@${bob.username}`, '--count', '2');
    const pongs = text.stdout.trim().split('\n');
    expect(pongs).toHaveLength(2);
    for (const line of pongs) {
      expect(line).toMatch(
        new RegExp(
          `^pong from ${bob.username} \\(${bob.deviceId.slice(0, 12)}\\) via direct host UDP \\S+ in [0-9.]+ ms$`,
        ),
      );
    }
    const [pong] = json((await shoal(alice.dir, 'ping', `@${bob.username}`, '--count', '1', '--json')).stdout);
    expect(pong).toMatchObject({
      username: bob.username,
      deviceId: bob.deviceId,
      seq: 1,
      path: 'direct host',
      protocol: 'udp',
      local: { type: 'host', protocol: 'udp' },
      remote: { type: 'host', protocol: 'udp' },
    });
    expect(pong!.rttMs).toBeGreaterThanOrEqual(0);
  });

  it('when a replica is killed, its device shows offline, keeps its peer links, and reconnects to the other', async () => {
    const before = aliceDaemon.events.length;
    const bobBefore = bobDaemon.events.length;
    r2.child.kill('SIGKILL');
    await r2.exited;
    // Replica 1 notices that replica 2 stopped beating and takes its devices offline.
    await aliceDaemon.waitFor(`${bob.username} offline`, presence(bob, 'offline'), { from: before });
    await bobDaemon.waitFor('signalling reconnecting', (e) => e.event === 'signalling' && e.state === 'reconnecting', {
      from: bobBefore,
    });

    // The peers need no coordinator to keep talking: the link made earlier still carries pings.
    const [pong] = json((await shoal(alice.dir, 'ping', `@${bob.username}`, '--count', '1', '--json')).stdout);
    expect(pong).toMatchObject({ deviceId: bob.deviceId, path: 'direct host' });

    // The load balancer's health check drops the dead replica; Bob's agent lands on replica 1.
    const routedBefore = balancer.routed.length;
    balancer.setTargets([r1.port]);
    await bobDaemon.waitFor('ready again', (e) => e.event === 'ready', { from: bobBefore, timeoutMs: 60_000 });
    expect(balancer.routed.slice(routedBefore)).toContain(r1.port);
    const offline = aliceDaemon.events.findIndex(
      (e, i) => i >= before && e.event === 'presence' && e.deviceId === bob.deviceId && e.status === 'offline',
    );
    await aliceDaemon.waitFor(`${bob.username} online again`, presence(bob, 'online'), { from: offline + 1 });
  });
});
