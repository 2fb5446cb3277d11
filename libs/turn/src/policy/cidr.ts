import { BlockList } from 'node:net';
import { TurnError } from '../errors.js';
import { ipFamilyOf } from '../codec/ip-address.js';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** "10.0.0.0/8", "fc00::/7", or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).trim();
  const family = ipFamilyOf(address);
  if (family === undefined) throw TurnError.invalidArgument('CIDR', `${JSON.stringify(text)} has no IP address`);
  const bits = family === 'IPv4' ? 32 : 128;
  const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1).trim();
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw TurnError.invalidArgument('CIDR', `${JSON.stringify(text)} prefix`);
  return { address, prefix, family: family === 'IPv4' ? 'ipv4' : 'ipv6' };
}

export function blockListOf(cidrs: readonly (string | Cidr)[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const cidr = typeof entry === 'string' ? parseCidr(entry) : entry;
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

/** True when `address` (an IP literal) is inside the list; IPv4-mapped IPv6 matches IPv4 entries. */
export function contains(list: BlockList, address: string): boolean {
  const family = ipFamilyOf(address);
  if (family === undefined) return false;
  return list.check(address, family === 'IPv4' ? 'ipv4' : 'ipv6');
}
