import { isIPv4, isIPv6 } from 'node:net';

/** `::ffff:1.2.3.4` (how a dual-stack socket reports an IPv4 client) becomes `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  if (address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && isIPv4(address.slice(7))) {
    return address.slice(7);
  }
  return address;
}

export type AddressFamily = 4 | 6;

export function addressFamily(address: string): AddressFamily | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  return undefined;
}

/** BEP 23 / BEP 7 compact peer: 4 or 16 address bytes and a big-endian port. */
export function writeCompactPeer(target: Buffer, offset: number, ip: string, port: number): number {
  if (isIPv4(ip)) {
    const octets = ip.split('.');
    for (let i = 0; i < 4; i++) target[offset + i] = Number(octets[i]);
    target.writeUInt16BE(port, offset + 4);
    return offset + 6;
  }
  ipv6ToBytes(ip).copy(target, offset);
  target.writeUInt16BE(port, offset + 16);
  return offset + 18;
}

export function compactPeers(peers: readonly { ip: string; port: number }[], family: AddressFamily): Buffer {
  const size = family === 4 ? 6 : 18;
  const matching = peers.filter((peer) => addressFamily(peer.ip) === family);
  const out = Buffer.allocUnsafe(matching.length * size);
  let offset = 0;
  for (const peer of matching) offset = writeCompactPeer(out, offset, peer.ip, peer.port);
  return out;
}

/** The inverse, for tests and tools: a compact string back to peers. */
export function parseCompactPeers(data: Uint8Array, family: AddressFamily): { ip: string; port: number }[] {
  const size = family === 4 ? 6 : 18;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const peers: { ip: string; port: number }[] = [];
  for (let offset = 0; offset + size <= buf.length; offset += size) {
    const ip =
      family === 4
        ? `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`
        : ipv6FromBytes(buf.subarray(offset, offset + 16));
    peers.push({ ip, port: buf.readUInt16BE(offset + size - 2) });
  }
  return peers;
}

export function ipv4ToUInt32(ip: string): number {
  const octets = ip.split('.').map(Number);
  return (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
}

export function ipv4FromUInt32(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

export function ipv6ToBytes(ip: string): Buffer {
  const out = Buffer.alloc(16);
  // A zone id (`fe80::1%eth0`) means nothing to a peer elsewhere.
  let text = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const n = ipv4ToUInt32(tail);
    text = `${text.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined
      ? headGroups
      : [...headGroups, ...new Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

export function ipv6FromBytes(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // Collapse the longest run of zero groups, as RFC 5952 asks.
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
