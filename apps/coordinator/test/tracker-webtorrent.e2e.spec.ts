import { createHash, randomBytes } from 'node:crypto';
import WebTorrent from 'webtorrent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestCoordinator } from './harness.js';
import type { TestCoordinator } from './harness.js';

/**
 * Two WebTorrent clients (the library browsers run; node-datachannel for WebRTC in Node) move a
 * file over WebRTC. DHT and local discovery are off and the only tracker is the coordinator's
 * WebSocket tracker, so its offer relay is how they meet; the test checks the wire is WebRTC.
 */
describe('two WebTorrent clients over the WebSocket tracker', () => {
  let c: TestCoordinator;
  const clients: WebTorrent.Instance[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator(backends()[0]!);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))));
    await c?.stop();
  });

  const client = () => {
    const instance = new WebTorrent({ dht: false, lsd: false, utp: false, natUpnp: false, natPmp: false } as never);
    clients.push(instance);
    return instance;
  };

  it('the leecher gets the seeder’s file, byte for byte', async () => {
    const payload = randomBytes(512 * 1024 + 77);
    const announce = [`${c.url.replace(/^http/, 'ws')}/announce`];
    const seeder = client();
    const torrent = await new Promise<WebTorrent.Torrent>((resolve) =>
      seeder.seed(
        Object.assign(payload, { name: 'payload.bin' }) as never,
        { announce, name: 'payload.bin' } as never,
        resolve,
      ),
    );
    const leecher = client();
    const downloaded = await new Promise<Buffer>((resolve, reject) => {
      leecher.on('error', reject);
      leecher.add(torrent.magnetURI, { announce } as never, (t) => {
        t.on('done', async () => {
          const file = t.files[0]!;
          resolve(Buffer.from(await file.arrayBuffer()));
        });
      });
    });
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(
      createHash('sha256').update(payload).digest('hex'),
    );
    const wires = leecher.torrents[0]!.wires as unknown as { type?: string }[];
    expect(wires.some((w) => w.type === 'webrtc')).toBe(true);
  });
});
