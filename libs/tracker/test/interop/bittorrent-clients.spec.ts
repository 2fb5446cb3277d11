import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AnnounceRequest } from '../../src/announce-request.js';
import type { AnnounceResult } from '../../src/options.js';
import { createTracker } from '../../src/tracker.js';
import type { Tracker } from '../../src/tracker.js';
import { createUdpTrackerServer } from '../../src/udp/udp-server.js';
import type { UdpTrackerServer } from '../../src/udp/udp-server.js';
import { InteropLab, eventually, freePort, requireBinary, startHttpTracker } from './harness.js';

/**
 * Real BitTorrent clients we did not write meet through our tracker and move a file: over HTTP
 * aria2 seeds and transmission-cli downloads; over UDP (BEP 15) transmission seeds and aria2
 * downloads. DHT, local discovery and peer exchange are off, so only the tracker introduces them.
 * Both run at once (each waits out the seeder's ~10 s choke round; time is never asserted).
 */
describe.concurrent('real BitTorrent clients through our tracker', () => {
  interface Seen {
    request: AnnounceRequest;
    result: AnnounceResult;
  }
  const announces = { http: [] as Seen[], udp: [] as Seen[] };
  const failures: string[] = [];
  let httpTracker: Tracker;
  let udpTracker: Tracker;
  let httpServer: Server;
  let httpPort: number;
  let udpServer: UdpTrackerServer;
  const labs = { http: new InteropLab(), udp: new InteropLab() };

  beforeAll(async () => {
    const make = (seen: Seen[]) =>
      createTracker({
        sweepIntervalSeconds: 0,
        minAnnounceIntervalSeconds: 1,
        hooks: {
          onAnnounce: (request, result) => seen.push({ request, result }),
          onFailure: (error) => failures.push(error.code),
        },
      });
    httpTracker = make(announces.http);
    udpTracker = make(announces.udp);
    ({ server: httpServer, port: httpPort } = await startHttpTracker(httpTracker));
    udpServer = await createUdpTrackerServer(udpTracker, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await Promise.all([labs.http.cleanup(), labs.udp.cleanup()]);
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await udpServer.close();
    await httpTracker.close();
    await udpTracker.close();
  });

  it('HTTP: transmission downloads what aria2 seeds, byte for byte', async ({ expect }) => {
    requireBinary('aria2c', 'aria2');
    requireBinary('transmission-cli', 'transmission-cli');
    requireBinary('mktorrent', 'mktorrent');
    const lab = labs.http;
    const seen = announces.http;

    const torrent = lab.makeTorrent(`http://127.0.0.1:${httpPort}/announce`, 'http');
    const seedPort = await freePort();
    lab.startAria2Seeder(torrent, seedPort);
    const leecher = lab.startTransmission(torrent, await freePort(), 'transmission');
    await lab.waitForPayload(leecher.dir, leecher.child, 'transmission');

    const fromAria2 = seen.filter((a) => clientOf(a.request) === 'A2-');
    const fromTransmission = seen.filter((a) => clientOf(a.request) === '-TR');
    expect(fromAria2.length, lab.tail('aria2-seed')).toBeGreaterThan(0);
    expect(fromTransmission.length, lab.tail('transmission')).toBeGreaterThan(0);
    expect(seen.every((a) => a.request.transport === 'http')).toBe(true);
    // The tracker introduced them: transmission was handed aria2's listening port.
    expect(fromTransmission.some((a) => a.result.peers.some((p) => p.port === seedPort))).toBe(true);
    expect(fromAria2.every((a) => a.request.left === 0)).toBe(true);
    // transmission reports its download, and the swarm counts it.
    await eventually(() => seen.some((a) => clientOf(a.request) === '-TR' && a.request.event === 'completed'));
    expect(await httpTracker.getSwarm(fromAria2[0]!.request.infoHash)).toMatchObject({
      seeders: 2,
      leechers: 0,
      completed: 1,
    });
  });

  it('UDP: aria2 downloads what transmission seeds, byte for byte', async ({ expect }) => {
    requireBinary('aria2c', 'aria2');
    requireBinary('transmission-cli', 'transmission-cli');
    requireBinary('mktorrent', 'mktorrent');
    const lab = labs.udp;
    const seen = announces.udp;

    const torrent = lab.makeTorrent(`udp://127.0.0.1:${udpServer.port}/announce`, 'udp');
    const seedPort = await freePort();
    lab.startTransmission(torrent, seedPort, 'transmission', true);
    const leecher = lab.startAria2Leecher(torrent, await freePort(), 'aria2', { dhtPort: await freePort('udp') });
    await lab.waitForPayload(leecher.dir, leecher.child, 'aria2');

    const from = (client: string) => seen.filter((a) => clientOf(a.request) === client);
    expect(from('-TR').length, lab.tail('transmission')).toBeGreaterThan(0);
    expect(from('A2-').length, lab.tail('aria2')).toBeGreaterThan(0);
    expect(seen.every((a) => a.request.transport === 'udp')).toBe(true);
    expect(from('A2-').some((a) => a.result.peers.some((p) => p.port === seedPort))).toBe(true);
    // Connection ids were issued and accepted: no client was refused.
    expect(failures).not.toContain('TRACKER_INVALID_CONNECTION_ID');
  });
});

function clientOf(request: AnnounceRequest): string {
  return Buffer.from(request.peerId, 'hex').toString('latin1').slice(0, 3);
}
