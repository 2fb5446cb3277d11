import { normalizeAddress } from '../address.js';
import type { AnnounceRequest } from '../announce-request.js';
import { TrackerError } from '../errors.js';
import { parsePasskey } from '../http/parse-http.js';
import { parseQueryString } from '../http/query-string.js';
import type { RelayEnvelope } from '../relay/offer-relay.js';
import type { Tracker } from '../tracker.js';
import { binaryStringToHex } from './binary-string.js';
import { encodeWsAnnounce, encodeWsAnswer, encodeWsFailure, encodeWsOffer, encodeWsScrape } from './encode-ws.js';
import { decodeWsFrame, parseWsMessage } from './parse-ws.js';
import type { WsFrame } from './parse-ws.js';

/** What the handler needs of a WebSocket: `ws`'s WebSocket fits, so does a test double. */
export interface WebSocketLike {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: unknown, isBinary?: boolean) => void): unknown;
  on(event: 'close', listener: (...args: unknown[]) => void): unknown;
}

export interface WebSocketPeerOptions {
  /** The upgrade request's raw query string; a `passkey` in it is checked by the tracker's filter. */
  rawQueryString?: string;
  /** Larger frames close the socket (1009). Default 256 KiB; set the server's own limit too. */
  maxFrameBytes?: number;
}

