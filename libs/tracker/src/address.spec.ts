import fc from 'fast-check';
import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compactPeers, ipv6FromBytes, ipv6ToBytes, normalizeAddress, parseCompactPeers } from './address.js';

describe('addresses', () => {
  it('unwraps IPv4-mapped IPv6 and leaves everything else alone', () => {
    expect(normalizeAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
  });

  it('packs IPv4 peers in 6 bytes and IPv6 peers in 18 (BEP 23, BEP 7)', () => {
    const peers = [
      { ip: '10.1.2.3', port: 6881 },
      { ip: '2001:db8::1', port: 51413 },
      { ip: '::ffff:1.2.3.4', port: 1 },
    ];
    expect(compactPeers(peers, 4)).toEqual(Buffer.from([10, 1, 2, 3, 0x1a, 0xe1]));
    const six = compactPeers(peers, 6);
    expect(six).toHaveLength(36);
    expect(parseCompactPeers(six, 6)).toEqual([
      { ip: '2001:db8::1', port: 51413 },
      { ip: '::ffff:102:304', port: 1 },
    ]);
  });

  it('round-trips every IPv4 and IPv6 peer through its compact form', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        expect(parseCompactPeers(compactPeers([{ ip, port }], 4), 4)).toEqual([{ ip, port }]);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
        const [back] = parseCompactPeers(compactPeers([{ ip, port }], 6), 6);
        expect(isIPv6(back!.ip)).toBe(true);
        expect(ipv6ToBytes(back!.ip)).toEqual(ipv6ToBytes(ip));
        expect(back!.port).toBe(port);
      }),
    );
  });

  it('writes the shortest IPv6 text form', () => {
    expect(ipv6FromBytes(ipv6ToBytes('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(ipv6FromBytes(ipv6ToBytes('::'))).toBe('::');
    expect(ipv6FromBytes(ipv6ToBytes('1:0:2:0:0:3:0:0'))).toBe('1:0:2::3:0:0');
    expect(ipv6FromBytes(ipv6ToBytes('fe80::1%eth0'))).toBe('fe80::1');
  });
});
