import { Inject, Module } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG, DATABASE, REDIS } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { AccessTokens } from './access-tokens.js';
import { AuthController } from './auth.controller.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { Authenticator } from './authenticator.js';
import { PasswordHasher } from './password-hasher.js';
import { Sessions } from './sessions.js';
import { LogInHandler } from './use-cases/log-in/log-in.handler.js';
import { LogOutHandler } from './use-cases/log-out/log-out.handler.js';
import { RefreshSessionHandler } from './use-cases/refresh-session/refresh-session.handler.js';
import { RegisterUserHandler } from './use-cases/register-user/register-user.handler.js';

@Module({
  controllers: [AuthController],
  providers: [
    {
      provide: AccessTokens,
      useFactory: (config: CoordinatorConfig) => new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds),
      inject: [CONFIG],
    },
    {
      provide: AuthRateLimits,
      useFactory: (config: CoordinatorConfig, redis: Redis | null) => new AuthRateLimits(config, redis),
      inject: [CONFIG, REDIS],
    },
    { provide: PasswordHasher, useValue: new PasswordHasher() },
    Authenticator,
    Sessions,
    RegisterUserHandler,
    LogInHandler,
    RefreshSessionHandler,
    LogOutHandler,
  ],
  exports: [Authenticator, AccessTokens],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  /** ADMIN_USERNAMES that registered before the setting get the role at start-up. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminUsernames.length === 0) return;
    await this.database.prisma.user.updateMany({
      where: { username: { in: this.config.adminUsernames }, role: 'user' },
      data: { role: 'admin' },
    });
  }
}
