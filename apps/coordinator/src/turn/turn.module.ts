import { Inject, Module } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createTurnServer } from '@shoal/turn';
import type { Logger } from 'pino';
import { AuthModule } from '../auth/auth.module.js';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG, LOGGER, METRICS } from '../core/tokens.js';
import type { Metrics } from '../metrics/metrics.js';
import { IceServersController } from './ice-servers.controller.js';
import { registerTurnMetrics } from './turn-metrics.js';
import { TurnService } from './turn.service.js';

/** The built-in STUN/TURN server (libs/turn) on TURN_PORT, UDP and TCP, and /api/v1/ice-servers. */
@Module({
  imports: [AuthModule],
  controllers: [IceServersController],
  providers: [
    {
      provide: TurnService,
      inject: [CONFIG],
      useFactory: (config: CoordinatorConfig) =>
        new TurnService(
          createTurnServer({
            host: config.host,
            port: config.turn.port,
            realm: 'shoal',
            secret: config.turn.secret,
            allowLoopbackPeers: config.turn.allowLoopbackPeers,
            allowedPeers: config.turn.allowedPeers,
            ...(config.turn.externalRelayAddress ? { externalRelayAddress: config.turn.externalRelayAddress } : {}),
          }),
        ),
    },
  ],
})
export class TurnModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(TurnService) private readonly turn: TurnService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = this.turn.server;
    const log = this.logger.child({ component: 'turn' });
    server.on('internalError', (info) => log.error({ info }, 'TURN internal error'));
    server.on('quotaExceeded', (info) => log.info({ info }, 'TURN quota exceeded'));
    const { udp, tcp } = await server.listen();
    registerTurnMetrics(this.metrics.registry, server);
    log.info(
      { udp: udp?.port, tcp: tcp?.port },
      `STUN/TURN listening on ${udp?.address ?? tcp?.address}:${this.turn.port}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.turn.server.close();
  }
}
