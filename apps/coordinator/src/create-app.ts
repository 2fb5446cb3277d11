import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { CoordinatorConfig } from './config/coordinator-config.js';
import { openDatabase } from './database/database.js';
import type { Database } from './database/database.js';
import { registerDocs } from './docs/docs.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { UpgradeRouter } from './http/upgrade-router.js';
import { instrumentHttp } from './metrics/http-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { openRedis } from './redis/redis.js';

export interface RunningCoordinator {
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  port: number;
  app: NestFastifyApplication;
  database: Database;
  redis: Redis | null;
  metrics: Metrics;
  /** Every route the HTTP server serves (HEAD routes left out). */
  routes: { method: string; url: string }[];
  /** Stops accepting, lets open requests finish, then closes Redis and the database. */
  close(): Promise<void>;
}

/** Opens storage, builds the Nest application and starts listening. */
export async function startCoordinator(
  config: CoordinatorConfig,
  logger: Logger,
  options: { migrationsDir?: string } = {},
): Promise<RunningCoordinator> {
  const database = await openDatabase(config.database, logger, options);
  let redis: Redis | null = null;
  try {
    redis = config.redisUrl ? await openRedis(config.redisUrl, logger) : null;
    const metrics = new Metrics();
    const adapter = new FastifyAdapter({
      bodyLimit: config.bodyLimitBytes,
      // Fastify counts hops when given a number; its adapter's type omits that form.
      trustProxy: (config.trustProxyHops > 0 ? config.trustProxyHops : false) as boolean,
      // On close, idle keep-alive sockets are closed at once; busy ones once their answer is sent.
      forceCloseConnections: 'idle',
      return503OnClosing: true,
      logger: false,
    });
    const fastify = adapter.getInstance();
    const routes: { method: string; url: string }[] = [];
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    instrumentHttp(fastify, metrics);
    await registerDocs(fastify, { serverUrl: config.publicUrl });

    const upgrades = new UpgradeRouter();
    fastify.server.on('upgrade', upgrades.handle);
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, logger, database, redis, metrics, upgrades }),
      adapter,
      { logger: new NestPinoLogger(logger.child({ component: 'nest' })), abortOnError: false },
    );
    await app.listen({ port: config.port, host: config.host });
    const address = fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        await app.close();
        await redis?.quit().catch(() => undefined);
        await database.close();
      })();
      return closing;
    };
    return { url, port, app, database, redis, metrics, routes, close };
  } catch (error) {
    await redis?.quit().catch(() => undefined);
    await database.close();
    throw error;
  }
}
