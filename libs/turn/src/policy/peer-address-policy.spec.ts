import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr.js';
import { PeerAddressPolicy } from './peer-address-policy.js';

const policy = (options: Partial<ConstructorParameters<typeof PeerAddressPolicy>[0]> = {}) =>
  new PeerAddressPolicy({ allowLoopbackPeers: false, allowedPeers: [], deniedPeers: [], ...options });

describe('PeerAddressPolicy', () => {
  it('refuses loopback, private, link-local and special-purpose peers by default', () => {
    const refused = [
      '127.0.0.1',
      '127.8.9.10',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.251',
      '255.255.255.255',
      '192.0.2.1',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      'not an address',
    ];
    for (const address of refused) expect(policy().isAllowed(address), address).toBe(false);
  });

  it('allows public peers', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '100.128.0.1',
      '2001:4860:4860::8888',
      '::ffff:8.8.8.8',
    ]) {
      expect(policy().isAllowed(address), address).toBe(true);
    }
  });

  it('allowLoopbackPeers opens loopback and nothing else', () => {
    const tests = policy({ allowLoopbackPeers: true });
    expect(tests.isAllowed('127.0.0.1')).toBe(true);
    expect(tests.isAllowed('::1')).toBe(true);
    expect(tests.isAllowed('10.0.0.1')).toBe(false);
    expect(tests.isAllowed('169.254.1.1')).toBe(false);
  });

  it('lets an operator allow-list open ranges, and a deny-list close public ones', () => {
    const operator = policy({ allowedPeers: ['10.20.0.0/16', 'fd00::/8'], deniedPeers: ['8.8.8.0/24'] });
    expect(operator.isAllowed('10.20.3.4')).toBe(true);
    expect(operator.isAllowed('10.21.3.4')).toBe(false);
    expect(operator.isAllowed('fd00::5')).toBe(true);
    expect(operator.isAllowed('8.8.8.8')).toBe(false);
    expect(operator.isAllowed('8.8.4.4')).toBe(true);
  });

  it('parses CIDRs and bare addresses, and refuses others', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('2001:db8::1')).toEqual({ address: '2001:db8::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'fc00::/129', 'example.org/8', '10.0.0.0/x', '']) {
      expect(() => parseCidr(bad), bad).toThrow(/CIDR/);
    }
  });
});
