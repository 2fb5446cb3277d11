import { afterEach, describe, expect, it } from 'vitest';
import { announceRequest, hexId } from '../test/support/tracker-fixtures.js';
import { TrackerError } from './errors.js';
import type { TrackerOptions } from './options.js';
import { createFixedWindowRateLimit } from './rate-limit.js';
import { createTracker } from './tracker.js';
import type { Tracker } from './tracker.js';

let tracker: Tracker;
const make = (options: TrackerOptions = {}) => (tracker = createTracker({ sweepIntervalSeconds: 0, ...options }));
afterEach(() => tracker?.close());

async function rejection(promise: Promise<unknown>): Promise<TrackerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TrackerError) return error;
    throw error;
  }
  throw new Error('expected a TrackerError');
}

describe('Tracker', () => {
  it('answers an announce with other peers, counts and intervals', async () => {
    make();
    await tracker.announce(announceRequest({ peerId: hexId(1), remoteAddress: '10.0.0.1', left: 0 }));
    const result = await tracker.announce(announceRequest({ peerId: hexId(2), remoteAddress: '10.0.0.2' }));
    expect(result).toEqual({
      infoHash: hexId(1, 'b'),
      interval: 900,
      minInterval: 60,
      seeders: 1,
      leechers: 1,
      completed: 0,
      peers: [{ peerId: hexId(1), ip: '10.0.0.1', port: 6881, seeder: true }],
    });
  });

  it('hands out 50 peers by default and never more than 200', async () => {
    make();
    for (let i = 1; i <= 260; i++) {
      await tracker.announce(announceRequest({ peerId: hexId(i), remoteAddress: `10.0.${i >> 8}.${i & 255}` }));
    }
    expect((await tracker.announce(announceRequest({ peerId: hexId(999) }))).peers).toHaveLength(50);
    expect((await tracker.announce(announceRequest({ peerId: hexId(999), numwant: 1e9 }))).peers).toHaveLength(200);
    expect((await tracker.announce(announceRequest({ peerId: hexId(999), numwant: 3 }))).peers).toHaveLength(3);
  });

  it('gives WebSocket peers their own, shorter interval', async () => {
    make({ webSocketAnnounceIntervalSeconds: 30 });
    const result = await tracker.announce(announceRequest({ transport: 'ws', port: 0, numwant: 0 }), { route: 'r1' });
    expect(result).toMatchObject({ interval: 30, minInterval: 30 });
  });

  it('uses claimed addresses only when told to trust them', async () => {
    make();
    const claimed = announceRequest({ peerId: hexId(1), claimedAddresses: ['192.0.2.50'] });
    await tracker.announce(claimed);
    expect((await tracker.announce(announceRequest({ peerId: hexId(2) }))).peers[0]?.ip).toBe('10.0.0.1');
    await tracker.close();
    make({ trustClientAddresses: true });
    await tracker.announce(claimed);
    expect((await tracker.announce(announceRequest({ peerId: hexId(2) }))).peers[0]?.ip).toBe('192.0.2.50');
  });

  it('refuses a TCP peer without a usable address (a mis-wired front end)', async () => {
    make();
    const error = await rejection(tracker.announce(announceRequest({ remoteAddress: '' })));
    expect(error.code).toBe('TRACKER_INVALID_ADDRESS');
  });

  it('asks the filter, so private mode and blocklists refuse with a reason', async () => {
    const blocked = hexId(66, 'b');
    make({
      filter: ({ action, request }) => {
        if (request.passkey !== 'good') return 'unknown passkey';
        const hashes = action === 'announce' ? [request.infoHash] : request.infoHashes;
        return hashes.includes(blocked) ? 'torrent not allowed' : true;
      },
    });
    const noKey = await rejection(tracker.announce(announceRequest()));
    expect(noKey).toMatchObject({ code: 'TRACKER_DENIED', message: 'unknown passkey' });
    await expect(tracker.announce(announceRequest({ passkey: 'good' }))).resolves.toBeDefined();
    const blockedAnnounce = await rejection(tracker.announce(announceRequest({ passkey: 'good', infoHash: blocked })));
    expect(blockedAnnounce.message).toBe('torrent not allowed');
    const scrape = await rejection(
      tracker.scrape({ transport: 'udp', infoHashes: [blocked], remoteAddress: '10.0.0.1', passkey: 'good' }),
    );
    expect(scrape.code).toBe('TRACKER_DENIED');
    // Nothing was stored for refused requests.
    expect((await tracker.listSwarms()).total).toBe(1);
  });

  it('rate-limits per address with the ready-made fixed window', async () => {
    let now = 1_000_000;
    make({ now: () => now, rateLimit: createFixedWindowRateLimit({ limit: 3, windowSeconds: 10, now: () => now }) });
    for (let i = 0; i < 3; i++) await tracker.announce(announceRequest());
    const limited = await rejection(tracker.announce(announceRequest()));
    expect(limited).toMatchObject({ code: 'TRACKER_RATE_LIMITED', retryInSeconds: 10 });
    // Another address is not affected; the next window starts afresh.
    await tracker.announce(announceRequest({ remoteAddress: '10.0.0.2', peerId: hexId(2) }));
    now += 10_000;
    await tracker.announce(announceRequest());
  });

  it('reports announces, scrapes and failures to the hooks', async () => {
    const seen: string[] = [];
    make({
      hooks: {
        onAnnounce: (request, result) => seen.push(`announce ${request.event} ${result.leechers}`),
        onScrape: (_request, result) => seen.push(`scrape ${result.files.length}`),
        onFailure: (error, context) => seen.push(`failure ${error.code} ${context.transport}`),
      },
    });
    await tracker.announce(announceRequest());
    await tracker.scrape({ transport: 'http', infoHashes: [hexId(1, 'b'), hexId(2, 'b')], remoteAddress: '10.0.0.1' });
    tracker.fail(TrackerError.invalidPort(), { transport: 'udp' });
    expect(seen).toEqual(['announce started 1', 'scrape 2', 'failure TRACKER_INVALID_PORT udp']);
  });

  it('forgets peers that stop announcing, on its sweep', async () => {
    let now = 1_000_000;
    make({ now: () => now, announceIntervalSeconds: 60, minAnnounceIntervalSeconds: 10 });
    await tracker.announce(announceRequest());
    now += 119_000;
    expect((await tracker.totals()).leechers).toBe(1);
    now += 2_000;
    expect(await tracker.sweep()).toBe(1);
    expect(await tracker.totals()).toEqual({ swarms: 0, seeders: 0, leechers: 0 });
  });

  it('exposes swarms for the admin view and removes one on request', async () => {
    make();
    await tracker.announce(announceRequest({ uploaded: 10, left: 0, event: 'completed' }));
    expect(await tracker.getSwarm(hexId(1, 'b'))).toMatchObject({ seeders: 1, completed: 1, uploaded: 10 });
    expect((await tracker.listSwarms({ limit: 10 })).swarms).toHaveLength(1);
    expect(await tracker.removeSwarm(hexId(1, 'b'))).toBe(true);
    expect(await tracker.getSwarm(hexId(1, 'b'))).toBeUndefined();
  });

  it('refuses impossible options at construction, naming them', () => {
    const bad: TrackerOptions[] = [
      { announceIntervalSeconds: 0 },
      { maxNumwant: -1 },
      { defaultNumwant: 300 },
      { minAnnounceIntervalSeconds: 1000, announceIntervalSeconds: 100 },
      { sweepIntervalSeconds: 1.5 },
      { maxScrapeHashes: Number.NaN },
    ];
    for (const options of bad) {
      expect(() => createTracker(options), JSON.stringify(options)).toThrow(TrackerError);
    }
    expect(() => createTracker({ defaultNumwant: 300 })).toThrow(/defaultNumwant/);
  });
});
