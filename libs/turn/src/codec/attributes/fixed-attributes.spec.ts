import { describe, expect, it } from 'vitest';
import { channelNumber } from './channel-number.js';
import { data } from './data.js';
import { dontFragment } from './dont-fragment.js';
import { evenPort } from './even-port.js';
import { lifetime } from './lifetime.js';
import { requestedAddressFamily } from './requested-address-family.js';
import { requestedTransport } from './requested-transport.js';
import { reservationToken } from './reservation-token.js';

const context = { transactionId: Buffer.alloc(12) };

describe('fixed-size TURN attributes', () => {
  it('LIFETIME: 32-bit seconds', () => {
    expect(lifetime.encode(600, context).toString('hex')).toBe('00000258');
    expect(lifetime.decode(Buffer.from('00000e10', 'hex'), context)).toBe(3600);
    expect(() => lifetime.decode(Buffer.alloc(3), context)).toThrow(/4/);
    expect(() => lifetime.encode(-1, context)).toThrow();
  });

  it('REQUESTED-TRANSPORT: protocol number and 3 reserved bytes', () => {
    expect(requestedTransport.encode(17, context).toString('hex')).toBe('11000000');
    expect(requestedTransport.decode(Buffer.from('06000000', 'hex'), context)).toBe(6);
    expect(() => requestedTransport.decode(Buffer.alloc(1), context)).toThrow();
  });

  it('CHANNEL-NUMBER: 16 bits and 16 reserved', () => {
    expect(channelNumber.encode(0x4001, context).toString('hex')).toBe('40010000');
    expect(channelNumber.decode(Buffer.from('7fff0000', 'hex'), context)).toBe(0x7fff);
    expect(() => channelNumber.decode(Buffer.alloc(2), context)).toThrow();
  });

  it('REQUESTED-ADDRESS-FAMILY: 0x01 IPv4, 0x02 IPv6, anything else unknown', () => {
    expect(requestedAddressFamily.encode('IPv6', context).toString('hex')).toBe('02000000');
    expect(requestedAddressFamily.decode(Buffer.from('01000000', 'hex'), context)).toBe('IPv4');
    expect(requestedAddressFamily.decode(Buffer.from('09000000', 'hex'), context)).toBeUndefined();
  });

  it('EVEN-PORT: the R bit; RESERVATION-TOKEN: 8 bytes', () => {
    expect(evenPort.decode(Buffer.from([0x80]), context)).toEqual({ reserveNext: true });
    expect(evenPort.decode(Buffer.from([0x00]), context)).toEqual({ reserveNext: false });
    expect(evenPort.encode({ reserveNext: true }, context)).toEqual(Buffer.from([0x80]));
    expect(() => evenPort.decode(Buffer.alloc(4), context)).toThrow();
    expect(reservationToken.decode(Buffer.alloc(8, 1), context)).toEqual(Buffer.alloc(8, 1));
    expect(() => reservationToken.decode(Buffer.alloc(7), context)).toThrow();
  });

  it('DONT-FRAGMENT is empty; DATA is the bytes as they are', () => {
    expect(dontFragment.encode(true, context)).toHaveLength(0);
    expect(() => dontFragment.decode(Buffer.alloc(1), context)).toThrow();
    const bytes = Buffer.from([1, 2, 3]);
    expect(data.decode(data.encode(bytes, context), context)).toBe(bytes);
  });
});
