import { isIP } from 'node:net';
import { TurnError } from '../errors.js';

export type IpFamily = 'IPv4' | 'IPv6';

/** An IP address and port, spelled as Node spells `rinfo` and `socket.remoteAddress`. */
export interface TransportAddress {
  readonly family: IpFamily;
  readonly address: string;
  readonly port: number;
}

export function ipFamilyOf(address: string): IpFamily | undefined {
  const version = isIP(address);
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined;
}

/** The 4 or 16 bytes of an IP address literal; a zone (`fe80::1%eth0`) is dropped. */
export function ipToBytes(address: string): Buffer {
  const zone = address.indexOf('%');
  const literal = zone === -1 ? address : address.slice(0, zone);
  const version = isIP(literal);
  if (version === 4) return Buffer.from(literal.split('.').map(Number));
  if (version !== 6) throw TurnError.invalidArgument('IP address', JSON.stringify(address));

  const bytes = Buffer.alloc(16);
  let head = literal;
  let tail = '';
  const gap = literal.indexOf('::');
  if (gap !== -1) {
    head = literal.slice(0, gap);
    tail = literal.slice(gap + 2);
  }
  const headGroups = toGroups(head);
  const tailGroups = toGroups(tail);
  headGroups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  tailGroups.forEach((group, index) => bytes.writeUInt16BE(group, 16 - (tailGroups.length - index) * 2));
  return bytes;
}

function toGroups(part: string): number[] {
  if (part === '') return [];
  const groups: number[] = [];
  for (const piece of part.split(':')) {
    if (piece.includes('.')) {
      const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
      groups.push((a << 8) | b, (c << 8) | d);
    } else {
      groups.push(parseInt(piece, 16));
    }
  }
  return groups;
}

/**
 * Formats 4 or 16 bytes exactly as Node (libuv's inet_ntop) does, so that an address decoded from
 * an attribute and the `rinfo.address` of a datagram from the same host are the same string: the
 * relay looks permissions up by that string.
 */
export function formatIp(bytes: Uint8Array, offset: number, family: IpFamily): string {
  if (family === 'IPv4') {
    return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));

  // The longest run of two or more zero groups becomes "::" (the first one on a tie).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  // IPv4-mapped and IPv4-compatible addresses keep their dotted quad, as inet_ntop writes them.
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff))) {
    return `::${bestLength === 5 ? 'ffff:' : ''}${formatIp(bytes, offset + 12, 'IPv4')}`;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((group) => group.toString(16))
      .join(':');
  if (bestLength < 2) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export function formatTransportAddress(address: TransportAddress): string {
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** An IPv4 literal as an unsigned 32-bit number (the relay compares and XORs it without strings). */
export function ipv4ToNumber(address: string): number {
  const bytes = ipToBytes(address);
  if (bytes.length !== 4) throw TurnError.invalidArgument('IPv4 address', address);
  return bytes.readUInt32BE(0);
}

export function numberToIpv4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/** "::ffff:1.2.3.4" → "1.2.3.4": how a dual-stack socket spells an IPv4 client. */
export function unmapIpv4(address: TransportAddress): TransportAddress {
  if (address.family === 'IPv6' && address.address.startsWith('::ffff:') && address.address.includes('.')) {
    return { family: 'IPv4', address: address.address.slice(7), port: address.port };
  }
  return address;
}
