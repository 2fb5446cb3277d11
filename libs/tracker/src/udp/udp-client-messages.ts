import { parseCompactPeers } from '../address.js';
import type { AddressFamily } from '../address.js';
import { UDP_ANNOUNCE_LENGTH, UDP_PROTOCOL_ID, udpActions, udpEvents } from './udp-messages.js';
import type { AnnounceEvent } from '../announce-request.js';

/**
 * The client side of BEP 15: request encoders and response decoders. The tracker never sends
 * requests; tests, benchmarks and round-trip properties do.
 */
export function encodeUdpConnectRequest(transactionId: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64BE(UDP_PROTOCOL_ID, 0);
  out.writeUInt32BE(udpActions.connect, 8);
  out.writeUInt32BE(transactionId, 12);
  return out;
}

export interface UdpAnnounceFields {
  readonly connectionId: Uint8Array;
  readonly transactionId: number;
  /** 40 hex. */
  readonly infoHash: string;
  /** 40 hex. */
  readonly peerId: string;
  readonly downloaded: number;
  readonly left: number;
  readonly uploaded: number;
  readonly event: AnnounceEvent;
  /** IPv4 as a 32-bit number; 0 for "the sender's address". */
  readonly ip: number;
  readonly key: number;
  /** -1 for the tracker's default. */
  readonly numwant: number;
  readonly port: number;
  /** BEP 41 URL data (path and query), split into 255-byte options. */
  readonly urlData?: string;
}

export function encodeUdpAnnounceRequest(fields: UdpAnnounceFields): Buffer {
  const url = Buffer.from(fields.urlData ?? '', 'latin1');
  const options: Buffer[] = [];
  for (let i = 0; i < url.length; i += 255) {
    const chunk = url.subarray(i, i + 255);
    options.push(Buffer.from([2, chunk.length]), chunk);
  }
  if (options.length > 0) options.push(Buffer.from([0]));
  const out = Buffer.alloc(UDP_ANNOUNCE_LENGTH);
  Buffer.from(fields.connectionId).copy(out, 0, 0, 8);
  out.writeUInt32BE(udpActions.announce, 8);
  out.writeUInt32BE(fields.transactionId, 12);
  Buffer.from(fields.infoHash, 'hex').copy(out, 16);
  Buffer.from(fields.peerId, 'hex').copy(out, 36);
  out.writeBigUInt64BE(BigInt(fields.downloaded), 56);
  out.writeBigUInt64BE(BigInt(fields.left), 64);
  out.writeBigUInt64BE(BigInt(fields.uploaded), 72);
  out.writeUInt32BE(udpEvents.indexOf(fields.event as (typeof udpEvents)[number]), 80);
  out.writeUInt32BE(fields.ip >>> 0, 84);
  out.writeUInt32BE(fields.key >>> 0, 88);
  out.writeInt32BE(fields.numwant, 92);
  out.writeUInt16BE(fields.port, 96);
  return Buffer.concat([out, ...options]);
}

export function encodeUdpScrapeRequest(connectionId: Uint8Array, transactionId: number, infoHashes: string[]): Buffer {
  const out = Buffer.alloc(16 + infoHashes.length * 20);
  Buffer.from(connectionId).copy(out, 0, 0, 8);
  out.writeUInt32BE(udpActions.scrape, 8);
  out.writeUInt32BE(transactionId, 12);
  infoHashes.forEach((hash, i) => Buffer.from(hash, 'hex').copy(out, 16 + i * 20));
  return out;
}

export type UdpResponse =
  | { action: 'connect'; transactionId: number; connectionId: Buffer }
  | {
      action: 'announce';
      transactionId: number;
      interval: number;
      leechers: number;
      seeders: number;
      peers: { ip: string; port: number }[];
    }
  | {
      action: 'scrape';
      transactionId: number;
      files: { seeders: number; completed: number; leechers: number }[];
    }
  | { action: 'error'; transactionId: number; message: string };

/** Decodes a tracker's answer; `family` is that of the socket the announce went out on. */
export function decodeUdpResponse(packet: Uint8Array, family: AddressFamily = 4): UdpResponse {
  const msg = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (msg.length < 8) throw new RangeError('UDP tracker response shorter than 8 bytes');
  const action = msg.readUInt32BE(0);
  const transactionId = msg.readUInt32BE(4);
  switch (action) {
    case udpActions.connect:
      if (msg.length < 16) throw new RangeError('connect response shorter than 16 bytes');
      return { action: 'connect', transactionId, connectionId: Buffer.from(msg.subarray(8, 16)) };
    case udpActions.announce:
      if (msg.length < 20) throw new RangeError('announce response shorter than 20 bytes');
      return {
        action: 'announce',
        transactionId,
        interval: msg.readUInt32BE(8),
        leechers: msg.readUInt32BE(12),
        seeders: msg.readUInt32BE(16),
        peers: parseCompactPeers(msg.subarray(20), family),
      };
    case udpActions.scrape: {
      const files = [];
      for (let offset = 8; offset + 12 <= msg.length; offset += 12) {
        files.push({
          seeders: msg.readUInt32BE(offset),
          completed: msg.readUInt32BE(offset + 4),
          leechers: msg.readUInt32BE(offset + 8),
        });
      }
      return { action: 'scrape', transactionId, files };
    }
    case udpActions.error:
      return { action: 'error', transactionId, message: msg.toString('utf8', 8) };
    default:
      throw new RangeError(`unknown UDP tracker action ${action}`);
  }
}
