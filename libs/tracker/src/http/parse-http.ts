import { isIPv4, isIPv6 } from 'node:net';
import type { AnnounceEvent, AnnounceRequest, ScrapeRequest } from '../announce-request.js';
import { normalizeAddress } from '../address.js';
import { TrackerError } from '../errors.js';
import { parseQueryString } from './query-string.js';

const MAX_DECIMAL_DIGITS = 20;
const MAX_PASSKEY_LENGTH = 128;
const MAX_KEY_LENGTH = 64;
const MAX_SCRAPE_PARAMS = 1024;

// A Map, not an object literal: `constructor` or `__proto__` must not look like events.
const events = new Map<string, AnnounceEvent>(
  Object.entries({
    '': 'update',
    empty: 'update',
    started: 'started',
    stopped: 'stopped',
    completed: 'completed',
    paused: 'paused',
  }),
);

/** BEP 3 announce (with BEP 7 and BEP 23 parameters) from the raw query string after `?`. */
export function parseHttpAnnounce(rawQuery: string, remoteAddress: string): AnnounceRequest {
  const params = parseQueryString(rawQuery);
  const value = (name: string): Buffer | undefined => params.get(name)?.[0];
  const text = (name: string): string | undefined => value(name)?.toString('latin1');

  const infoHash = value('info_hash');
  if (infoHash?.length !== 20) throw TrackerError.invalidInfoHash();
  const peerId = value('peer_id');
  if (peerId?.length !== 20) throw TrackerError.invalidPeerId();

  const port = parseDecimal('port', text('port'));
  if (port === undefined || port < 1 || port > 65535) throw TrackerError.invalidPort();

  const event = events.get(text('event') ?? '');
  if (event === undefined) throw TrackerError.invalidEvent();

  const numwantText = text('numwant');
  // Some clients send -1 for "the default".
  const numwant =
    numwantText?.startsWith('-') && /^-\d{1,10}$/.test(numwantText) ? undefined : parseDecimal('numwant', numwantText);

  const key = value('key');
  if (key !== undefined && key.length > MAX_KEY_LENGTH) throw TrackerError.malformed('key too long');
  const passkey = parsePasskey(text('passkey'));

  const claimed: string[] = [];
  for (const name of ['ipv6', 'ipv4'] as const) {
    const raw = text(name);
    if (raw === undefined) continue;
    const address = parseClaimedAddress(raw);
    if (address === undefined) throw TrackerError.invalidAddress(name);
    claimed.push(address);
  }
  // BEP 3 allows a DNS name in `ip`; a tracker cannot resolve those, so anything else is ignored.
  const ip = text('ip');
  const ipAddress = ip === undefined ? undefined : parseClaimedAddress(ip);
  if (ipAddress !== undefined) claimed.unshift(ipAddress);

  return {
    transport: 'http',
    infoHash: infoHash.toString('hex'),
    peerId: peerId.toString('hex'),
    remoteAddress: normalizeAddress(remoteAddress),
    port,
    uploaded: parseDecimal('uploaded', text('uploaded')) ?? 0,
    downloaded: parseDecimal('downloaded', text('downloaded')) ?? 0,
    left: parseDecimal('left', text('left')) ?? Infinity,
    event,
    ...(numwant !== undefined ? { numwant } : {}),
    compact: text('compact') !== '0',
    noPeerId: text('no_peer_id') === '1',
    ...(key !== undefined ? { key: key.toString('hex') } : {}),
    ...(claimed.length > 0 ? { claimedAddresses: claimed } : {}),
    ...(passkey !== undefined ? { passkey } : {}),
  };
}

/** BEP 48 scrape: one or more `info_hash` parameters. A full scrape (none) is refused. */
export function parseHttpScrape(rawQuery: string, remoteAddress: string): ScrapeRequest {
  const params = parseQueryString(rawQuery);
  const hashes = params.get('info_hash') ?? [];
  if (hashes.length === 0) throw TrackerError.invalidInfoHash();
  if (hashes.length > MAX_SCRAPE_PARAMS) throw TrackerError.tooManyHashes(MAX_SCRAPE_PARAMS);
  const infoHashes = hashes.map((hash) => {
    if (hash.length !== 20) throw TrackerError.invalidInfoHash();
    return hash.toString('hex');
  });
  const passkey = parsePasskey(params.get('passkey')?.[0]?.toString('latin1'));
  return {
    transport: 'http',
    infoHashes: [...new Set(infoHashes)],
    remoteAddress: normalizeAddress(remoteAddress),
    ...(passkey !== undefined ? { passkey } : {}),
  };
}

/** A non-negative decimal; values beyond 2^53 are clamped (byte counters may be 64-bit). */
export function parseDecimal(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text.length === 0 || text.length > MAX_DECIMAL_DIGITS || !/^\d+$/.test(text)) {
    throw field === 'port' ? TrackerError.invalidPort() : TrackerError.invalidNumber(field);
  }
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}

export function parsePasskey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.length === 0 || text.length > MAX_PASSKEY_LENGTH || !/^[\x21-\x7e]+$/.test(text)) {
    throw TrackerError.malformed('passkey');
  }
  return text;
}

/** `addr`, `addr:port` or `[v6]:port` (BEP 7); the port part is dropped. */
function parseClaimedAddress(raw: string): string | undefined {
  let text = raw;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (isIPv4(text)) return text;
  if (isIPv6(text) && !text.includes('%')) return normalizeAddress(text.toLowerCase());
  return undefined;
}
