import { percentEncode } from '../../src/http/query-string.js';
import type { AnnounceRequest } from '../../src/announce-request.js';

export const hexId = (n: number, prefix = 'a'): string => `${prefix}${n.toString(16)}`.padStart(40, '0');

/** A valid HTTP announce query for peer `n` of swarm `hash` (40 hex). */
export function announceQuery(hash: string, n: number, extra: Record<string, string | number> = {}): string {
  const fields: Record<string, string | number> = {
    info_hash: percentEncode(Buffer.from(hash, 'hex')),
    peer_id: percentEncode(Buffer.from(hexId(n), 'hex')),
    port: 6000 + n,
    uploaded: 0,
    downloaded: 0,
    left: 1000,
    compact: 1,
    ...extra,
  };
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function announceRequest(overrides: Partial<AnnounceRequest> = {}): AnnounceRequest {
  return {
    transport: 'http',
    infoHash: hexId(1, 'b'),
    peerId: hexId(1),
    remoteAddress: '10.0.0.1',
    port: 6881,
    uploaded: 0,
    downloaded: 0,
    left: 100,
    event: 'started',
    compact: true,
    noPeerId: false,
    ...overrides,
  };
}
