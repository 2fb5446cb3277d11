import { randomBytes } from 'node:crypto';
import bencode from 'bencode';
import Client from 'bittorrent-tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, GOOD_PASSWORD, request, startTestCoordinator, uniqueName } from './harness.js';
import type { TestCoordinator } from './harness.js';
import { newUser } from './ws-device.js';

const hex = (bytes = 20) => randomBytes(bytes).toString('hex');
const binary = (h: string) => [...Buffer.from(h, 'hex')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

async function announce(base: string, query: string): Promise<Record<string, any>> {
  const r = await fetch(`${base}/announce?${query}`);
  expect(r.status).toBe(200);
  return bencode.decode(new Uint8Array(await r.arrayBuffer()));
}

const text = (v: unknown) => Buffer.from(v as Uint8Array).toString();

/** A bittorrent-tracker client (webtorrent's own) announcing over HTTP or UDP. */
function trackerClient(announceUrl: string, infoHash: string, port: number) {
  const client = new Client({ infoHash, peerId: hex(), announce: [announceUrl], port });
  const peers: string[] = [];
  const errors: string[] = [];
  client.on('peer', (peer: unknown) => peers.push(String(peer)));
  client.on('error', (e: Error) => errors.push(e.message));
  client.on('warning', (e: Error) => errors.push(e.message));
  return { client, peers, errors };
}

describe.each(backends())('tracker in the coordinator ($name)', (backend) => {
  let c: TestCoordinator;
  const adminName = uniqueName('admin');
  const clients: Client[] = [];

  beforeAll(async () => {
    c = await startTestCoordinator(backend, { adminUsernames: [adminName] });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))));
    await c?.stop();
  });

  it.each(['http', 'udp'] as const)(
    'introduces %s peers to each other (bittorrent-tracker clients)',
    async (transport) => {
      const infoHash = hex();
      const url = transport === 'http' ? `${c.url}/announce` : `udp://127.0.0.1:${await trackerUdpPort(c)}`;
      const a = trackerClient(url, infoHash, 51001);
      const b = trackerClient(url, infoHash, 51002);
      clients.push(a.client, b.client);
      a.client.start();
      await expect.poll(() => a.errors.length + b.peers.length, { timeout: 5_000 }).toBe(0);
      b.client.start();
      await expect.poll(() => b.peers, { timeout: 10_000 }).toContain('127.0.0.1:51001');
      expect([...a.errors, ...b.errors]).toEqual([]);
      const scrape = bencode.decode(
        new Uint8Array(await (await fetch(`${c.url}/scrape?info_hash=${binary(infoHash)}`)).arrayBuffer()),
      );
      const counts = Object.values(scrape.files as Record<string, { incomplete: number; complete: number }>)[0]!;
      expect(counts).toMatchObject({ complete: 0, incomplete: 2 });
    },
  );

  it('answers malformed announces with a failure reason and keeps serving', async () => {
    for (const query of [
      'info_hash=short&peer_id=x&port=1',
      `info_hash=${binary(hex())}&peer_id=${binary(hex())}&port=70000&uploaded=0&downloaded=0&left=0`,
      `info_hash=${binary(hex())}&peer_id=${binary(hex())}&port=6881&uploaded=0&downloaded=0&left=0&event=exploded`,
      '%%%',
    ]) {
      const body = await announce(c.url, query);
      expect(text(body['failure reason']).length).toBeGreaterThan(0);
    }
    const ok = await announce(
      c.url,
      `info_hash=${binary(hex())}&peer_id=${binary(hex())}&port=6881&uploaded=0&downloaded=0&left=10&compact=1&numwant=99999`,
    );
    expect(ok.interval).toBeGreaterThan(0);
    const metrics = (await request(c.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(/shoal_tracker_failures_total\{[^}]*code="[A-Z_]+"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/shoal_tracker_announces_total\{[^}]*transport="http"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/shoal_tracker_swarms\{[^}]*\} \d+/);
  });

  it('lets only admins see and moderate swarms; a blocked info hash is refused', async () => {
    const user = await newUser(c.url, 'user');
    const admin = new (await import('@shoal/sdk')).ShoalClient({ baseUrl: c.url });
    await admin.auth.register({ username: adminName, password: GOOD_PASSWORD });
    const { accessToken } = await admin.auth.login({ username: adminName, password: GOOD_PASSWORD });
    const infoHash = hex();
    const query = (left: number) =>
      `info_hash=${binary(infoHash)}&peer_id=${binary(hex())}&port=6881&uploaded=0&downloaded=0&left=${left}&compact=1`;
    await announce(c.url, query(0));
    await announce(c.url, query(100));

    expect(await request(c.url, 'GET', '/api/v1/admin/swarms', { token: user.accessToken })).toMatchObject({
      status: 403,
      body: { code: 'AUTH_FORBIDDEN' },
    });
    const list = await request(c.url, 'GET', '/api/v1/admin/swarms?limit=500', { token: accessToken });
    expect(list.status).toBe(200);
    expect(list.body.swarms.find((s: { infoHash: string }) => s.infoHash === infoHash)).toMatchObject({
      seeders: 1,
      leechers: 1,
    });
    const one = await request(c.url, 'GET', `/api/v1/admin/swarms/${infoHash.toUpperCase()}`, { token: accessToken });
    expect(one.body).toMatchObject({ infoHash, seeders: 1, leechers: 1 });
    expect((await request(c.url, 'GET', '/api/v1/admin/swarms/xyz', { token: accessToken })).body.code).toBe(
      'VALIDATION_FAILED',
    );

    const blocked = await request(c.url, 'POST', '/api/v1/admin/blocklist', {
      token: accessToken,
      body: { infoHash, reason: 'takedown notice' },
    });
    expect(blocked).toMatchObject({ status: 201, body: { infoHash, reason: 'takedown notice' } });
    expect(text((await announce(c.url, query(0)))['failure reason'])).toMatch(/not served/);
    expect((await request(c.url, 'GET', `/api/v1/admin/swarms/${infoHash}`, { token: accessToken })).body.code).toBe(
      'SWARM_NOT_FOUND',
    );
    const entries = (await request(c.url, 'GET', '/api/v1/admin/blocklist', { token: accessToken })).body.entries;
    expect(entries.map((e: { infoHash: string }) => e.infoHash)).toContain(infoHash);
    expect((await request(c.url, 'DELETE', `/api/v1/admin/blocklist/${infoHash}`, { token: accessToken })).status).toBe(
      204,
    );
    expect((await announce(c.url, query(0))).interval).toBeGreaterThan(0);
  });
});

