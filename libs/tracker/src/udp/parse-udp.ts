import type { AnnounceEvent, AnnounceRequest, ScrapeRequest } from '../announce-request.js';
import { addressFamily, ipv4FromUInt32, normalizeAddress } from '../address.js';
import { TrackerError } from '../errors.js';
import { parsePasskey } from '../http/parse-http.js';
import { parseQueryString } from '../http/query-string.js';
import { UDP_ANNOUNCE_LENGTH, UDP_MAX_PEERS, UDP_PROTOCOL_ID, udpActions, udpEvents } from './udp-messages.js';

export type UdpCommand =
  | { readonly action: 'connect'; readonly transactionId: number }
  | {
      readonly action: 'announce';
      readonly transactionId: number;
      readonly connectionId: Buffer;
      readonly request: AnnounceRequest;
    }
  | {
      readonly action: 'scrape';
      readonly transactionId: number;
      readonly connectionId: Buffer;
      readonly request: ScrapeRequest;
    };

export interface UdpSender {
  readonly address: string;
  readonly port: number;
}

/**
 * One BEP 15 request datagram into a command. Throws TrackerError for anything malformed; the
 * connection id is returned, not checked (that needs the secret and the clock).
 */
export function parseUdpPacket(packet: Uint8Array, from: UdpSender): UdpCommand {
  const msg = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (msg.length < 16) throw TrackerError.malformed('packet too short');
  const action = msg.readUInt32BE(8);
  const transactionId = msg.readUInt32BE(12);
  const remoteAddress = normalizeAddress(from.address);
  if (action === udpActions.connect) {
    if (msg.readBigUInt64BE(0) !== UDP_PROTOCOL_ID) throw TrackerError.malformed('not a BEP 15 connect');
    return { action: 'connect', transactionId };
  }
  const connectionId = Buffer.from(msg.subarray(0, 8));
  if (action === udpActions.announce) {
    return { action: 'announce', transactionId, connectionId, request: parseAnnounce(msg, remoteAddress) };
  }
  if (action === udpActions.scrape) {
    const body = msg.length - 16;
    if (body === 0 || body % 20 !== 0) throw TrackerError.invalidInfoHash();
    const infoHashes = new Set<string>();
    for (let offset = 16; offset < msg.length; offset += 20) {
      infoHashes.add(msg.toString('hex', offset, offset + 20));
    }
    const request: ScrapeRequest = { transport: 'udp', infoHashes: [...infoHashes], remoteAddress };
    return { action: 'scrape', transactionId, connectionId, request };
  }
  throw TrackerError.invalidAction();
}

function parseAnnounce(msg: Buffer, remoteAddress: string): AnnounceRequest {
  if (msg.length < UDP_ANNOUNCE_LENGTH) throw TrackerError.malformed('announce too short');
  const event: AnnounceEvent | undefined = udpEvents[msg.readUInt32BE(80)];
  if (event === undefined) throw TrackerError.invalidEvent();
  const port = msg.readUInt16BE(96);
  if (port === 0) throw TrackerError.invalidPort();
  const ip = msg.readUInt32BE(84);
  const numwant = msg.readInt32BE(92);
  const family = addressFamily(remoteAddress) ?? 4;
  const passkey = passkeyFromOptions(msg.subarray(UDP_ANNOUNCE_LENGTH));
  return {
    transport: 'udp',
    infoHash: msg.toString('hex', 16, 36),
    peerId: msg.toString('hex', 36, 56),
    remoteAddress,
    port,
    downloaded: readCount(msg, 56),
    left: readCount(msg, 64),
    uploaded: readCount(msg, 72),
    event,
    // -1 (any negative) asks for the default; an answer must still fit one datagram.
    ...(numwant >= 0 ? { numwant: Math.min(numwant, UDP_MAX_PEERS[family]) } : {}),
    compact: true,
    noPeerId: true,
    key: msg.toString('hex', 88, 92),
    ...(ip !== 0 ? { claimedAddresses: [ipv4FromUInt32(ip)] } : {}),
    ...(passkey !== undefined ? { passkey } : {}),
  };
}

/** 64-bit counters; anything past 2^53 is clamped (nobody has transferred that much yet). */
function readCount(msg: Buffer, offset: number): number {
  const value = msg.readBigUInt64BE(offset);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/**
 * BEP 41 options after the announce: 0 ends, 1 is a one-byte no-op, 2 carries a piece of the
 * announce URL's path and query; other types carry a length byte and are skipped. A truncated or
 * odd option list is tolerated: what was read so far counts.
 */
export function urlDataFromOptions(options: Uint8Array): string {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < options.length;) {
    const type = options[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const length = options[i + 1];
    if (length === undefined || i + 2 + length > options.length) break;
    if (type === 2) parts.push(options.subarray(i + 2, i + 2 + length));
    i += 2 + length;
  }
  return Buffer.concat(parts).toString('latin1');
}

/** The passkey travels in the announce URL's query (`udp://host:6969/announce?passkey=...`). */
function passkeyFromOptions(options: Uint8Array): string | undefined {
  if (options.length === 0) return undefined;
  const url = urlDataFromOptions(options);
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  try {
    return parsePasskey(
      parseQueryString(url.slice(query + 1))
        .get('passkey')?.[0]
        ?.toString('latin1'),
    );
  } catch {
    // URL data is advisory: a garbled one means no passkey, which a private tracker refuses anyway.
    return undefined;
  }
}
