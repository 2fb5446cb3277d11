import { Controller, Inject, Req } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { TrackerPasskey } from '@shoal/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG } from '../core/tokens.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { Passkeys } from './passkeys.js';

@Controller()
export class TrackerPasskeyController {
  constructor(
    @Inject(Passkeys) private readonly passkeys: Passkeys,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
  ) {}

  @Route(api.tracker.passkey)
  async passkey(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<TrackerPasskey> {
    const passkey = await this.passkeys.of(principal.userId);
    const base = this.config.publicUrl ?? `${request.protocol}://${request.host}`;
    return { passkey, announceUrl: `${base.replace(/\/+$/, '')}/announce?passkey=${passkey}` };
  }
}
