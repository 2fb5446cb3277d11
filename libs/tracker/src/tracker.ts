import type { AnnounceRequest, ScrapeRequest } from './announce-request.js';
import { addressFamily } from './address.js';
import { TrackerError } from './errors.js';
import { resolveTrackerOptions } from './options.js';
import type {
  AnnounceResult,
  FailureContext,
  ResolvedTrackerOptions,
  ScrapeResult,
  TrackerHooks,
  TrackerOptions,
} from './options.js';
import { MemoryOfferRelay } from './relay/offer-relay.memory.js';
import type { OfferRelay } from './relay/offer-relay.js';
import { MemorySwarmStore } from './store/swarm-store.memory.js';
import type { SwarmListing, SwarmStats, SwarmStore, SwarmTotals } from './store/swarm-store.js';

/**
 * The protocol core every transport feeds: normalised announces and scrapes in, results out.
 * Policy (filter, rate limit) and observation (hooks) are passed in; state sits in the store.
 */
export class Tracker {
  readonly options: ResolvedTrackerOptions;
  readonly store: SwarmStore;
  readonly relay: OfferRelay;
  private readonly hooks: TrackerHooks;
  private readonly filter: TrackerOptions['filter'];
  private readonly rateLimit: TrackerOptions['rateLimit'];
  private readonly ownsStore: boolean;
  private readonly ownsRelay: boolean;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private sweeping = false;

  constructor(options: TrackerOptions = {}) {
    this.options = resolveTrackerOptions(options);
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? new MemorySwarmStore();
    this.ownsRelay = options.relay === undefined;
    this.relay = options.relay ?? new MemoryOfferRelay();
    this.hooks = options.hooks ?? {};
    this.filter = options.filter;
    this.rateLimit = options.rateLimit;
    if (this.options.sweepIntervalSeconds > 0) {
      this.sweepTimer = setInterval(() => {
        // A slow sweep (Redis, many swarms) must not pile up behind itself.
        if (this.sweeping) return;
        this.sweeping = true;
        this.sweep()
          .catch((error: unknown) => this.fail(error, { transport: 'sweep' }))
          .finally(() => (this.sweeping = false));
      }, this.options.sweepIntervalSeconds * 1000);
      this.sweepTimer.unref();
    }
  }

  /** Transports report each relayed offer or answer here, for metrics. */
  reportRelay(kind: 'offer' | 'answer', delivered: boolean): void {
    this.hooks.onRelay?.(kind, delivered);
  }

  /** Throws TrackerError (denied, rate limited) or whatever the store throws. */
  async announce(request: AnnounceRequest, context: { route?: string } = {}): Promise<AnnounceResult> {
    await this.admit(request.remoteAddress, request.transport);
    await this.applyFilter({ action: 'announce', request });
    const o = this.options;
    const interval = request.transport === 'ws' ? o.webSocketAnnounceIntervalSeconds : o.announceIntervalSeconds;
    const now = o.now();
    const outcome = await this.store.announce({
      infoHash: request.infoHash,
      kind: request.transport === 'ws' ? 'webrtc' : 'tcp',
      peerId: request.peerId,
      ip: this.peerAddress(request),
      port: request.port,
      ...(context.route !== undefined ? { route: context.route } : {}),
      uploaded: request.uploaded,
      downloaded: request.downloaded,
      left: request.left,
      event: request.event,
      numwant: Math.min(request.numwant ?? o.defaultNumwant, o.maxNumwant),
      now,
      expiresAt: now + interval * o.peerTimeoutIntervals * 1000,
    });
    const result: AnnounceResult = {
      infoHash: request.infoHash,
      interval,
      minInterval: Math.min(o.minAnnounceIntervalSeconds, interval),
      seeders: outcome.seeders,
      leechers: outcome.leechers,
      completed: outcome.completed,
      peers: outcome.peers,
    };
    this.hooks.onAnnounce?.(request, result);
    return result;
  }

  async scrape(request: ScrapeRequest): Promise<ScrapeResult> {
    await this.admit(request.remoteAddress, request.transport);
    if (request.infoHashes.length > this.options.maxScrapeHashes) {
      throw TrackerError.tooManyHashes(this.options.maxScrapeHashes);
    }
    await this.applyFilter({ action: 'scrape', request });
    const counts = await this.store.scrape(request.infoHashes, this.options.now());
    const result: ScrapeResult = {
      files: request.infoHashes.map((infoHash, i) => ({
        infoHash,
        seeders: counts[i]?.seeders ?? 0,
        leechers: counts[i]?.leechers ?? 0,
        completed: counts[i]?.completed ?? 0,
      })),
    };
    this.hooks.onScrape?.(request, result);
    return result;
  }

  /** A WebSocket closed: its peer leaves the swarm now rather than at expiry. */
  removeWebRtcPeer(infoHash: string, peerId: string): Promise<boolean> {
    return this.store.removePeer(infoHash, 'webrtc', peerId, this.options.now());
  }

  getSwarm(infoHash: string): Promise<SwarmStats | undefined> {
    return this.store.getSwarm(infoHash, this.options.now());
  }

  listSwarms(page: { offset?: number; limit?: number } = {}): Promise<SwarmListing> {
    return this.store.listSwarms({ offset: page.offset ?? 0, limit: page.limit ?? 100 }, this.options.now());
  }

  /** Swarm and peer gauges for /metrics. With Redis this walks every swarm: cache it. */
  totals(): Promise<SwarmTotals> {
    return this.store.totals(this.options.now());
  }

  /** Moderation: forget a swarm (pair it with a blocklist in `filter` to keep it gone). */
  removeSwarm(infoHash: string): Promise<boolean> {
    return this.store.removeSwarm(infoHash);
  }

  /** Forgets expired peers; the timer calls this every `sweepIntervalSeconds`. */
  sweep(): Promise<number> {
    return this.store.removeExpired(this.options.now());
  }

  /**
   * Turns anything a transport caught into the TrackerError its client may see, and reports it.
   * Errors that are not TrackerErrors become TRACKER_INTERNAL, with the original as `cause`.
   */
  fail(error: unknown, context: FailureContext): TrackerError {
    const trackerError = error instanceof TrackerError ? error : TrackerError.internal();
    this.hooks.onFailure?.(trackerError, trackerError === error ? context : { ...context, cause: error });
    return trackerError;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    if (this.ownsRelay) await this.relay.close();
    if (this.ownsStore) await this.store.close();
  }

  private async admit(remoteAddress: string, transport: AnnounceRequest['transport']): Promise<void> {
    if (this.rateLimit === undefined) return;
    const verdict = await this.rateLimit(remoteAddress, transport);
    if (verdict !== true) throw TrackerError.rateLimited(verdict.retryInSeconds);
  }

  private async applyFilter(request: Parameters<NonNullable<TrackerOptions['filter']>>[0]): Promise<void> {
    if (this.filter === undefined) return;
    const verdict = await this.filter(request);
    if (verdict !== true) throw TrackerError.denied(verdict);
  }

  private peerAddress(request: AnnounceRequest): string {
    if (this.options.trustClientAddresses) {
      const claimed = request.claimedAddresses?.[0];
      if (claimed !== undefined) return claimed;
    }
    // Nobody dials a WebRTC peer by address; anyone else must have one peers can reach.
    if (request.transport !== 'ws' && addressFamily(request.remoteAddress) === undefined) {
      throw TrackerError.invalidAddress('remote address');
    }
    return request.remoteAddress;
  }
}

export function createTracker(options: TrackerOptions = {}): Tracker {
  return new Tracker(options);
}
