import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, ipToBytes, ipv4ToNumber, numberToIpv4, unmapIpv4 } from './ip-address.js';

describe('IP addresses', () => {
  it('parses literals into bytes', () => {
    expect([...ipToBytes('192.0.2.1')]).toEqual([192, 0, 2, 1]);
    expect(ipToBytes('2001:db8::1').toString('hex')).toBe('20010db8000000000000000000000001');
    expect(ipToBytes('::ffff:1.2.3.4').toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(ipToBytes('fe80::1%eth0').toString('hex')).toBe('fe800000000000000000000000000001');
    expect(() => ipToBytes('example.org')).toThrow(/IP address/);
  });

  it('formats IPv6 exactly as Node does, so permissions match rinfo.address', () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    });
    fc.assert(
      fc.property(groups, (words) => {
        const bytes = Buffer.alloc(16);
        words.forEach((word, index) => bytes.writeUInt16BE(word, index * 2));
        const text = formatIp(bytes, 0, 'IPv6');
        const node = new SocketAddress({ address: text, family: 'ipv6' }).address;
        expect(text).toBe(node);
        expect(ipToBytes(text).equals(bytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('converts IPv4 to and from numbers, and unmaps dual-stack spellings', () => {
    expect(ipv4ToNumber('255.1.2.3')).toBe(0xff010203);
    expect(numberToIpv4(0xff010203)).toBe('255.1.2.3');
    expect(unmapIpv4({ family: 'IPv6', address: '::ffff:10.0.0.1', port: 1 })).toEqual({
      family: 'IPv4',
      address: '10.0.0.1',
      port: 1,
    });
  });
});

describe('IPv6 spellings that embed IPv4', () => {
  it('match Node on the edge cases', () => {
    for (const address of [
      '::2',
      '::ffff:0',
      '::1.2.3.4',
      '::ffff:1.2.3.4',
      '::ffff',
      '::1:0:0',
      '::ffff:0:0',
      '::1:2',
      '::0.1.0.0',
    ]) {
      const text = formatIp(ipToBytes(address), 0, 'IPv6');
      expect(text, address).toBe(new SocketAddress({ address, family: 'ipv6' }).address);
    }
  });
});
