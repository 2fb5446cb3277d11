import type { AnnounceEvent, AnnounceRequest, ScrapeRequest, WebRtcAnswer, WebRtcOffer } from '../announce-request.js';
import { normalizeAddress } from '../address.js';
import { TrackerError } from '../errors.js';
import { binaryStringToHex } from './binary-string.js';

export type WsCommand =
  | { readonly action: 'announce'; readonly request: AnnounceRequest }
  | { readonly action: 'scrape'; readonly request: ScrapeRequest };

/** A JSON object frame; anything else is not the protocol at all. */
export type WsFrame = Readonly<Record<string, unknown>>;

const MAX_OFFERS = 50;
const MAX_SIGNAL_JSON = 64 * 1024;

// A Map, not an object literal: `constructor` or `__proto__` must not look like events.
const events = new Map<string, AnnounceEvent>(
  Object.entries({
    started: 'started',
    stopped: 'stopped',
    completed: 'completed',
    paused: 'paused',
    update: 'update',
    empty: 'update',
    '': 'update',
  }),
);

/** Step one: text to a JSON object. Failing here means the socket is not speaking the protocol. */
export function decodeWsFrame(text: string): WsFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw TrackerError.malformed('frame is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw TrackerError.malformed('frame is not a JSON object');
  }
  return value as WsFrame;
}

export interface WsParseContext {
  readonly remoteAddress: string;
  /** From the WebSocket URL's query (`wss://host/announce?passkey=...`). */
  readonly passkey?: string;
}

/** Step two: a WebTorrent tracker message (announce with offers or an answer, or scrape). */
export function parseWsMessage(frame: WsFrame, context: WsParseContext): WsCommand {
  const remoteAddress = normalizeAddress(context.remoteAddress);
  const passkey = context.passkey !== undefined ? { passkey: context.passkey } : {};
  if (frame.action === 'scrape') {
    const raw = frame.info_hash;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    if (list.length === 0) throw TrackerError.invalidInfoHash();
    const infoHashes = list.map((item) => binaryStringToHex(item) ?? throwError(TrackerError.invalidInfoHash()));
    return {
      action: 'scrape',
      request: { transport: 'ws', infoHashes: [...new Set(infoHashes)], remoteAddress, ...passkey },
    };
  }
  if (frame.action !== 'announce') throw TrackerError.invalidAction();

  const infoHash = binaryStringToHex(frame.info_hash) ?? throwError(TrackerError.invalidInfoHash());
  const peerId = binaryStringToHex(frame.peer_id) ?? throwError(TrackerError.invalidPeerId());
  const eventName = frame.event === undefined || frame.event === null ? '' : frame.event;
  const event = typeof eventName === 'string' ? events.get(eventName) : undefined;
  if (event === undefined) throw TrackerError.invalidEvent();

  const offers = parseOffers(frame.offers);
  const answer = frame.answer === undefined ? undefined : parseAnswer(frame);

  return {
    action: 'announce',
    request: {
      transport: 'ws',
      infoHash,
      peerId,
      remoteAddress,
      port: 0,
      uploaded: count('uploaded', frame.uploaded) ?? 0,
      downloaded: count('downloaded', frame.downloaded) ?? 0,
      // bittorrent-tracker's client sends Infinity for "unknown", which JSON turns into null.
      left: count('left', frame.left) ?? Infinity,
      event,
      // One peer per offer: the offers decide how many peers are wanted.
      numwant: offers?.length ?? 0,
      compact: false,
      noPeerId: false,
      ...(offers !== undefined ? { offers } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...passkey,
    },
  };
}

function parseOffers(raw: unknown): WebRtcOffer[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw TrackerError.invalidOffer('offers');
  if (raw.length > MAX_OFFERS) throw TrackerError.invalidOffer(`offers: at most ${MAX_OFFERS}`);
  return raw.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw TrackerError.invalidOffer('offer');
    const { offer, offer_id: offerIdRaw } = item as Record<string, unknown>;
    const offerId = binaryStringToHex(offerIdRaw) ?? throwError(TrackerError.invalidOffer('offer_id'));
    return { offerId, offer: signal(offer, 'offer') };
  });
}

function parseAnswer(frame: WsFrame): WebRtcAnswer {
  const toPeerId = binaryStringToHex(frame.to_peer_id) ?? throwError(TrackerError.invalidPeerId('to_peer_id'));
  const offerId = binaryStringToHex(frame.offer_id) ?? throwError(TrackerError.invalidOffer('offer_id'));
  return { toPeerId, offerId, answer: signal(frame.answer, 'answer') };
}

/** A session description is relayed untouched, but it must be a modest JSON object. */
function signal(value: unknown, what: 'offer' | 'answer'): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw TrackerError.invalidOffer(what);
  const sdp = (value as Record<string, unknown>).sdp;
  if (sdp !== undefined && (typeof sdp !== 'string' || sdp.length > MAX_SIGNAL_JSON)) {
    throw TrackerError.invalidOffer(what);
  }
  return value;
}

function count(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) throw TrackerError.invalidNumber(field);
  return Number.isFinite(value) ? Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER) : undefined;
}

function throwError(error: TrackerError): never {
  throw error;
}
