import { Inject, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG, DATABASE, LOGGER, METRICS, REDIS } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { UpgradeRouter } from '../http/upgrade-router.js';
import type { Metrics } from '../metrics/metrics.js';
import { Blocklist } from './blocklist.js';
import { Passkeys } from './passkeys.js';
import { TrackerAdminController } from './tracker-admin.controller.js';
import { TrackerMetrics } from './tracker-metrics.js';
import { TrackerPasskeyController } from './tracker-passkey.controller.js';
import { TrackerService } from './tracker.service.js';

@Module({
  controllers: [TrackerAdminController, TrackerPasskeyController],
  providers: [
    {
      provide: Blocklist,
      inject: [DATABASE, LOGGER],
      useFactory: (database: Database, logger: Logger) => new Blocklist(database, logger),
    },
    { provide: Passkeys, inject: [DATABASE], useFactory: (database: Database) => new Passkeys(database) },
    {
      provide: TrackerService,
      inject: [CONFIG, REDIS, Blocklist, Passkeys, METRICS, LOGGER],
      useFactory: (
        config: CoordinatorConfig,
        redis: Redis | null,
        blocklist: Blocklist,
        passkeys: Passkeys,
        metrics: Metrics,
        logger: Logger,
      ) => {
        let service: TrackerService | undefined = undefined;
        const trackerMetrics = new TrackerMetrics(metrics.registry, () => service?.tracker);
        service = new TrackerService(config, redis, blocklist, passkeys, trackerMetrics, logger);
        return service;
      },
    },
  ],
})
export class TrackerModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(TrackerService) private readonly service: TrackerService,
    @Inject(Blocklist) private readonly blocklist: Blocklist,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(UpgradeRouter) private readonly upgrades: UpgradeRouter,
  ) {}

  onModuleInit(): void {
    this.service.registerRoutes(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
    this.service.registerUpgrade(this.upgrades);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.blocklist.start();
    await this.service.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.blocklist.stop();
    await this.service.stop();
  }
}
