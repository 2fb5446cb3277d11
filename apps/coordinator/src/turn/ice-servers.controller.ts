import { Controller, Inject, Req } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { IceServer, IceServers } from '@shoal/protocol';
import { turnRestCredentials } from '@shoal/turn';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG } from '../core/tokens.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { TurnService } from './turn.service.js';

@Controller()
export class IceServersController {
  constructor(
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(TurnService) private readonly turn: TurnService,
  ) {}

  /**
   * Our STUN, and TURN with fresh credentials: ours, or the operator's external TURN servers
   * (coturn with `use-auth-secret` accepts the same credentials).
   */
  @Route(api.iceServers)
  iceServers(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): IceServers {
    const host = this.publicHost(request);
    const port = this.turn.port;
    const { username, password } = turnRestCredentials(
      this.config.turn.secret,
      principal.userId,
      this.config.turn.credentialTtlSeconds,
    );
    const stun: IceServer = { urls: [`stun:${host}:${port}`] };
    const turn: IceServer = {
      urls:
        this.config.turn.externalUrls.length > 0
          ? this.config.turn.externalUrls
          : [`turn:${host}:${port}?transport=udp`, `turn:${host}:${port}?transport=tcp`],
      username,
      credential: password,
    };
    return { iceServers: [stun, turn], ttl: this.config.turn.credentialTtlSeconds };
  }

  /** The host clients reach us at: PUBLIC_URL's, else the one the request was addressed to. */
  private publicHost(request: FastifyRequest): string {
    if (this.config.publicUrl) return new URL(this.config.publicUrl).hostname;
    const hostname = request.hostname.replace(/:\d+$/, '');
    return hostname || this.config.host;
  }
}
