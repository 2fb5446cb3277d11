import { randomBytes } from 'node:crypto';
import Client from 'bittorrent-tracker';
import DHT from 'bittorrent-dht';
import pino from 'pino';
import { BitTorrentLab, freePort, requireBinary } from '@shoal/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator } from '../src/create-app.js';
import type { RunningCoordinator } from '../src/create-app.js';
import { TrackerService } from '../src/tracker/tracker.service.js';
import { backends, createTestDatabase, request, startTestCoordinator, testConfig } from './harness.js';
import type { TestCoordinator } from './harness.js';

/** Clients we did not write, meeting through the coordinator's tracker. */
describe('real BitTorrent clients through the coordinator', () => {
  let c: TestCoordinator;
  const lab = new BitTorrentLab();
  beforeAll(async () => {
    c = await startTestCoordinator(backends()[0]!);
  });
  afterAll(async () => {
    await lab.cleanup();
    await c?.stop();
  });

  it('transmission downloads what aria2 seeds over HTTP announces, byte for byte', async () => {
    requireBinary('aria2c', 'aria2');
    requireBinary('transmission-cli', 'transmission-cli');
    requireBinary('mktorrent', 'mktorrent');
    const torrent = lab.makeTorrent(`${c.url}/announce`, 'coordinator');
    lab.startAria2Seeder(torrent, await freePort());
    const leecher = lab.startTransmission(torrent, await freePort(), 'transmission');
    await lab.waitForPayload(leecher.dir, leecher.child, 'transmission');
    const metrics = (await request(c.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(/shoal_tracker_announces_total\{[^}]*transport="http"[^}]*\} [1-9]/);
  });
});

describe("the coordinator's DHT node", () => {
  let c: TestCoordinator;
  const nodes: DHT[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator(backends()[0]!, {
      tracker: {
        udpPort: 0,
        private: false,
        ratePerAddressPerMinute: 1000,
        dht: { enabled: true, port: 0, bootstrap: [] },
      },
    });
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => new Promise<void>((resolve) => n.destroy(() => resolve()))));
    await c?.stop();
  });

  it('bootstraps peers that then find each other in the DHT', async () => {
    const port = c.app.get(TrackerService).dhtPort!;
    const node = async () => {
      const dht = new DHT({ bootstrap: [`127.0.0.1:${port}`], host: false });
      nodes.push(dht);
      await new Promise<void>((resolve) => dht.listen(0, '127.0.0.1', () => resolve()));
      await new Promise<void>((resolve) =>
        (dht as unknown as { once(e: string, f: () => void): void }).once('ready', resolve),
      );
      return dht;
    };
    const [seeder, leecher] = [await node(), await node()];
    const infoHash = randomBytes(20).toString('hex');
    await new Promise<void>((resolve, reject) => seeder.announce(infoHash, 51413, (e) => (e ? reject(e) : resolve())));
    const found: string[] = [];
    leecher.on('peer', (peer: { host: string; port: number }, hash: Uint8Array) => {
      if (Buffer.from(hash).toString('hex') === infoHash) found.push(`${peer.host}:${peer.port}`);
    });
    await new Promise<void>((resolve) => leecher.lookup(infoHash, () => resolve()));
    expect(found).toContain('127.0.0.1:51413');
  });
});

const { DATABASE_URL, REDIS_URL } = process.env;

/** Two replicas sharing Redis serve one swarm, also to WebSocket (WebTorrent) peers. */
describe.runIf(DATABASE_URL && REDIS_URL)('one swarm across two replicas', () => {
  let db: { url: string; drop(): Promise<void> };
  let one: RunningCoordinator;
  let two: RunningCoordinator;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(DATABASE_URL!);
    const config = testConfig({
      database: { kind: 'postgres', url: db.url },
      redisUrl: REDIS_URL,
      redisKeyPrefix: `shoal-trk-${randomBytes(4).toString('hex')}:`,
    });
    one = await startCoordinator(config, pino({ level: 'silent' }));
    two = await startCoordinator(config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))));
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  it('relays a WebRTC offer from a peer on one replica to a peer on the other, and they connect', async () => {
    const infoHash = randomBytes(20).toString('hex');
    const start = (base: string) => {
      const client = new Client({
        infoHash,
        peerId: randomBytes(20).toString('hex'),
        announce: [`${base.replace(/^http/, 'ws')}/announce`],
        port: 6881,
      });
      clients.push(client);
      const connected = new Promise<{
        id: string;
        send(d: string): void;
        once(e: string, f: (d: unknown) => void): void;
      }>((resolve, reject) => {
        client.on('error', reject);
        client.on('peer', (peer: any) => (peer.connected ? resolve(peer) : peer.once('connect', () => resolve(peer))));
      });
      return { client, connected };
    };
    const a = start(one.url);
    const firstUpdate = new Promise((resolve) => a.client.once('update', resolve));
    a.client.start();
    await firstUpdate;
    const b = start(two.url);
    b.client.start();
    const [peerOfA, peerOfB] = await Promise.all([a.connected, b.connected]);
    const got = new Promise<string>((resolve) =>
      peerOfA.once('data', (d) => resolve(Buffer.from(d as Uint8Array).toString())),
    );
    peerOfB.send('hello across replicas');
    expect(await got).toBe('hello across replicas');
    // HTTP announces on either replica see the same swarm.
    const scrape = await fetch(
      `${one.url}/scrape?info_hash=${[...Buffer.from(infoHash, 'hex')].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')}`,
    );
    expect(scrape.status).toBe(200);
  });
});
