import { describe, expect, it } from 'vitest';
import {
  channelDataPayloadLength,
  decodeChannelData,
  encodeChannelData,
  isChannelNumber,
  looksLikeChannelData,
} from './channel-data.js';

describe('ChannelData', () => {
  it('encodes and decodes, padded for TCP only when asked', () => {
    const payload = Buffer.from('hello');
    const udp = encodeChannelData(0x4001, payload);
    const tcp = encodeChannelData(0x4001, payload, { pad: true });
    expect(udp.toString('hex')).toBe('40010005' + payload.toString('hex'));
    expect(tcp.length).toBe(12);
    for (const frame of [udp, tcp]) {
      expect(looksLikeChannelData(frame)).toBe(true);
      expect(channelDataPayloadLength(frame)).toBe(5);
      expect(decodeChannelData(frame)).toEqual({ channel: 0x4001, data: payload });
    }
  });

  it('reports a frame shorter than its length field', () => {
    expect(channelDataPayloadLength(Buffer.from([0x40, 0x00, 0x00, 0x05, 1, 2]))).toBe(-1);
    expect(channelDataPayloadLength(Buffer.from([0x40, 0x00]))).toBe(-1);
    expect(() => decodeChannelData(Buffer.from([0x40, 0x00, 0x00, 0x05]))).toThrow(/shorter/);
  });

  it('accepts RFC 5766 channel numbers 0x4000-0x7FFF', () => {
    expect(isChannelNumber(0x3fff)).toBe(false);
    expect(isChannelNumber(0x4000)).toBe(true);
    expect(isChannelNumber(0x7fff)).toBe(true);
    expect(isChannelNumber(0x8000)).toBe(false);
    expect(() => encodeChannelData(0x8000, Buffer.alloc(1))).toThrow(/channel number/);
  });
});
