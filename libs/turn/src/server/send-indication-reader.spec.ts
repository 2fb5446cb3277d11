import { describe, expect, it } from 'vitest';
import { data } from '../codec/attributes/data.js';
import { xorPeerAddress } from '../codec/attributes/xor-address.js';
import { AttributeType } from '../codec/constants.js';
import { StunMessageBuilder } from '../codec/stun-message-builder.js';
import { SEND_INDICATION, SendIndicationReader } from './send-indication-reader.js';

const peer = { family: 'IPv4', address: '198.51.100.9', port: 4000 } as const;

describe('SendIndicationReader', () => {
  const reader = new SendIndicationReader();

  it('finds XOR-PEER-ADDRESS and DATA in place, with FINGERPRINT and DONT-FRAGMENT', () => {
    const builder = new StunMessageBuilder(SEND_INDICATION)
      .add(xorPeerAddress, peer)
      .addRaw(AttributeType.DontFragment, Buffer.alloc(0))
      .addRaw(AttributeType.Software, Buffer.from('x'))
      .add(data, Buffer.from('payload!!'));
    const bytes = builder.encode({ fingerprint: true });
    expect(reader.read(bytes)).toBe(true);
    expect(bytes.subarray(reader.dataOffset, reader.dataOffset + reader.dataLength).toString()).toBe('payload!!');
    expect(
      xorPeerAddress.decode(bytes.subarray(reader.peerOffset, reader.peerOffset + reader.peerLength), builder),
    ).toEqual(peer);
  });

  it('discards indications without a peer or data, with unknown comprehension-required attributes, or a bad fingerprint', () => {
    expect(reader.read(new StunMessageBuilder(SEND_INDICATION).add(data, Buffer.from('x')).encode())).toBe(false);
    expect(reader.read(new StunMessageBuilder(SEND_INDICATION).add(xorPeerAddress, peer).encode())).toBe(false);
    const unknown = new StunMessageBuilder(SEND_INDICATION)
      .add(xorPeerAddress, peer)
      .add(data, Buffer.from('x'))
      .addRaw(0x0042, Buffer.alloc(0))
      .encode();
    expect(reader.read(unknown)).toBe(false);
    const fingerprinted = new StunMessageBuilder(SEND_INDICATION)
      .add(xorPeerAddress, peer)
      .add(data, Buffer.from('x'))
      .encode({ fingerprint: true });
    fingerprinted[fingerprinted.length - 1] = (fingerprinted[fingerprinted.length - 1] ?? 0) ^ 1;
    expect(reader.read(fingerprinted)).toBe(false);
  });
});
