import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  attachWebSocketPeer,
  createFixedWindowRateLimit,
  createTracker,
  createUdpTrackerServer,
  handleHttpAnnounce,
  handleHttpScrape,
  RedisOfferRelay,
  RedisSwarmStore,
} from '@shoal/tracker';
import type { Tracker, TrackerRequest, UdpTrackerServer } from '@shoal/tracker';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import type { UpgradeRouter } from '../http/upgrade-router.js';
import type { Blocklist } from './blocklist.js';
import { startDhtNode } from './dht-node.js';
import type { Passkeys } from './passkeys.js';
import type { TrackerMetrics } from './tracker-metrics.js';

const WS_MAX_FRAME_BYTES = 256 * 1024;

/**
 * Mounts the tracker core (libs/tracker) on the coordinator: HTTP announce and scrape as plain
 * Fastify routes (no Nest pipes, guards or ORM on this path: one store call per announce), the
 * WebSocket tracker on the `/announce` upgrade, UDP on TRACKER_UDP_PORT, and the DHT node.
 */
export class TrackerService {
  tracker: Tracker | undefined;
  private udp: UdpTrackerServer | undefined;
  private dht: { port: number; close(): Promise<void> } | undefined;
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });

  constructor(
    private readonly config: CoordinatorConfig,
    private readonly redis: Redis | null,
    private readonly blocklist: Blocklist,
    private readonly passkeys: Passkeys,
    private readonly metrics: TrackerMetrics,
    private readonly logger: Logger,
  ) {}

  /** Registers the HTTP routes; Fastify takes routes only before it starts listening. */
  registerRoutes(fastify: FastifyInstance): void {
    const handle = (kind: 'announce' | 'scrape') => async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.raw.url ?? '';
      const q = raw.indexOf('?');
      const query = q < 0 ? '' : raw.slice(q + 1);
      const answer = await (kind === 'announce' ? handleHttpAnnounce : handleHttpScrape)(
        this.tracker!,
        query,
        request.ip,
      );
      return reply.status(answer.status).headers(answer.headers).send(answer.body);
    };
    fastify.get('/announce', handle('announce'));
    fastify.get('/scrape', handle('scrape'));
  }

  registerUpgrade(upgrades: UpgradeRouter): void {
    upgrades.register('/announce', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        const url = request.url ?? '';
        const q = url.indexOf('?');
        const remote = request.socket.remoteAddress ?? '';
        attachWebSocketPeer(this.tracker!, ws as never, remote, {
          rawQueryString: q < 0 ? '' : url.slice(q + 1),
          maxFrameBytes: WS_MAX_FRAME_BYTES,
        });
      });
    });
  }

  async start(): Promise<void> {
    const log = this.logger.child({ component: 'tracker' });
    const prefix = `${this.config.redisKeyPrefix}tracker:`;
    const rateLimit = createFixedWindowRateLimit({
      limit: this.config.tracker.ratePerAddressPerMinute,
      windowSeconds: 60,
    });
    this.tracker = createTracker({
      ...(this.redis
        ? {
            store: new RedisSwarmStore({ redis: this.redis, keyPrefix: prefix }),
            relay: await RedisOfferRelay.create({ redis: this.redis, channelPrefix: `${prefix}relay:` }),
          }
        : {}),
      filter: (request) => this.filter(request),
      rateLimit,
      hooks: {
        onAnnounce: (request) => this.metrics.announces.inc({ transport: request.transport }),
        onScrape: (request) => this.metrics.scrapes.inc({ transport: request.transport }),
        onFailure: (error, context) => {
          this.metrics.failures.inc({ code: error.code });
          if (error.code === 'TRACKER_INTERNAL') log.error({ err: context }, 'tracker request failed');
        },
        onRelay: (kind, delivered) => this.metrics.relayed.inc({ kind, delivered: String(delivered) }),
      },
    });
    this.udp = await createUdpTrackerServer(this.tracker, {
      host: this.config.host,
      port: this.config.tracker.udpPort,
      // Every replica derives the same secret, so a connection id from one is valid on another.
      connectionSecret: createHmac('sha256', this.config.jwtSecret).update('shoal/udp-tracker-connection-ids').digest(),
    });
    log.info({ port: this.udp.port }, `UDP tracker listening on ${this.udp.host}:${this.udp.port}`);
    if (this.config.tracker.dht.enabled) {
      this.dht = await startDhtNode(
        { host: this.config.host, port: this.config.tracker.dht.port, bootstrap: this.config.tracker.dht.bootstrap },
        log.child({ component: 'dht' }),
      );
      log.info({ port: this.dht.port }, `DHT node listening on ${this.config.host}:${this.dht.port}`);
    }
  }

  get udpPort(): number | undefined {
    return this.udp?.port;
  }

  get dhtPort(): number | undefined {
    return this.dht?.port;
  }

  private async filter(request: TrackerRequest): Promise<true | string> {
    const hashes = request.action === 'announce' ? [request.request.infoHash] : request.request.infoHashes;
    if (hashes.some((h) => this.blocklist.has(h))) return 'this torrent is not served by this tracker';
    if (this.config.tracker.private) {
      const passkey = request.request.passkey;
      if (!passkey) return 'this is a private tracker: announce with your passkey (/announce?passkey=...)';
      if (!(await this.passkeys.userOf(passkey))) return 'unknown passkey';
    }
    return true;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.close(1001, 'tracker stopping');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.udp?.close();
    await this.dht?.close();
    await this.tracker?.close();
  }
}
