/**
 * Carries WebRTC offers and answers between WebSocket peers. A peer's socket lives on exactly one
 * replica (its `route`); the swarm store remembers each WebRTC peer's route, so an offer for a
 * peer on another replica can be sent straight there.
 */
export interface RelayEnvelope {
  readonly kind: 'offer' | 'answer';
  /** 40 hex: the peer the frame is for. */
  readonly toPeerId: string;
  /** 40 hex: the peer that sent the offer or answer. */
  readonly fromPeerId: string;
  /** The sender's route, so an answer to this offer can find its way back. */
  readonly fromRoute: string;
  /** 40 hex: the offer this frame belongs to. */
  readonly offerId: string;
  /** The WebSocket text frame to hand over verbatim. */
  readonly frame: string;
}

export type RelayDelivery = (envelope: RelayEnvelope) => void;

export interface OfferRelay {
  /** This replica's route id; stored with every WebRTC peer connected here. */
  readonly routeId: string;
  /** Registers the local socket of a peer; returns the function that unregisters it. */
  attach(peerId: string, deliver: RelayDelivery): () => void;
  /**
   * Sends an envelope towards `route` (undefined: this replica). Resolves true when it was handed
   * to a local socket or published to the replica that owns the route, false when nobody can take it.
   */
  send(route: string | undefined, envelope: RelayEnvelope): Promise<boolean>;
  close(): Promise<void>;
}
