import { TurnError } from '../errors.js';

/*
 * RFC 8656 §12.4: ChannelData is a 4-byte header (channel number, payload length) and the payload;
 * over TCP it is padded to a multiple of 4 bytes, over UDP padding is optional. These functions sit
 * on the relay hot path: they read and write in place and never go through the STUN decoder.
 */

export const CHANNEL_DATA_HEADER_LENGTH = 4;
/** RFC 8656 §12 assigns 0x4000-0x4FFF; RFC 5766 clients (coturn's own uclient) pick up to 0x7FFF. */
export const MIN_CHANNEL_NUMBER = 0x4000;
export const MAX_CHANNEL_NUMBER = 0x7fff;

export function isChannelNumber(channel: number): boolean {
  return Number.isInteger(channel) && channel >= MIN_CHANNEL_NUMBER && channel <= MAX_CHANNEL_NUMBER;
}

/** The first two bits are 0b01: what RFC 8656 §12 uses to tell ChannelData from STUN (0b00). */
export function looksLikeChannelData(bytes: Uint8Array): boolean {
  return bytes.length >= CHANNEL_DATA_HEADER_LENGTH && ((bytes[0] ?? 0) & 0xc0) === 0x40;
}

export function channelDataPadding(payloadLength: number): number {
  return (4 - (payloadLength & 3)) & 3;
}

/** The channel number of a ChannelData message (caller checked `looksLikeChannelData`). */
export function readChannelNumber(bytes: Buffer): number {
  return bytes.readUInt16BE(0);
}

/**
 * The payload length of a whole ChannelData message, or -1 when the bytes cannot be one: shorter
 * than the header, or fewer bytes than the length field promises.
 */
export function channelDataPayloadLength(bytes: Buffer): number {
  if (bytes.length < CHANNEL_DATA_HEADER_LENGTH) return -1;
  const length = bytes.readUInt16BE(2);
  return CHANNEL_DATA_HEADER_LENGTH + length <= bytes.length ? length : -1;
}

export function writeChannelDataHeader(target: Buffer, channel: number, payloadLength: number): void {
  target.writeUInt16BE(channel, 0);
  target.writeUInt16BE(payloadLength, 2);
}

/** Allocating encoder for clients and tests; the relay writes headers in place instead. */
export function encodeChannelData(channel: number, payload: Uint8Array, options: { pad?: boolean } = {}): Buffer {
  if (!isChannelNumber(channel)) throw TurnError.invalidArgument('channel number', `0x${channel.toString(16)}`);
  if (payload.length > 0xffff) throw TurnError.invalidArgument('ChannelData payload', `${payload.length} bytes`);
  const padding = options.pad === true ? channelDataPadding(payload.length) : 0;
  const bytes = Buffer.alloc(CHANNEL_DATA_HEADER_LENGTH + payload.length + padding);
  writeChannelDataHeader(bytes, channel, payload.length);
  bytes.set(payload, CHANNEL_DATA_HEADER_LENGTH);
  return bytes;
}

export interface ChannelDataMessage {
  readonly channel: number;
  /** A view into the input bytes. */
  readonly data: Buffer;
}

/** Allocating decoder for clients and tests; throws `TURN_MALFORMED_MESSAGE`. */
export function decodeChannelData(bytes: Buffer): ChannelDataMessage {
  if (!looksLikeChannelData(bytes)) throw TurnError.malformed('not a ChannelData message');
  const length = channelDataPayloadLength(bytes);
  if (length === -1) throw TurnError.malformed('ChannelData shorter than its length field');
  return {
    channel: readChannelNumber(bytes),
    data: bytes.subarray(CHANNEL_DATA_HEADER_LENGTH, CHANNEL_DATA_HEADER_LENGTH + length),
  };
}
