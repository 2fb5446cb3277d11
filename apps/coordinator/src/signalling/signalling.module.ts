import { randomUUID } from 'node:crypto';
import { Inject, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuthModule } from '../auth/auth.module.js';
import { Authenticator } from '../auth/authenticator.js';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import type { DomainEvents } from '../core/domain-events.js';
import { CONFIG, DATABASE, DOMAIN_EVENTS, LOGGER, METRICS, REDIS } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { UpgradeRouter } from '../http/upgrade-router.js';
import type { Metrics } from '../metrics/metrics.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';
import { MemoryDeviceInbox } from './inbox/device-inbox.memory.js';
import { RedisDeviceInbox } from './inbox/device-inbox.redis.js';
import { MemoryPresenceStore } from './presence/presence-store.memory.js';
import { RedisPresenceStore } from './presence/presence-store.redis.js';
import { PresenceService } from './presence/presence.service.js';
import { SignalRouter } from './signal-router.js';
import type { SignallingContext } from './signalling-context.js';
import { SignallingMetrics } from './signalling-metrics.js';
import { SignallingServer } from './signalling-server.js';

const SIGNALLING_CONTEXT = Symbol('SignallingContext');

@Module({
  imports: [AuthModule, ContactsModule],
  providers: [
    {
      provide: SIGNALLING_CONTEXT,
      inject: [CONFIG, DATABASE, REDIS, LOGGER, METRICS, ContactsRepository],
      useFactory: (
        config: CoordinatorConfig,
        database: Database,
        redis: Redis | null,
        logger: Logger,
        metrics: Metrics,
        contacts: ContactsRepository,
      ): SignallingContext => {
        const log = logger.child({ component: 'signalling' });
        const prefix = config.redisKeyPrefix;
        const inbox = redis ? new RedisDeviceInbox(redis, prefix, log) : new MemoryDeviceInbox();
        const store = redis ? new RedisPresenceStore(redis, prefix, log) : new MemoryPresenceStore();
        return {
          replicaId: randomUUID(),
          database,
          inbox,
          store,
          presence: new PresenceService(store, inbox, contacts, database, log),
          router: new SignalRouter(database, contacts, store, inbox),
          userLimiter: new RateLimiter(
            'ws:user',
            { points: config.signalling.userFramesPerMinute, durationSeconds: 60 },
            redis ?? undefined,
            prefix,
          ),
          limits: config.signalling.limits,
          logger: log,
          metrics: new SignallingMetrics(metrics.registry),
        };
      },
    },
    {
      provide: SignallingServer,
      inject: [SIGNALLING_CONTEXT, Authenticator],
      useFactory: (ctx: SignallingContext, authenticator: Authenticator) => new SignallingServer(ctx, authenticator),
    },
  ],
})
export class SignallingModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SIGNALLING_CONTEXT) private readonly ctx: SignallingContext,
    @Inject(SignallingServer) private readonly server: SignallingServer,
    @Inject(UpgradeRouter) private readonly upgrades: UpgradeRouter,
    @Inject(DOMAIN_EVENTS) private readonly events: DomainEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.upgrades.register('/ws', (request, socket, head) => this.server.handleUpgrade(request, socket, head));
    this.unsubscribe = this.events.on('contacts.changed', ({ a, b }) => {
      this.ctx.router.forget(a, b);
      this.ctx.presence
        .relationshipChanged(a, b)
        .catch((error: unknown) =>
          this.ctx.logger.warn({ err: error }, 'could not update presence after a contact change'),
        );
    });
    this.server.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.server.stop();
    await this.ctx.inbox.close();
    await this.ctx.store.close();
  }
}
