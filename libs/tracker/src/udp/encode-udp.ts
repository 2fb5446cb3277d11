import { addressFamily, writeCompactPeer } from '../address.js';
import type { AddressFamily } from '../address.js';
import type { AnnounceResult, ScrapeResult } from '../options.js';
import { UDP_MAX_PEERS, udpActions } from './udp-messages.js';

const UINT32_MAX = 0xffffffff;

export function encodeUdpConnect(transactionId: number, connectionId: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32BE(udpActions.connect, 0);
  out.writeUInt32BE(transactionId, 4);
  Buffer.from(connectionId).copy(out, 8);
  return out;
}

/** Peers of the requester's address family only: 6-byte entries over IPv4, 18-byte over IPv6. */
export function encodeUdpAnnounce(transactionId: number, result: AnnounceResult, family: AddressFamily): Buffer {
  const peers = result.peers.filter((peer) => addressFamily(peer.ip) === family).slice(0, UDP_MAX_PEERS[family]);
  const out = Buffer.alloc(20 + peers.length * (family === 4 ? 6 : 18));
  out.writeUInt32BE(udpActions.announce, 0);
  out.writeUInt32BE(transactionId, 4);
  out.writeUInt32BE(result.interval, 8);
  out.writeUInt32BE(Math.min(result.leechers, UINT32_MAX), 12);
  out.writeUInt32BE(Math.min(result.seeders, UINT32_MAX), 16);
  let offset = 20;
  for (const peer of peers) offset = writeCompactPeer(out, offset, peer.ip, peer.port);
  return out;
}

export function encodeUdpScrape(transactionId: number, result: ScrapeResult): Buffer {
  const out = Buffer.alloc(8 + result.files.length * 12);
  out.writeUInt32BE(udpActions.scrape, 0);
  out.writeUInt32BE(transactionId, 4);
  result.files.forEach((file, i) => {
    out.writeUInt32BE(Math.min(file.seeders, UINT32_MAX), 8 + i * 12);
    out.writeUInt32BE(Math.min(file.completed, UINT32_MAX), 12 + i * 12);
    out.writeUInt32BE(Math.min(file.leechers, UINT32_MAX), 16 + i * 12);
  });
  return out;
}

export function encodeUdpError(transactionId: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const out = Buffer.alloc(8 + text.length);
  out.writeUInt32BE(udpActions.error, 0);
  out.writeUInt32BE(transactionId, 4);
  text.copy(out, 8);
  return out;
}
