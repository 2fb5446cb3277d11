import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes20, hostileString, onlyTrackerErrors } from '../../test/support/arbitraries.js';
import { TrackerError } from '../errors.js';
import { parseHttpAnnounce, parseHttpScrape } from './parse-http.js';
import { parseQueryString, percentDecode, percentEncode } from './query-string.js';

const HASH = Buffer.alloc(20, 0xab);
const PEER = Buffer.from('-TR4060-abcdefghijkl');
const base = `info_hash=${percentEncode(HASH)}&peer_id=${percentEncode(PEER)}&port=51413`;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TrackerError ? error.code : `not a TrackerError: ${String(error)}`;
  }
  return undefined;
}

describe('parseHttpAnnounce', () => {
  it('parses a real aria2 announce captured on the wire', () => {
    const line = readFileSync(new URL('../../test/fixtures/aria2-announce.url', import.meta.url), 'utf8').trim();
    const request = parseHttpAnnounce(line.slice(line.indexOf('?') + 1), '::ffff:127.0.0.1');
    expect(request).toMatchObject({
      transport: 'http',
      infoHash: 'e21c2be2d63d75ebd350087fa4328fd8c888fba2',
      remoteAddress: '127.0.0.1',
      port: 6887,
      uploaded: 0,
      downloaded: 0,
      left: 100000,
      event: 'started',
      numwant: 50,
      compact: true,
      noPeerId: true,
    });
    expect(Buffer.from(request.peerId, 'hex').subarray(0, 10).toString()).toBe('A2-1-36-0-');
  });

  it('applies BEP 3 defaults when optional fields are absent', () => {
    expect(parseHttpAnnounce(base, '10.1.2.3')).toEqual({
      transport: 'http',
      infoHash: HASH.toString('hex'),
      peerId: PEER.toString('hex'),
      remoteAddress: '10.1.2.3',
      port: 51413,
      uploaded: 0,
      downloaded: 0,
      left: Infinity,
      event: 'update',
      compact: true,
      noPeerId: false,
    });
  });

  it('round-trips any binary info_hash, peer_id and numbers through percent-encoding', () => {
    fc.assert(
      fc.property(
        bytes20,
        bytes20,
        fc.integer({ min: 1, max: 65535 }),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.constantFrom('started', 'stopped', 'completed', 'paused', ''),
        fc.nat({ max: 1000 }),
        fc.boolean(),
        (hash, peer, port, uploaded, downloaded, left, event, numwant, compact) => {
          const query = [
            `info_hash=${percentEncode(hash)}`,
            `peer_id=${percentEncode(peer)}`,
            `port=${port}`,
            `uploaded=${uploaded}`,
            `downloaded=${downloaded}`,
            `left=${left}`,
            `event=${event}`,
            `numwant=${numwant}`,
            `compact=${compact ? 1 : 0}`,
          ].join('&');
          const request = parseHttpAnnounce(query, '192.0.2.1');
          expect(request).toMatchObject({
            infoHash: hash.toString('hex'),
            peerId: peer.toString('hex'),
            port,
            uploaded,
            downloaded,
            left,
            event: event === '' ? 'update' : event,
            numwant,
            compact,
          });
        },
      ),
    );
  });

  it('never throws anything but TrackerError, whatever the query string', () => {
    fc.assert(
      fc.property(hostileString, (query) => onlyTrackerErrors(() => parseHttpAnnounce(query, '10.0.0.1'))),
      {
        numRuns: 2000,
      },
    );
  });

  it('refuses wrong-length ids, bad ports, bad numbers and unknown events with stable codes', () => {
    const cases: [string, string][] = [
      ['', 'TRACKER_INVALID_INFO_HASH'],
      [
        `info_hash=${percentEncode(HASH.subarray(0, 19))}&peer_id=${percentEncode(PEER)}&port=1`,
        'TRACKER_INVALID_INFO_HASH',
      ],
      [
        `info_hash=${percentEncode(Buffer.alloc(21))}&peer_id=${percentEncode(PEER)}&port=1`,
        'TRACKER_INVALID_INFO_HASH',
      ],
      // A UTF-8 decoder would turn these 20 bytes into a different length: they must stay bytes.
      [`info_hash=${'%FF'.repeat(20)}&peer_id=${percentEncode(PEER.subarray(1))}&port=1`, 'TRACKER_INVALID_PEER_ID'],
      [base.replace('port=51413', 'port=0'), 'TRACKER_INVALID_PORT'],
      [base.replace('port=51413', 'port=65536'), 'TRACKER_INVALID_PORT'],
      [base.replace('port=51413', 'port=-1'), 'TRACKER_INVALID_PORT'],
      [base.replace('port=51413', 'port=80x'), 'TRACKER_INVALID_PORT'],
      [base.replace('&port=51413', ''), 'TRACKER_INVALID_PORT'],
      [`${base}&left=-5`, 'TRACKER_INVALID_NUMBER'],
      [`${base}&uploaded=1e9`, 'TRACKER_INVALID_NUMBER'],
      [`${base}&numwant=lots`, 'TRACKER_INVALID_NUMBER'],
      [`${base}&numwant=${'9'.repeat(400)}`, 'TRACKER_INVALID_NUMBER'],
      [`${base}&event=exploded`, 'TRACKER_INVALID_EVENT'],
      [`${base}&event=constructor`, 'TRACKER_INVALID_EVENT'],
      [`${base}&event=__proto__`, 'TRACKER_INVALID_EVENT'],
      [`${base}&ipv6=not-an-address`, 'TRACKER_INVALID_ADDRESS'],
      [`${base}&ipv4=999.1.1.1`, 'TRACKER_INVALID_ADDRESS'],
      [`${base}&key=%zz`, 'TRACKER_MALFORMED_REQUEST'],
      [`${base}&x=%`, 'TRACKER_MALFORMED_REQUEST'],
      [`${base}&passkey=`, 'TRACKER_MALFORMED_REQUEST'],
      [`${base}&x=${'a'.repeat(9000)}`, 'TRACKER_MALFORMED_REQUEST'],
      [`${base}&x=\u0100`, 'TRACKER_MALFORMED_REQUEST'],
    ];
    for (const [query, expected] of cases)
      expect(
        code(() => parseHttpAnnounce(query, '10.0.0.1')),
        query,
      ).toBe(expected);
  });

  it('clamps huge counters and treats numwant=-1 as "the default"', () => {
    const request = parseHttpAnnounce(`${base}&uploaded=18446744073709551615&numwant=-1`, '10.0.0.1');
    expect(request.uploaded).toBe(Number.MAX_SAFE_INTEGER);
    expect(request.numwant).toBeUndefined();
    expect(parseHttpAnnounce(`${base}&numwant=999999999`, '10.0.0.1').numwant).toBe(999999999);
  });

  it('reads BEP 7 addresses, ignores a DNS name in ip, keeps the sender address apart', () => {
    const request = parseHttpAnnounce(
      `${base}&ip=peer.example.org&ipv6=${encodeURIComponent('[2001:DB8::1]:51413')}&ipv4=192.0.2.9:51413`,
      '::ffff:198.51.100.4',
    );
    expect(request.remoteAddress).toBe('198.51.100.4');
    expect(request.claimedAddresses).toEqual(['2001:db8::1', '192.0.2.9']);
    expect(parseHttpAnnounce(`${base}&ip=192.0.2.1`, '10.0.0.1').claimedAddresses).toEqual(['192.0.2.1']);
    // A zone id names an interface of the client's machine: meaningless to anyone else.
    expect(code(() => parseHttpAnnounce(`${base}&ipv6=fe80::1%25eth0`, '10.0.0.1'))).toBe('TRACKER_INVALID_ADDRESS');
  });

  it('reads compact, no_peer_id, key and passkey; keeps + as a literal byte', () => {
    const plusHash = `info_hash=${'+'.repeat(20)}&peer_id=${percentEncode(PEER)}&port=1`;
    expect(parseHttpAnnounce(plusHash, '10.0.0.1').infoHash).toBe('2b'.repeat(20));
    const request = parseHttpAnnounce(`${base}&compact=0&no_peer_id=1&key=%01%02&passkey=s3cret`, '10.0.0.1');
    expect(request).toMatchObject({ compact: false, noPeerId: true, key: '0102', passkey: 's3cret' });
  });
});