export interface WebSocketPeer {
  /**
   * Peer ids announced on this socket (40 hex) and the swarms each is in. Usually one; clients in
   * one process share a socket per tracker URL, so several peers may speak through it.
   */
  readonly peers: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Close codes (RFC 6455). */
const UNSUPPORTED_DATA = 1003;
const INVALID_PAYLOAD = 1007;
const POLICY_VIOLATION = 1008;
const TOO_BIG = 1009;

/** Offers a peer received and may answer, remembered this long and this many. */
const OFFER_MEMORY_MS = 60_000;
const MAX_PENDING_OFFERS = 256;
/** Peer ids one socket may speak for; more is not a pooled client but someone collecting ids. */
const MAX_PEERS_PER_SOCKET = 16;

interface PendingOffer {
  readonly toPeerId: string;
  readonly fromPeerId: string;
  readonly fromRoute: string;
  readonly until: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Serves one WebSocket speaking the WebTorrent tracker protocol: announces (with offers relayed to
 * chosen peers through the tracker's OfferRelay), answers relayed back, scrapes. A frame that is
 * not the protocol closes the socket; a bad request inside the protocol gets a `failure reason`.
 */
export function attachWebSocketPeer(
  tracker: Tracker,
  socket: WebSocketLike,
  remoteAddress: string,
  options: WebSocketPeerOptions = {},
): WebSocketPeer {
  const address = normalizeAddress(remoteAddress);
  const maxFrameBytes = options.maxFrameBytes ?? 256 * 1024;
  const relay = tracker.relay;
  const peers = new Map<string, Set<string>>();
  const detachers: (() => void)[] = [];
  const pending = new Map<string, PendingOffer>();
  let closed = false;
  let passkey: string | undefined;

  const send = (text: string): void => {
    if (closed) return;
    try {
      socket.send(text);
    } catch (error) {
      tracker.fail(error, { transport: 'ws', remoteAddress: address });
    }
  };
  const close = (code: number, reason: string): void => {
    if (closed) return;
    try {
      socket.close(code, reason);
    } catch {
      // Already closing: the 'close' event finishes the clean-up.
    }
  };

  const deliver = (envelope: RelayEnvelope): void => {
    if (envelope.kind === 'offer') {
      if (pending.size >= MAX_PENDING_OFFERS) pending.delete(pending.keys().next().value!);
      pending.set(envelope.offerId, {
        toPeerId: envelope.toPeerId,
        fromPeerId: envelope.fromPeerId,
        fromRoute: envelope.fromRoute,
        until: tracker.options.now() + OFFER_MEMORY_MS,
      });
    }
    send(envelope.frame);
  };

  const relayOffers = async (request: AnnounceRequest, chosen: readonly { peerId: string; route?: string }[]) => {
    const offers = request.offers ?? [];
    await Promise.all(
      chosen.map(async (peer, i) => {
        const offer = offers[i];
        if (offer === undefined) return;
        const envelope: RelayEnvelope = {
          kind: 'offer',
          toPeerId: peer.peerId,
          fromPeerId: request.peerId,
          fromRoute: relay.routeId,
          offerId: offer.offerId,
          frame: encodeWsOffer({
            infoHash: request.infoHash,
            fromPeerId: request.peerId,
            offerId: offer.offerId,
            offer: offer.offer,
          }),
        };
        let delivered = false;
        try {
          delivered = await relay.send(peer.route, envelope);
        } catch (error) {
          // The announce itself succeeded; one offer lost to a relay hiccup is reported, not failed.
          tracker.fail(error, { transport: 'ws', remoteAddress: address });
        }
        tracker.reportRelay('offer', delivered);
      }),
    );
  };

  const relayAnswer = async (request: AnnounceRequest): Promise<void> => {
    const answer = request.answer!;
    const offer = pending.get(answer.offerId);
    // Only an offer this peer was handed can be answered, and only to the peer that made it.
    if (
      offer === undefined ||
      offer.toPeerId !== request.peerId ||
      offer.fromPeerId !== answer.toPeerId ||
      offer.until < tracker.options.now()
    ) {
      tracker.reportRelay('answer', false);
      throw TrackerError.peerNotFound();
    }
    pending.delete(answer.offerId);
    const delivered = await relay.send(offer.fromRoute, {
      kind: 'answer',
      toPeerId: answer.toPeerId,
      fromPeerId: request.peerId,
      fromRoute: relay.routeId,
      offerId: answer.offerId,
      frame: encodeWsAnswer({
        infoHash: request.infoHash,
        fromPeerId: request.peerId,
        offerId: answer.offerId,
        answer: answer.answer,
      }),
    });
    tracker.reportRelay('answer', delivered);
    if (!delivered) throw TrackerError.peerNotFound();
  };

  const announce = async (request: AnnounceRequest): Promise<void> => {
    let swarms = peers.get(request.peerId);
    if (swarms === undefined) {
      if (peers.size >= MAX_PEERS_PER_SOCKET) throw TrackerError.denied('too many peer ids on one socket');
      swarms = new Set();
      peers.set(request.peerId, swarms);
      detachers.push(relay.attach(request.peerId, deliver));
    }
    if (request.answer !== undefined) {
      // An answer is a relay, not an announce: it carries no stats and would make a seeder a leecher.
      await relayAnswer(request);
      return;
    }
    const result = await tracker.announce(request, { route: relay.routeId });
    if (request.event === 'stopped') swarms.delete(request.infoHash);
    else swarms.add(request.infoHash);
    send(encodeWsAnnounce(result));
    await relayOffers(request, result.peers);
  };

  const onFrame = async (frame: WsFrame): Promise<void> => {
    try {
      const command = parseWsMessage(frame, {
        remoteAddress: address,
        ...(passkey !== undefined ? { passkey } : {}),
      });
      if (command.action === 'announce') await announce(command.request);
      else send(encodeWsScrape(await tracker.scrape(command.request)));
    } catch (error) {
      const trackerError = tracker.fail(error, { transport: 'ws', remoteAddress: address });
      if (trackerError.code === 'TRACKER_INVALID_ACTION') return close(UNSUPPORTED_DATA, trackerError.message);
      const infoHash = binaryStringToHex(Array.isArray(frame.info_hash) ? frame.info_hash[0] : frame.info_hash);
      send(
        encodeWsFailure(trackerError, {
          action: frame.action === 'scrape' ? 'scrape' : 'announce',
          ...(infoHash !== undefined ? { infoHash } : {}),
        }),
      );
    }
  };

  const onMessage = (data: unknown): void => {
    if (closed) return;
    const text = frameText(data, maxFrameBytes);
    if (text === 'too big') return close(TOO_BIG, 'frame too large');
    if (text === undefined) return close(INVALID_PAYLOAD, 'frames must be UTF-8 text');
    let frame: WsFrame;
    try {
      frame = decodeWsFrame(text);
    } catch (error) {
      const trackerError = tracker.fail(error, { transport: 'ws', remoteAddress: address });
      return close(UNSUPPORTED_DATA, trackerError.message);
    }
    void onFrame(frame);
  };

  const onClose = (): void => {
    if (closed) return;
    closed = true;
    for (const detach of detachers) detach();
    pending.clear();
    for (const [peerId, swarms] of peers) {
      for (const infoHash of swarms) {
        tracker
          .removeWebRtcPeer(infoHash, peerId)
          .catch((error: unknown) => tracker.fail(error, { transport: 'ws', remoteAddress: address }));
      }
    }
    peers.clear();
  };

  if (options.rawQueryString !== undefined && options.rawQueryString.length > 0) {
    try {
      passkey = parsePasskey(parseQueryString(options.rawQueryString).get('passkey')?.[0]?.toString('latin1'));
    } catch (error) {
      const trackerError = tracker.fail(error, { transport: 'ws', remoteAddress: address });
      closed = true;
      socket.close(POLICY_VIOLATION, trackerError.message);
    }
  }

  socket.on('message', onMessage);
  socket.on('close', onClose);

  return { peers };
}

/** Text of a frame however the socket library hands it over; 'too big' or undefined when unusable. */
function frameText(data: unknown, maxBytes: number): string | undefined | 'too big' {
  if (typeof data === 'string') return data.length > maxBytes ? 'too big' : data;
  let bytes: Uint8Array | undefined;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (Array.isArray(data) && data.every((part) => part instanceof Uint8Array)) bytes = Buffer.concat(data);
  if (bytes === undefined) return undefined;
  if (bytes.byteLength > maxBytes) return 'too big';
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
