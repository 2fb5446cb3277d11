import { compactPeers } from '../address.js';
import { bencode } from '../bencode.js';
import type { BencodeValue } from '../bencode.js';
import type { AnnounceRequest } from '../announce-request.js';
import type { TrackerError } from '../errors.js';
import type { AnnounceResult, ScrapeResult } from '../options.js';

/**
 * BEP 3 announce answer. Compact (BEP 23) puts IPv4 peers in `peers` and IPv6 peers in `peers6`
 * (BEP 7); the dictionary form lists both families in `peers`.
 */
export function encodeHttpAnnounce(
  result: AnnounceResult,
  request: Pick<AnnounceRequest, 'compact' | 'noPeerId'>,
): Buffer {
  const body: Record<string, BencodeValue> = {
    complete: result.seeders,
    incomplete: result.leechers,
    downloaded: result.completed,
    interval: result.interval,
    'min interval': result.minInterval,
  };
  if (request.compact) {
    body.peers = compactPeers(result.peers, 4);
    const peers6 = compactPeers(result.peers, 6);
    if (peers6.length > 0) body.peers6 = peers6;
  } else {
    body.peers = result.peers.map((peer) => {
      const entry: Record<string, BencodeValue> = { ip: peer.ip, port: peer.port };
      if (!request.noPeerId) entry['peer id'] = Buffer.from(peer.peerId, 'hex');
      return entry;
    });
  }
  return bencode(body);
}

/** BEP 48 scrape answer: `files` keyed by the raw 20-byte info hash. */
export function encodeHttpScrape(result: ScrapeResult): Buffer {
  const files = new Map<Uint8Array, BencodeValue>();
  for (const file of result.files) {
    files.set(Buffer.from(file.infoHash, 'hex'), {
      complete: file.seeders,
      downloaded: file.completed,
      incomplete: file.leechers,
    });
  }
  return bencode({ files });
}

/** `failure reason`, and BEP 31's `retry in` (minutes) when the client should back off. */
export function encodeHttpFailure(error: TrackerError): Buffer {
  const body: Record<string, BencodeValue> = { 'failure reason': error.message };
  if (error.retryInSeconds !== undefined) body['retry in'] = Math.max(1, Math.ceil(error.retryInSeconds / 60));
  return bencode(body);
}