/** The UDP tracker's bound port (TRACKER_UDP_PORT is 0 in tests). */
async function trackerUdpPort(c: TestCoordinator): Promise<number> {
  const { TrackerService } = await import('../src/tracker/tracker.service.js');
  return c.app.get(TrackerService).udpPort!;
}

describe('private tracker', () => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator(backends()[0]!, {
      tracker: {
        udpPort: 0,
        private: true,
        ratePerAddressPerMinute: 100_000,
        dht: { enabled: false, port: 0, bootstrap: [] },
      },
    });
  });
  afterAll(() => c?.stop());

  it('needs a passkey from /api/v1/tracker/passkey in the announce URL', async () => {
    const user = await newUser(c.url);
    const q = `info_hash=${binary(hex())}&peer_id=${binary(hex())}&port=6881&uploaded=0&downloaded=0&left=0`;
    expect(text((await announce(c.url, q))['failure reason'])).toMatch(/private tracker/);
    expect(text((await announce(c.url, `passkey=${'x'.repeat(32)}&${q}`))['failure reason'])).toMatch(
      /unknown passkey/,
    );
    const r = await request(c.url, 'GET', '/api/v1/tracker/passkey', { token: user.accessToken });
    expect(r.body.announceUrl).toBe(`${c.url}/announce?passkey=${r.body.passkey}`);
    const again = await request(c.url, 'GET', '/api/v1/tracker/passkey', { token: user.accessToken });
    expect(again.body.passkey).toBe(r.body.passkey);
    const ok = await announce(c.url, `passkey=${r.body.passkey}&${q}`);
    expect(ok['failure reason']).toBeUndefined();
    expect(ok.interval).toBeGreaterThan(0);
  });
});
