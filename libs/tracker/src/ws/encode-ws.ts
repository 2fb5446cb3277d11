import type { AnnounceResult, ScrapeResult } from '../options.js';
import type { TrackerError } from '../errors.js';
import { hexToBinaryString } from './binary-string.js';

/** The answer to an announce; peers are never listed, they receive the announcer's offers instead. */
export function encodeWsAnnounce(result: AnnounceResult): string {
  return JSON.stringify({
    action: 'announce',
    interval: result.interval,
    'min interval': result.minInterval,
    info_hash: hexToBinaryString(result.infoHash),
    complete: result.seeders,
    incomplete: result.leechers,
  });
}

/** What a chosen peer receives: someone's offer, to answer with `to_peer_id` and `offer_id`. */
export function encodeWsOffer(fields: {
  infoHash: string;
  fromPeerId: string;
  offerId: string;
  offer: unknown;
}): string {
  return JSON.stringify({
    action: 'announce',
    offer: fields.offer,
    offer_id: hexToBinaryString(fields.offerId),
    peer_id: hexToBinaryString(fields.fromPeerId),
    info_hash: hexToBinaryString(fields.infoHash),
  });
}

/** What the offering peer receives back. */
export function encodeWsAnswer(fields: {
  infoHash: string;
  fromPeerId: string;
  offerId: string;
  answer: unknown;
}): string {
  return JSON.stringify({
    action: 'announce',
    answer: fields.answer,
    offer_id: hexToBinaryString(fields.offerId),
    peer_id: hexToBinaryString(fields.fromPeerId),
    info_hash: hexToBinaryString(fields.infoHash),
  });
}

export function encodeWsScrape(result: ScrapeResult): string {
  const files: Record<string, { complete: number; incomplete: number; downloaded: number }> = {};
  for (const file of result.files) {
    files[hexToBinaryString(file.infoHash)] = {
      complete: file.seeders,
      incomplete: file.leechers,
      downloaded: file.completed,
    };
  }
  return JSON.stringify({ action: 'scrape', files });
}

/** Clients drop failures whose `info_hash` is not theirs, so it is echoed when known. */
export function encodeWsFailure(
  error: TrackerError,
  context: { action?: 'announce' | 'scrape'; infoHash?: string } = {},
): string {
  return JSON.stringify({
    ...(context.action !== undefined ? { action: context.action } : {}),
    'failure reason': error.message,
    ...(context.infoHash !== undefined ? { info_hash: hexToBinaryString(context.infoHash) } : {}),
  });
}
