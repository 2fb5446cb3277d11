import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UdpTestClient } from '../../test/support/udp-client.js';
import { createTracker } from '../tracker.js';
import type { Tracker } from '../tracker.js';
import { createUdpTrackerServer } from './udp-server.js';
import type { UdpTrackerServer } from './udp-server.js';
import {
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
  encodeUdpScrapeRequest,
} from './udp-client-messages.js';
import type { UdpAnnounceFields } from './udp-client-messages.js';

const HASH = 'ab'.repeat(20);
let tracker: Tracker;
let server: UdpTrackerServer;
const failures: string[] = [];

beforeAll(async () => {
  tracker = createTracker({ sweepIntervalSeconds: 0, hooks: { onFailure: (e) => failures.push(e.code) } });
  server = await createUdpTrackerServer(tracker, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
  await tracker.close();
});

async function connect(client: UdpTestClient): Promise<Buffer> {
  const answer = decodeUdpResponse(await client.request(encodeUdpConnectRequest(42)));
  if (answer.action !== 'connect') throw new Error(`expected connect, got ${JSON.stringify(answer)}`);
  expect(answer.transactionId).toBe(42);
  return answer.connectionId;
}

function announceFields(connectionId: Buffer, peer: number, port: number): UdpAnnounceFields {
  return {
    connectionId,
    transactionId: 1000 + peer,
    infoHash: HASH,
    peerId: peer.toString(16).padStart(40, '0'),
    downloaded: 0,
    left: peer === 1 ? 0 : 500,
    uploaded: 0,
    event: 'started',
    ip: 0,
    key: peer,
    numwant: -1,
    port,
  };
}

describe('UDP tracker server', () => {
  it('binds port 0 to a free port and exposes it', () => {
    expect(server.port).toBeGreaterThan(0);
  });

  it('connects, announces and scrapes (BEP 15), and two peers find each other', async () => {
    const a = await UdpTestClient.open(server.port);
    const b = await UdpTestClient.open(server.port);
    try {
      const first = decodeUdpResponse(
        await a.request(encodeUdpAnnounceRequest(announceFields(await connect(a), 1, 7001))),
      );
      expect(first).toEqual({
        action: 'announce',
        transactionId: 1001,
        interval: 900,
        leechers: 0,
        seeders: 1,
        peers: [],
      });
      const second = decodeUdpResponse(
        await b.request(encodeUdpAnnounceRequest(announceFields(await connect(b), 2, 7002))),
      );
      expect(second).toEqual({
        action: 'announce',
        transactionId: 1002,
        interval: 900,
        leechers: 1,
        seeders: 1,
        peers: [{ ip: '127.0.0.1', port: 7001 }],
      });
      const scrape = decodeUdpResponse(
        await a.request(encodeUdpScrapeRequest(await connect(a), 5, [HASH, 'cd'.repeat(20)])),
      );
      expect(scrape).toEqual({
        action: 'scrape',
        transactionId: 5,
        files: [
          { seeders: 1, completed: 0, leechers: 1 },
          { seeders: 0, completed: 0, leechers: 0 },
        ],
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a forged connection id, and one issued to another port, with error action 3', async () => {
    const a = await UdpTestClient.open(server.port);
    const b = await UdpTestClient.open(server.port);
    try {
      const forged = decodeUdpResponse(
        await a.request(encodeUdpAnnounceRequest(announceFields(Buffer.alloc(8, 1), 3, 7003))),
      );
      expect(forged).toEqual({ action: 'error', transactionId: 1003, message: 'invalid connection id' });
      const stolen = decodeUdpResponse(await b.request(encodeUdpScrapeRequest(await connect(a), 6, [HASH])));
      expect(stolen).toEqual({ action: 'error', transactionId: 6, message: 'invalid connection id' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('answers malformed requests with an error, stays silent on shorter garbage, and keeps serving', async () => {
    const client = await UdpTestClient.open(server.port);
    try {
      const id = await connect(client);
      const truncated = encodeUdpAnnounceRequest(announceFields(id, 4, 7004)).subarray(0, 60);
      expect(decodeUdpResponse(await client.request(truncated))).toMatchObject({
        action: 'error',
        transactionId: 1004,
      });
      const zeroPort = encodeUdpAnnounceRequest(announceFields(id, 4, 7004));
      zeroPort.writeUInt16BE(0, 96);
      expect(decodeUdpResponse(await client.request(zeroPort))).toEqual({
        action: 'error',
        transactionId: 1004,
        message: 'invalid port',
      });

      // Garbage of every size, in batches (a burst beyond the socket buffer is dropped by the
      // kernel, not by us); after each batch a connect must still be answered. Packets shorter
      // than 16 bytes get no answer, longer ones an error, which is drained here.
      const garbage = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 120, size: 'medium' }), 300);
      for (let batch = 0; batch < garbage.length; batch += 50) {
        for (const packet of garbage.slice(batch, batch + 50)) client.send(packet);
        client.send(encodeUdpConnectRequest(77));
        for (;;) {
          const answer = decodeUdpResponse(await client.next());
          if (answer.action === 'connect') {
            expect(answer.transactionId).toBe(77);
            break;
          }
          expect(answer.action).toBe('error');
        }
      }
      expect(failures).toContain('TRACKER_MALFORMED_REQUEST');
    } finally {
      await client.close();
    }
  });

  it('serves IPv6 clients with 18-byte peers', async () => {
    const v6 = await createUdpTrackerServer(tracker, { host: '::1', port: 0 });
    const a = await UdpTestClient.open(v6.port, 6);
    const b = await UdpTestClient.open(v6.port, 6);
    try {
      const hash = 'ef'.repeat(20);
      const fieldsA = { ...announceFields(await connect(a), 1, 8001), infoHash: hash };
      await a.request(encodeUdpAnnounceRequest(fieldsA));
      const fieldsB = { ...announceFields(await connect(b), 2, 8002), infoHash: hash };
      const answer = decodeUdpResponse(await b.request(encodeUdpAnnounceRequest(fieldsB)), 6);
      expect(answer).toMatchObject({ action: 'announce', peers: [{ ip: '::1', port: 8001 }] });
    } finally {
      await a.close();
      await b.close();
      await v6.close();
    }
  });
});
