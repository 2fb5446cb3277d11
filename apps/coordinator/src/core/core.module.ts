import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import type { Database } from '../database/database.js';
import type { Metrics } from '../metrics/metrics.js';
import { UpgradeRouter } from '../http/upgrade-router.js';
import { DomainEvents } from './domain-events.js';
import { CONFIG, DATABASE, DOMAIN_EVENTS, LOGGER, METRICS, REDIS } from './tokens.js';

export interface CoreResources {
  config: CoordinatorConfig;
  logger: Logger;
  database: Database;
  redis: Redis | null;
  metrics: Metrics;
  upgrades: UpgradeRouter;
}

/**
 * Makes the resources opened outside Nest (so that their start and shutdown order is explicit)
 * injectable everywhere.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(resources: CoreResources): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: resources.config },
      { provide: LOGGER, useValue: resources.logger },
      { provide: DATABASE, useValue: resources.database },
      { provide: REDIS, useValue: resources.redis },
      { provide: METRICS, useValue: resources.metrics },
      { provide: DOMAIN_EVENTS, useValue: new DomainEvents() },
      { provide: UpgradeRouter, useValue: resources.upgrades },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
