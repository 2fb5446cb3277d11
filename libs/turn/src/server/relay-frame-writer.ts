import { randomFillSync } from 'node:crypto';
import { AttributeType, HEADER_LENGTH, MAGIC_COOKIE, StunClass, StunMethod } from '../codec/constants.js';
import { encodeMessageType } from '../codec/message-type.js';

const DATA_INDICATION = encodeMessageType(StunMethod.Data, StunClass.Indication);
const COOKIE_HIGH = MAGIC_COOKIE >>> 16;
/** 20-byte header, XOR-PEER-ADDRESS (4 + 8), DATA attribute header (4). */
const PREFIX_V4_LENGTH = HEADER_LENGTH + 12 + 4;
const PADDING_1 = Buffer.alloc(1);
const PADDING_2 = Buffer.alloc(2);
const PADDING_3 = Buffer.alloc(3);

/** Zero padding that brings `length` to a multiple of 4; made once, so the hot path makes none. */
export function paddingFor(length: number): Buffer | undefined {
  switch (length & 3) {
    case 1:
      return PADDING_3;
    case 2:
      return PADDING_2;
    case 3:
      return PADDING_1;
    default:
      return undefined;
  }
}

/**
 * Transaction IDs for Data indications come from a pool of random bytes refilled 4 KiB at a time,
 * instead of one crypto call per relayed packet.
 */
class RandomPool {
  private readonly pool = Buffer.allocUnsafe(4092);
  private offset = this.pool.length;

  copy12(target: Buffer, targetOffset: number): void {
    if (this.offset + 12 > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    this.pool.copy(target, targetOffset, this.offset, this.offset + 12);
    this.offset += 12;
  }
}
const randomPool = new RandomPool();

/**
 * Writes the bytes that go in front of a relayed payload toward a client (a ChannelData header, a
 * Data indication prefix) into buffers reused from packet to packet, so the relay hot path
 * allocates nothing of its own.
 *
 * A reused buffer may be rewritten only once the socket no longer holds it: `isBusy()` tells when
 * earlier writes are still queued (a TCP socket's `writableLength`, a UDP socket's send queue), and
 * then a fresh buffer is used instead. Node hands a UDP send to libuv on the next tick (the
 * address lookup), and ticks run between two socket callbacks; each relayed datagram arrives in
 * its own callback and causes one send, so no second write can come between a send and its hand-off.
 */
export class RelayFrameWriter {
  private readonly channelHeader = Buffer.alloc(4);
  private readonly indicationPrefix = Buffer.alloc(PREFIX_V4_LENGTH);

  constructor(private readonly isBusy: () => boolean) {}

  channelDataHeader(channel: number, payloadLength: number): Buffer {
    const header = this.isBusy() ? Buffer.allocUnsafe(4) : this.channelHeader;
    header.writeUInt16BE(channel, 0);
    header.writeUInt16BE(payloadLength, 2);
    return header;
  }

  /** The Data indication up to the DATA value; `peerIp` is the peer's IPv4 address as a 32-bit number. */
  dataIndicationPrefix(peerIp: number, peerPort: number, payloadLength: number): Buffer {
    const prefix = this.isBusy() ? Buffer.allocUnsafe(PREFIX_V4_LENGTH) : this.indicationPrefix;
    const padding = (4 - (payloadLength & 3)) & 3;
    prefix.writeUInt16BE(DATA_INDICATION, 0);
    prefix.writeUInt16BE(PREFIX_V4_LENGTH - HEADER_LENGTH + payloadLength + padding, 2);
    prefix.writeUInt32BE(MAGIC_COOKIE, 4);
    randomPool.copy12(prefix, 8);
    prefix.writeUInt16BE(AttributeType.XorPeerAddress, 20);
    prefix.writeUInt16BE(8, 22);
    prefix.writeUInt16BE(0x0001, 24);
    prefix.writeUInt16BE(peerPort ^ COOKIE_HIGH, 26);
    prefix.writeUInt32BE((peerIp ^ MAGIC_COOKIE) >>> 0, 28);
    prefix.writeUInt16BE(AttributeType.Data, 32);
    prefix.writeUInt16BE(payloadLength, 34);
    return prefix;
  }
}
