import bencodeLib from 'bencode';
import { afterEach, describe, expect, it } from 'vitest';
import { announceQuery, hexId } from '../../test/support/tracker-fixtures.js';
import { parseCompactPeers } from '../address.js';
import { TrackerError } from '../errors.js';
import { createTracker } from '../tracker.js';
import type { Tracker } from '../tracker.js';
import type { TrackerOptions } from '../options.js';
import { handleHttpAnnounce, handleHttpScrape } from './handle-http.js';
import { percentEncode } from './query-string.js';

const HASH = `ff${hexId(1, 'b').slice(2)}`;
let tracker: Tracker;
const make = (options: TrackerOptions = {}) => (tracker = createTracker({ sweepIntervalSeconds: 0, ...options }));
afterEach(() => tracker?.close());

const decode = (body: Buffer) => bencodeLib.decode(body);

describe('handleHttpAnnounce', () => {
  it('answers BEP 23 compact peers, counts and intervals', async () => {
    make();
    await handleHttpAnnounce(tracker, announceQuery(HASH, 1, { left: 0 }), '10.0.0.1');
    const response = await handleHttpAnnounce(tracker, announceQuery(HASH, 2), '::ffff:10.0.0.2');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    const body = decode(response.body);
    expect(body).toMatchObject({ complete: 1, incomplete: 1, downloaded: 0, interval: 900, 'min interval': 60 });
    expect(parseCompactPeers(body.peers, 4)).toEqual([{ ip: '10.0.0.1', port: 6001 }]);
    expect(body.peers6).toBeUndefined();
  });

  it('puts IPv6 peers in peers6 (BEP 7) and both families in dictionary mode', async () => {
    make();
    await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '2001:db8::1');
    await handleHttpAnnounce(tracker, announceQuery(HASH, 2), '10.0.0.2');
    const compact = decode((await handleHttpAnnounce(tracker, announceQuery(HASH, 3), '10.0.0.3')).body);
    expect(parseCompactPeers(compact.peers6, 6)).toEqual([{ ip: '2001:db8::1', port: 6001 }]);
    expect(parseCompactPeers(compact.peers, 4)).toEqual([{ ip: '10.0.0.2', port: 6002 }]);

    const dict = decode((await handleHttpAnnounce(tracker, announceQuery(HASH, 4, { compact: 0 }), '10.0.0.4')).body);
    const peers = (dict.peers as { ip: Uint8Array; port: number; 'peer id': Uint8Array }[]).map((p) => ({
      ip: Buffer.from(p.ip).toString(),
      port: p.port,
      peerId: Buffer.from(p['peer id']).toString('hex'),
    }));
    expect(peers.sort((a, b) => a.port - b.port)).toEqual([
      { ip: '2001:db8::1', port: 6001, peerId: hexId(1) },
      { ip: '10.0.0.2', port: 6002, peerId: hexId(2) },
      { ip: '10.0.0.3', port: 6003, peerId: hexId(3) },
    ]);
    const noIds = decode(
      (await handleHttpAnnounce(tracker, announceQuery(HASH, 4, { compact: 0, no_peer_id: 1 }), '10.0.0.4')).body,
    );
    expect(noIds.peers[0]['peer id']).toBeUndefined();
  });

  it('answers bad input with a failure reason and status 200, and keeps serving', async () => {
    make();
    for (const query of [
      '',
      'info_hash=%zz',
      announceQuery(HASH, 1, { port: 0 }),
      announceQuery(HASH, 1, { event: 'boom' }),
    ]) {
      const response = await handleHttpAnnounce(tracker, query, '10.0.0.1');
      expect(response.status).toBe(200);
      expect(Buffer.from(decode(response.body)['failure reason']).toString()).toMatch(/invalid|malformed/);
    }
    expect((await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '10.0.0.1')).status).toBe(200);
  });

  it('tells a flooding address to retry later (BEP 31 retry in)', async () => {
    let calls = 0;
    make({ rateLimit: () => (++calls > 2 ? { retryInSeconds: 90 } : true) });
    await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '10.0.0.1');
    await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '10.0.0.1');
    const body = decode((await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '10.0.0.1')).body);
    expect(Buffer.from(body['failure reason']).toString()).toBe('too many requests, slow down');
    expect(body['retry in']).toBe(2);
  });

  it('reports internal failures as 500 without leaking them, and through onFailure', async () => {
    const failures: { code: string; cause: unknown }[] = [];
    make({
      filter: () => {
        throw new Error('database password is hunter2');
      },
      hooks: { onFailure: (error, context) => failures.push({ code: error.code, cause: context.cause }) },
    });
    const response = await handleHttpAnnounce(tracker, announceQuery(HASH, 1), '10.0.0.1');
    expect(response.status).toBe(500);
    expect(response.body.toString()).not.toContain('hunter2');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toBe('TRACKER_INTERNAL');
    expect(String(failures[0]!.cause)).toContain('hunter2');
  });
});

describe('handleHttpScrape', () => {
  it('answers files keyed by raw info hash (BEP 48)', async () => {
    make();
    await handleHttpAnnounce(tracker, announceQuery(HASH, 1, { left: 0, event: 'completed' }), '10.0.0.1');
    await handleHttpAnnounce(tracker, announceQuery(HASH, 2), '10.0.0.2');
    const other = `fe${'00'.repeat(19)}`;
    const query = [HASH, other].map((h) => `info_hash=${percentEncode(Buffer.from(h, 'hex'))}`).join('&');
    const response = await handleHttpScrape(tracker, query, '10.0.0.3');
    expect(response.status).toBe(200);
    // The independent decoder spells binary keys in hex.
    expect(decode(response.body)).toEqual({
      files: {
        [HASH]: { complete: 1, downloaded: 1, incomplete: 1 },
        [other]: { complete: 0, downloaded: 0, incomplete: 0 },
      },
    });
  });

  it('refuses a full scrape and too many hashes with a failure reason', async () => {
    make({ maxScrapeHashes: 2 });
    expect(
      Buffer.from(decode((await handleHttpScrape(tracker, '', '10.0.0.1')).body)['failure reason']).toString(),
    ).toBe('invalid info_hash');
    const three = [1, 2, 3].map((n) => `info_hash=${percentEncode(Buffer.from(hexId(n), 'hex'))}`).join('&');
    const body = decode((await handleHttpScrape(tracker, three, '10.0.0.1')).body);
    expect(Buffer.from(body['failure reason']).toString()).toBe(TrackerError.tooManyHashes(2).message);
  });
});
