import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LocalPeers } from './offer-relay.memory.js';
import type { OfferRelay, RelayDelivery, RelayEnvelope } from './offer-relay.js';

export interface RedisOfferRelayOptions {
  /** Publishes envelopes; a connected client the caller closes, or a URL the relay owns. */
  redis: Redis | string;
  /** Channel prefix; default `shoal:tracker:relay:`. */
  channelPrefix?: string;
  /** This replica's route id; default random. */
  routeId?: string;
}

/**
 * Offers and answers across replicas over Redis Pub/Sub: each replica subscribes to one channel
 * named for its route, and the swarm store tells the sender which route a WebRTC peer is on.
 * Pub/Sub drops messages while a subscriber reconnects; that is acceptable here because an offer
 * is disposable (the client makes fresh ones at its next announce) and a lost answer only costs
 * one connection attempt.
 */
export class RedisOfferRelay implements OfferRelay {
  readonly routeId: string;
  private readonly local = new LocalPeers();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly ownsPublisher: boolean;
  private readonly channel: string;
  private readonly prefix: string;

  private constructor(options: RedisOfferRelayOptions) {
    this.ownsPublisher = typeof options.redis === 'string';
    this.publisher = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
    // A subscribed connection can do nothing else, so the relay always has its own.
    this.subscriber = this.publisher.duplicate();
    this.routeId = options.routeId ?? randomBytes(8).toString('hex');
    this.prefix = options.channelPrefix ?? 'shoal:tracker:relay:';
    this.channel = `${this.prefix}${this.routeId}`;
  }

  /** Resolves once this replica's channel is subscribed, so nothing sent to it is missed. */
  static async create(options: RedisOfferRelayOptions): Promise<RedisOfferRelay> {
    const relay = new RedisOfferRelay(options);
    relay.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== relay.channel) return;
      const envelope = parseEnvelope(message);
      if (envelope !== undefined) relay.local.deliver(envelope);
    });
    await relay.subscriber.subscribe(relay.channel);
    return relay;
  }

  attach(peerId: string, deliver: RelayDelivery): () => void {
    return this.local.attach(peerId, deliver);
  }

  async send(route: string | undefined, envelope: RelayEnvelope): Promise<boolean> {
    if (route === undefined || route === this.routeId) return this.local.deliver(envelope);
    const receivers = await this.publisher.publish(`${this.prefix}${route}`, JSON.stringify(envelope));
    return receivers > 0;
  }

  async close(): Promise<void> {
    await this.subscriber.quit();
    if (this.ownsPublisher) await this.publisher.quit();
  }
}

const HEX40 = /^[0-9a-f]{40}$/;

/** Another replica wrote it, but Redis is a boundary: check the shape before handing it on. */
function parseEnvelope(message: string): RelayEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  if (e.kind !== 'offer' && e.kind !== 'answer') return undefined;
  if (typeof e.toPeerId !== 'string' || !HEX40.test(e.toPeerId)) return undefined;
  if (typeof e.fromPeerId !== 'string' || !HEX40.test(e.fromPeerId)) return undefined;
  if (typeof e.offerId !== 'string' || !HEX40.test(e.offerId)) return undefined;
  if (typeof e.fromRoute !== 'string' || typeof e.frame !== 'string') return undefined;
  return {
    kind: e.kind,
    toPeerId: e.toPeerId,
    fromPeerId: e.fromPeerId,
    fromRoute: e.fromRoute,
    offerId: e.offerId,
    frame: e.frame,
  };
}
