import { TurnError } from '../../errors.js';
import type { AttributeCodec, AttributeContext } from '../attribute.js';
import { AttributeType, MAGIC_COOKIE } from '../constants.js';
import { formatIp, ipFamilyOf, ipToBytes, type TransportAddress } from '../ip-address.js';

const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;
const COOKIE_HIGH = MAGIC_COOKIE >>> 16;

/**
 * RFC 8489 §14.2: the port is XOR'ed with the cookie's high 16 bits, an IPv4 address with the
 * cookie, an IPv6 address with the cookie followed by the transaction ID.
 */
function xorAddressAttribute(type: number, name: string): AttributeCodec<TransportAddress> {
  return {
    type,
    name,
    encode(value, context) {
      const family = ipFamilyOf(value.address);
      if (family === undefined) throw TurnError.invalidArgument(name, `${value.address} is not an IP address`);
      if (!Number.isInteger(value.port) || value.port < 0 || value.port > 0xffff) {
        throw TurnError.invalidArgument(name, `port ${value.port}`);
      }
      const ip = ipToBytes(value.address);
      const bytes = Buffer.alloc(4 + ip.length);
      bytes[1] = family === 'IPv4' ? FAMILY_IPV4 : FAMILY_IPV6;
      bytes.writeUInt16BE(value.port ^ COOKIE_HIGH, 2);
      xorInto(bytes, 4, ip, context);
      return bytes;
    },
    decode(value, context) {
      const familyByte = value.length >= 2 ? value[1] : undefined;
      const expectedLength = familyByte === FAMILY_IPV4 ? 8 : familyByte === FAMILY_IPV6 ? 20 : -1;
      if (expectedLength === -1) throw TurnError.malformed(`${name} has an unknown address family`);
      if (value.length !== expectedLength) throw TurnError.malformed(`${name} is ${value.length} bytes`);
      const family = familyByte === FAMILY_IPV4 ? 'IPv4' : 'IPv6';
      const ip = Buffer.allocUnsafe(expectedLength - 4);
      xorInto(ip, 0, value.subarray(4), context);
      return { family, address: formatIp(ip, 0, family), port: value.readUInt16BE(2) ^ COOKIE_HIGH };
    },
  };
}

/** target[offset + i] = source[i] XOR (cookie ‖ transaction ID)[i] */
function xorInto(target: Buffer, offset: number, source: Uint8Array, context: AttributeContext): void {
  for (let i = 0; i < source.length; i++) {
    const mask = i < 4 ? (MAGIC_COOKIE >>> (24 - i * 8)) & 0xff : (context.transactionId[i - 4] ?? 0);
    target[offset + i] = (source[i] ?? 0) ^ mask;
  }
}

export const xorMappedAddress = xorAddressAttribute(AttributeType.XorMappedAddress, 'XOR-MAPPED-ADDRESS');
export const xorPeerAddress = xorAddressAttribute(AttributeType.XorPeerAddress, 'XOR-PEER-ADDRESS');
export const xorRelayedAddress = xorAddressAttribute(AttributeType.XorRelayedAddress, 'XOR-RELAYED-ADDRESS');
