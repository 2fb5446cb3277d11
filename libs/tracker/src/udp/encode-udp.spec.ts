import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex20 } from '../../test/support/arbitraries.js';
import type { AnnounceResult, ScrapeResult } from '../options.js';
import { encodeUdpAnnounce, encodeUdpConnect, encodeUdpError, encodeUdpScrape } from './encode-udp.js';
import { decodeUdpResponse } from './udp-client-messages.js';

const u32 = fc.nat({ max: 0xffffffff });

describe('UDP answers', () => {
  it('round-trip connect and error', () => {
    fc.assert(
      fc.property(u32, fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.string(), (tid, id, message) => {
        expect(decodeUdpResponse(encodeUdpConnect(tid, id))).toEqual({
          action: 'connect',
          transactionId: tid,
          connectionId: Buffer.from(id),
        });
        expect(decodeUdpResponse(encodeUdpError(tid, message))).toEqual({
          action: 'error',
          transactionId: tid,
          message,
        });
      }),
    );
  });

  it('round-trip announces, listing only peers of the requester family', () => {
    const peer = fc.record({
      peerId: hex20,
      ip: fc.oneof(fc.ipV4(), fc.constantFrom('2001:db8::1', '::1', 'fe80::abcd:1')),
      port: fc.integer({ min: 1, max: 65535 }),
      seeder: fc.boolean(),
    });
    fc.assert(
      fc.property(
        u32,
        fc.array(peer, { maxLength: 60 }),
        fc.constantFrom(4 as const, 6 as const),
        u32,
        u32,
        (tid, peers, family, seeders, leechers) => {
          const result: AnnounceResult = {
            infoHash: 'ab'.repeat(20),
            interval: 900,
            minInterval: 60,
            seeders,
            leechers,
            completed: 0,
            peers,
          };
          const expected = peers
            .filter((p) => p.ip.includes(':') === (family === 6))
            .map((p) => ({ ip: p.ip, port: p.port }));
          expect(decodeUdpResponse(encodeUdpAnnounce(tid, result, family), family)).toEqual({
            action: 'announce',
            transactionId: tid,
            interval: 900,
            leechers,
            seeders,
            peers: expected,
          });
        },
      ),
    );
  });

  it('round-trip scrapes', () => {
    const file = fc.record({ infoHash: hex20, seeders: u32, leechers: u32, completed: u32 });
    fc.assert(
      fc.property(u32, fc.array(file, { maxLength: 74 }), (tid, files) => {
        const result: ScrapeResult = { files };
        expect(decodeUdpResponse(encodeUdpScrape(tid, result))).toEqual({
          action: 'scrape',
          transactionId: tid,
          files: files.map(({ seeders, completed, leechers }) => ({ seeders, completed, leechers })),
        });
      }),
    );
  });

  it('clamps counts that do not fit 32 bits', () => {
    const result: ScrapeResult = {
      files: [{ infoHash: 'ab'.repeat(20), seeders: 2 ** 40, leechers: 1, completed: 2 }],
    };
    expect(decodeUdpResponse(encodeUdpScrape(1, result))).toMatchObject({
      files: [{ seeders: 0xffffffff, completed: 2, leechers: 1 }],
    });
  });
});
