/**
 * The platform seam: one WebRTC peer connection, as small as the rest of `libs/rtc` needs it.
 * `peer-link.node.ts` implements it on node-datachannel; a browser implementation wraps
 * `RTCPeerConnection`. Everything above this interface (signing, trust, glare, reconnects,
 * channels) is shared.
 */

/** An ICE server, in the browser's `RTCIceServer` shape (as `GET /api/v1/ice-servers` serves it). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export type LinkState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** A trickled ICE candidate: the SDP attribute value without `a=` (`candidate:1 1 UDP ...`). */
export interface LinkCandidate {
  candidate: string;
  sdpMid?: string | null;
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type TransportProtocol = 'udp' | 'tcp';

export interface CandidateInfo {
  type: CandidateType;
  protocol: TransportProtocol;
  address: string;
  port: number;
}

/** The candidate pair ICE settled on. */
export interface SelectedPair {
  local: CandidateInfo;
  remote: CandidateInfo;
}

export interface ChannelInit {
  /** Ordered delivery (default true). */
  ordered?: boolean;
  /** Partial reliability: give up on a message after this many retransmissions. */
  maxRetransmits?: number;
  /** Sub-protocol name, free text. */
  protocol?: string;
}

/** One data channel as the platform gives it; `Channel` (channel.ts) is the public face. */
export interface RawChannel {
  readonly label: string;
  readonly protocol: string;
  readonly isOpen: boolean;
  readonly bufferedAmount: number;
  /** The largest message the remote side accepts. */
  readonly maxMessageSize: number;
  setBufferedAmountLowThreshold(bytes: number): void;
  send(data: string | Uint8Array): void;
  close(): void;
  onopen: (() => void) | undefined;
  onclose: (() => void) | undefined;
  onerror: ((message: string) => void) | undefined;
  /** Messages that arrive before this is set are kept and delivered when it is. */
  onmessage: ((data: string | Uint8Array) => void) | undefined;
  onbufferedamountlow: (() => void) | undefined;
}

/** What a link reports; set once, at creation, so that no early event is missed. */
export interface PeerLinkHandlers {
  candidate(candidate: LinkCandidate): void;
  state(state: LinkState): void;
  /** A channel the remote side opened. */
  channel(channel: RawChannel): void;
}

export interface PeerLink {
  /** Creates and applies the local offer; candidates then trickle through `handlers.candidate`. */
  createOffer(): Promise<string>;
  /** Applies the remote offer, then creates and applies the answer. */
  acceptOffer(sdp: string): Promise<string>;
  acceptAnswer(sdp: string): Promise<void>;
  addRemoteCandidate(candidate: LinkCandidate): void;
  /** Create at least one channel before `createOffer`, so that the offer negotiates data channels. */
  createChannel(label: string, init?: ChannelInit): RawChannel;
  selectedPair(): Promise<SelectedPair | undefined>;
  close(): void;
}

export interface PeerLinkConfig {
  iceServers: IceServer[];
  handlers: PeerLinkHandlers;
}

/** Makes peer links on one platform. */
export type PeerLinkFactory = (config: PeerLinkConfig) => PeerLink;
