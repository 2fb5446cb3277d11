import { TurnError } from '../errors.js';
import { CHANNEL_DATA_HEADER_LENGTH, channelDataPadding } from './channel-data.js';
import { HEADER_LENGTH, MAGIC_COOKIE } from './constants.js';

/** The longest frame a stream can carry: a STUN header and 65532 bytes of attributes (ChannelData: 65540). */
export const MAX_STREAM_FRAME_LENGTH = HEADER_LENGTH + 0xfffc;

/**
 * The length of the frame starting at `offset` (padding included), -1 when more bytes are needed to
 * know; throws `TURN_MALFORMED_MESSAGE` when the bytes are neither STUN nor ChannelData, after which
 * a stream cannot be re-synchronised.
 */
export function streamFrameLength(bytes: Buffer, offset: number, available: number): number {
  if (available < 4) return -1;
  const first = bytes[offset] ?? 0;
  const length = bytes.readUInt16BE(offset + 2);
  if ((first & 0xc0) === 0x40) return CHANNEL_DATA_HEADER_LENGTH + length + channelDataPadding(length);
  if ((first & 0xc0) !== 0) throw TurnError.malformed('stream bytes are neither STUN nor ChannelData');
  if (length % 4 !== 0) throw TurnError.malformed(`STUN length ${length} is not a multiple of 4`);
  if (available >= 8 && bytes.readUInt32BE(offset + 4) !== MAGIC_COOKIE) {
    throw TurnError.malformed('STUN frame without the magic cookie');
  }
  return HEADER_LENGTH + length;
}

/**
 * Cuts a TCP byte stream into whole STUN messages and ChannelData frames (RFC 8656 §12.5:
 * ChannelData over TCP is padded to 4 bytes; the frame handed on includes the padding). Frames that
 * lie whole inside a chunk are handed on as views of it, without copying; only a frame split
 * across chunks is assembled, into a buffer of its own (handlers may keep frames, e.g. while a
 * credential lookup is pending).
 */
export class TurnStreamFramer {
  private pending: Buffer | undefined;
  private pendingLength = 0;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  /** Throws `TURN_MALFORMED_MESSAGE` when the stream is not STUN/ChannelData: close the connection. */
  push(chunk: Buffer): void {
    let offset = 0;
    if (this.pendingLength > 0) {
      offset = this.fillPending(chunk);
      if (offset === -1) return;
    }
    while (offset < chunk.length) {
      const available = chunk.length - offset;
      const length = streamFrameLength(chunk, offset, available);
      if (length === -1 || length > available) {
        this.stash(chunk, offset);
        return;
      }
      this.onFrame(chunk.subarray(offset, offset + length));
      offset += length;
    }
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedLength(): number {
    return this.pendingLength;
  }

  /** Completes the pending frame from `chunk`: the offset where the rest of `chunk` starts, or -1 if all was used. */
  private fillPending(chunk: Buffer): number {
    const pending = this.pending ?? Buffer.alloc(0);
    let offset = 0;
    let length = streamFrameLength(pending, 0, this.pendingLength);
    while (length === -1 || this.pendingLength < length) {
      if (offset === chunk.length) return -1;
      // Without a length yet, take only the 4 bytes that carry it: the frame may be that short.
      const wanted = length === -1 ? CHANNEL_DATA_HEADER_LENGTH : length;
      const take = Math.min(wanted - this.pendingLength, chunk.length - offset);
      chunk.copy(pending, this.pendingLength, offset, offset + take);
      this.pendingLength += take;
      offset += take;
      length = streamFrameLength(pending, 0, this.pendingLength);
    }
    const frame = Buffer.allocUnsafe(length);
    pending.copy(frame, 0, 0, length);
    this.pendingLength = 0;
    this.onFrame(frame);
    return offset;
  }

  private stash(chunk: Buffer, offset: number): void {
    this.pending ??= Buffer.allocUnsafe(MAX_STREAM_FRAME_LENGTH);
    this.pendingLength = chunk.copy(this.pending, 0, offset);
  }
}
