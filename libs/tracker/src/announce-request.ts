/**
 * The normalised commands every transport parser produces and the one core consumes. Parsers do
 * all validation; past this point the types can be trusted.
 */

export type Transport = 'http' | 'udp' | 'ws';

/** BEP 3 events, plus BEP 21's `paused` (a partial seed). `update` is the regular announce. */
export type AnnounceEvent = 'started' | 'stopped' | 'completed' | 'paused' | 'update';

export const announceEvents: readonly AnnounceEvent[] = ['started', 'stopped', 'completed', 'paused', 'update'];

export interface AnnounceRequest {
  readonly transport: Transport;
  /** 40 lowercase hex characters (20 bytes). */
  readonly infoHash: string;
  /** 40 lowercase hex characters (20 bytes). */
  readonly peerId: string;
  /**
   * Where the request came from (IPv4-mapped IPv6 already unwrapped): the address peers are told
   * to dial, unless the tracker trusts `claimedAddresses`.
   */
  readonly remoteAddress: string;
  /** The port peers dial, 1..65535; 0 for WebSocket peers, whom nobody dials. */
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** Bytes still to download; `Infinity` when the client did not say. 0 means a seeder. */
  readonly left: number;
  readonly event: AnnounceEvent;
  /** How many peers the client asked for; undefined means the tracker's default. The tracker bounds it. */
  readonly numwant?: number;
  /** HTTP only: answer with BEP 23 compact peer strings rather than dictionaries. */
  readonly compact: boolean;
  /** HTTP only: leave `peer id` out of dictionary peers. */
  readonly noPeerId: boolean;
  /** The client's random key (BEP 3 / BEP 15), lets a client prove identity across IP changes. */
  readonly key?: string;
  /** Addresses the client claims (`ip`, `ipv4`, `ipv6`, BEP 7); used only when the tracker trusts them. */
  readonly claimedAddresses?: readonly string[];
  /** A per-user passkey taken from the announce URL (private mode). */
  readonly passkey?: string;
  /** WebSocket only: WebRTC offers to relay to chosen peers. */
  readonly offers?: readonly WebRtcOffer[];
  /** WebSocket only: an answer to relay back to `toPeerId`. */
  readonly answer?: WebRtcAnswer;
}

export interface WebRtcOffer {
  /** 40 lowercase hex characters (20 bytes); the client sends it as a binary string. */
  readonly offerId: string;
  /** The session description, relayed untouched. */
  readonly offer: unknown;
}

export interface WebRtcAnswer {
  readonly offerId: string;
  readonly toPeerId: string;
  readonly answer: unknown;
}

export interface ScrapeRequest {
  readonly transport: Transport;
  /** Each 40 lowercase hex characters; never empty. */
  readonly infoHashes: readonly string[];
  readonly remoteAddress: string;
  readonly passkey?: string;
}

/** What the policy hooks see: either command, tagged. */
export type TrackerRequest =
  | { readonly action: 'announce'; readonly request: AnnounceRequest }
  | { readonly action: 'scrape'; readonly request: ScrapeRequest };
