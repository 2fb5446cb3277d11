import { describe, expect, it } from 'vitest';
import { xorMappedAddress, xorPeerAddress, xorRelayedAddress } from './xor-address.js';

const context = { transactionId: Buffer.from('b7e7a701bc34d686fa87dfae', 'hex') };

describe('XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS', () => {
  it('encodes IPv4 as RFC 5769 §2.2 does', () => {
    const value = xorMappedAddress.encode({ family: 'IPv4', address: '192.0.2.1', port: 32853 }, context);
    expect(value.toString('hex')).toBe('0001a147e112a643');
  });

  it('encodes IPv6 with the transaction ID as RFC 5769 §2.3 does', () => {
    const address = { family: 'IPv6', address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 } as const;
    const value = xorMappedAddress.encode(address, context);
    expect(value.toString('hex')).toBe('0002a1470113a9faa5d3f179bc25f4b5bed2b9d9');
    expect(xorMappedAddress.decode(value, context)).toEqual(address);
  });

  it('shares one format across the three types', () => {
    const peer = { family: 'IPv4', address: '8.8.4.4', port: 3478 } as const;
    for (const codec of [xorMappedAddress, xorPeerAddress, xorRelayedAddress]) {
      expect(codec.decode(codec.encode(peer, context), context)).toEqual(peer);
    }
    expect([xorMappedAddress.type, xorPeerAddress.type, xorRelayedAddress.type]).toEqual([0x20, 0x12, 0x16]);
  });

  it('refuses unknown families and lengths that do not fit the family', () => {
    expect(() => xorPeerAddress.decode(Buffer.from('0003a147e112a643', 'hex'), context)).toThrow(/family/);
    expect(() => xorPeerAddress.decode(Buffer.from('0001a147e112a6', 'hex'), context)).toThrow(/bytes/);
    expect(() => xorPeerAddress.decode(Buffer.from('0002a147e112a643', 'hex'), context)).toThrow(/bytes/);
    expect(() => xorPeerAddress.decode(Buffer.alloc(0), context)).toThrow(/family/);
    expect(() => xorPeerAddress.encode({ family: 'IPv4', address: 'host', port: 1 }, context)).toThrow();
    expect(() => xorPeerAddress.encode({ family: 'IPv4', address: '1.2.3.4', port: 70000 }, context)).toThrow();
  });
});