describe('parseHttpScrape', () => {
  it('reads many info hashes, de-duplicated, in order', () => {
    const a = Buffer.alloc(20, 1);
    const b = Buffer.alloc(20, 2);
    const query = [a, b, a].map((h) => `info_hash=${percentEncode(h)}`).join('&');
    expect(parseHttpScrape(`${query}&passkey=k`, '10.0.0.1')).toEqual({
      transport: 'http',
      infoHashes: [a.toString('hex'), b.toString('hex')],
      remoteAddress: '10.0.0.1',
      passkey: 'k',
    });
  });

  it('refuses a full scrape and wrong-length hashes', () => {
    expect(code(() => parseHttpScrape('', '10.0.0.1'))).toBe('TRACKER_INVALID_INFO_HASH');
    expect(code(() => parseHttpScrape('info_hash=abc', '10.0.0.1'))).toBe('TRACKER_INVALID_INFO_HASH');
  });

  it('never throws anything but TrackerError, whatever the query string', () => {
    fc.assert(
      fc.property(hostileString, (query) => onlyTrackerErrors(() => parseHttpScrape(query, '10.0.0.1'))),
      {
        numRuns: 1000,
      },
    );
  });
});

describe('query strings', () => {
  it('percent-decoding inverts percent-encoding for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
        expect(percentDecode(percentEncode(data))).toEqual(Buffer.from(data));
      }),
    );
  });

  it('keeps every value of a repeated name, and names without values', () => {
    const params = parseQueryString('a=1&a=2&&b&c=');
    expect(params.get('a')?.map(String)).toEqual(['1', '2']);
    expect(params.get('b')?.map(String)).toEqual(['']);
    expect(params.get('c')?.map(String)).toEqual(['']);
  });
});
