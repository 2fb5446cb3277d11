import { randomBytes } from 'node:crypto';
import type { OfferRelay, RelayDelivery, RelayEnvelope } from './offer-relay.js';

/** The local half of every relay: peers connected to this process. */
export class LocalPeers {
  private readonly peers = new Map<string, RelayDelivery>();

  get size(): number {
    return this.peers.size;
  }

  attach(peerId: string, deliver: RelayDelivery): () => void {
    // A peer id reconnecting on a new socket takes over; the old socket's detach must not undo that.
    this.peers.set(peerId, deliver);
    return () => {
      if (this.peers.get(peerId) === deliver) this.peers.delete(peerId);
    };
  }

  deliver(envelope: RelayEnvelope): boolean {
    const deliver = this.peers.get(envelope.toPeerId);
    if (deliver === undefined) return false;
    deliver(envelope);
    return true;
  }
}

/** One process, one route: offers reach peers connected to this tracker only. */
export class MemoryOfferRelay implements OfferRelay {
  readonly routeId: string;
  private readonly local = new LocalPeers();

  constructor(options: { routeId?: string } = {}) {
    this.routeId = options.routeId ?? randomBytes(8).toString('hex');
  }

  attach(peerId: string, deliver: RelayDelivery): () => void {
    return this.local.attach(peerId, deliver);
  }

  async send(route: string | undefined, envelope: RelayEnvelope): Promise<boolean> {
    if (route !== undefined && route !== this.routeId) return false;
    return this.local.deliver(envelope);
  }

  async close(): Promise<void> {}
}
