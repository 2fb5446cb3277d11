import { describe, expect, it } from 'vitest';
import { data } from '../codec/attributes/data.js';
import { xorPeerAddress } from '../codec/attributes/xor-address.js';
import { StunClass, StunMethod } from '../codec/constants.js';
import { ipv4ToNumber } from '../codec/ip-address.js';
import { decodeStunMessage } from '../codec/stun-message.js';
import { paddingFor, RelayFrameWriter } from './relay-frame-writer.js';

describe('RelayFrameWriter', () => {
  it('reuses its buffers while the socket holds none, and makes fresh ones while it does', () => {
    let busy = false;
    const writer = new RelayFrameWriter(() => busy);
    const first = writer.channelDataHeader(0x4000, 10);
    expect(writer.channelDataHeader(0x4001, 20)).toBe(first);
    busy = true;
    const fresh = writer.channelDataHeader(0x4002, 30);
    expect(fresh).not.toBe(first);
    expect(fresh.toString('hex')).toBe('4002001e');
    expect(first.toString('hex')).toBe('40010014');
  });

  it('writes a Data indication prefix that decodes with the payload and padding', () => {
    const writer = new RelayFrameWriter(() => false);
    for (const payload of [Buffer.alloc(0), Buffer.from('a'), Buffer.from('abcd'), Buffer.from('abcdefg')]) {
      const prefix = writer.dataIndicationPrefix(ipv4ToNumber('198.51.100.7'), 5004, payload.length);
      const message = decodeStunMessage(
        Buffer.concat([prefix, payload, paddingFor(payload.length) ?? Buffer.alloc(0)]),
      );
      expect(message.method).toBe(StunMethod.Data);
      expect(message.messageClass).toBe(StunClass.Indication);
      expect(message.get(xorPeerAddress)).toEqual({ family: 'IPv4', address: '198.51.100.7', port: 5004 });
      expect(message.get(data)).toEqual(payload);
    }
  });

  it('gives each indication its own transaction ID', () => {
    const writer = new RelayFrameWriter(() => false);
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(writer.dataIndicationPrefix(1, 1, 0).subarray(8, 20).toString('hex'));
    expect(ids.size).toBe(1000);
  });
});
