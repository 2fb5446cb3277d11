import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex20, onlyTrackerErrors } from '../../test/support/arbitraries.js';
import { TrackerError } from '../errors.js';
import { parseUdpPacket, urlDataFromOptions } from './parse-udp.js';
import { encodeUdpAnnounceRequest, encodeUdpConnectRequest, encodeUdpScrapeRequest } from './udp-client-messages.js';
import type { UdpAnnounceFields } from './udp-client-messages.js';

const from = { address: '::ffff:127.0.0.1', port: 40000 };
const CONN = Buffer.from('0102030405060708', 'hex');

const fields: UdpAnnounceFields = {
  connectionId: CONN,
  transactionId: 0xdeadbeef,
  infoHash: 'ab'.repeat(20),
  peerId: 'cd'.repeat(20),
  downloaded: 5,
  left: 10,
  uploaded: 7,
  event: 'started',
  ip: 0,
  key: 0x11223344,
  numwant: -1,
  port: 6881,
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TrackerError ? error.code : `not a TrackerError: ${String(error)}`;
  }
  return undefined;
}

describe('parseUdpPacket', () => {
  it('parses a real transmission announce captured on the wire', () => {
    const packet = Buffer.from(
      readFileSync(new URL('../../test/fixtures/transmission-udp-announce.hex', import.meta.url), 'utf8').trim(),
      'hex',
    );
    const command = parseUdpPacket(packet, from);
    expect(command.action).toBe('announce');
    if (command.action !== 'announce') return;
    expect(command.connectionId).toEqual(CONN);
    expect(command.request).toMatchObject({
      transport: 'udp',
      infoHash: 'e21c2be2d63d75ebd350087fa4328fd8c888fba2',
      remoteAddress: '127.0.0.1',
      port: 51413,
      left: 100000,
      event: 'started',
      numwant: 80,
      compact: true,
    });
    expect(Buffer.from(command.request.peerId, 'hex').subarray(0, 8).toString()).toBe('-TR3000-');
  });

  it('parses connect, and refuses a connect without the BEP 15 protocol id', () => {
    expect(parseUdpPacket(encodeUdpConnectRequest(7), from)).toEqual({ action: 'connect', transactionId: 7 });
    const wrong = encodeUdpConnectRequest(7);
    wrong[0] = 1;
    expect(code(() => parseUdpPacket(wrong, from))).toBe('TRACKER_MALFORMED_REQUEST');
  });

  it('round-trips every announce the client encoder can write', () => {
    fc.assert(
      fc.property(
        hex20,
        hex20,
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.constantFrom('update', 'completed', 'started', 'stopped', 'paused' as const),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: -1, max: 1000 }),
        fc.nat({ max: 0xffffffff }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,64}$/), { nil: undefined }),
        (infoHash, peerId, downloaded, left, uploaded, event, port, numwant, transactionId, passkey) => {
          const packet = encodeUdpAnnounceRequest({
            ...fields,
            infoHash,
            peerId,
            downloaded,
            left,
            uploaded,
            event,
            port,
            numwant,
            transactionId,
            ...(passkey !== undefined ? { urlData: `/announce?passkey=${passkey}` } : {}),
          });
          const command = parseUdpPacket(packet, { address: '10.0.0.1', port: 1 });
          expect(command).toMatchObject({ action: 'announce', transactionId });
          if (command.action !== 'announce') return;
          expect(command.request).toMatchObject({ infoHash, peerId, downloaded, left, uploaded, event, port });
          expect(command.request.numwant).toBe(numwant < 0 ? undefined : Math.min(numwant, 200));
          expect(command.request.passkey).toBe(passkey);
        },
      ),
    );
  });

  it('round-trips scrapes of 1 to 74 hashes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hex20, { minLength: 1, maxLength: 74 }), (hashes) => {
        const command = parseUdpPacket(encodeUdpScrapeRequest(CONN, 9, hashes), from);
        expect(command).toMatchObject({ action: 'scrape', transactionId: 9, request: { infoHashes: hashes } });
      }),
    );
  });

  it('never throws anything but TrackerError on arbitrary or mutated bytes', () => {
    const valid = encodeUdpAnnounceRequest({ ...fields, urlData: '/announce?passkey=x' });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          // Valid packets with some bytes flipped and a random cut: the near misses real bugs make.
          fc
            .tuple(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255))), fc.nat(valid.length + 10))
            .map(([flips, cut]) => {
              const copy = Buffer.from(valid);
              for (const [i, v] of flips) copy[i] = v;
              return copy.subarray(0, cut);
            }),
        ),
        (bytes) => onlyTrackerErrors(() => parseUdpPacket(bytes, from)),
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses short, truncated and nonsensical packets with stable codes', () => {
    const announce = encodeUdpAnnounceRequest(fields);
    const badEvent = Buffer.from(announce);
    badEvent.writeUInt32BE(9, 80);
    const zeroPort = Buffer.from(announce);
    zeroPort.writeUInt16BE(0, 96);
    const badAction = Buffer.from(announce);
    badAction.writeUInt32BE(77, 8);
    const cases: [Uint8Array, string][] = [
      [Buffer.alloc(0), 'TRACKER_MALFORMED_REQUEST'],
      [Buffer.alloc(15), 'TRACKER_MALFORMED_REQUEST'],
      [announce.subarray(0, 97), 'TRACKER_MALFORMED_REQUEST'],
      [badEvent, 'TRACKER_INVALID_EVENT'],
      [zeroPort, 'TRACKER_INVALID_PORT'],
      [badAction, 'TRACKER_INVALID_ACTION'],
      [encodeUdpScrapeRequest(CONN, 1, []), 'TRACKER_INVALID_INFO_HASH'],
      [encodeUdpScrapeRequest(CONN, 1, ['ab'.repeat(20)]).subarray(0, 30), 'TRACKER_INVALID_INFO_HASH'],
    ];
    for (const [packet, expected] of cases) expect(code(() => parseUdpPacket(packet, from))).toBe(expected);
  });

  it('keeps the sender address, and a claimed ip field apart from it', () => {
    const command = parseUdpPacket(encodeUdpAnnounceRequest({ ...fields, ip: 0xc0000201 }), from);
    expect(command.action === 'announce' && command.request).toMatchObject({
      remoteAddress: '127.0.0.1',
      claimedAddresses: ['192.0.2.1'],
      key: '11223344',
    });
  });

  it('caps numwant so an IPv6 answer fits one datagram', () => {
    const command = parseUdpPacket(encodeUdpAnnounceRequest({ ...fields, numwant: 500 }), { address: '::1', port: 1 });
    expect(command.action === 'announce' && command.request.numwant).toBe(80);
  });
});

describe('BEP 41 options', () => {
  it('joins URL data, skips no-ops and unknown options, stops at the end marker', () => {
    const options = Buffer.concat([
      Buffer.from([1, 1]),
      Buffer.from([2, 4]),
      Buffer.from('/ann'),
      Buffer.from([9, 2, 0xaa, 0xbb]),
      Buffer.from([2, 6]),
      Buffer.from('ounce?'),
      Buffer.from([0, 2, 3]),
      Buffer.from('zzz'),
    ]);
    expect(urlDataFromOptions(options)).toBe('/announce?');
  });

  it('tolerates a truncated option list, keeping what was complete', () => {
    expect(urlDataFromOptions(Buffer.from([2, 3, 0x2f, 0x61, 0x62, 2, 10, 0x63]))).toBe('/ab');
    expect(urlDataFromOptions(Buffer.from([2]))).toBe('');
  });

  it('ignores garbled URL data rather than failing the announce', () => {
    const packet = encodeUdpAnnounceRequest({ ...fields, urlData: '/announce?passkey=%zz' });
    const command = parseUdpPacket(packet, from);
    expect(command.action === 'announce' && command.request.passkey).toBeUndefined();
  });
});
