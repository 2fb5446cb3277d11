import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { CoreModule } from './core/core.module.js';
import type { CoreResources } from './core/core.module.js';
import { LOGGER } from './core/tokens.js';
import { DevicesModule } from './devices/devices.module.js';
import { ProtocolExceptionFilter } from './errors/exception.filter.js';
import { HealthModule } from './health/health.module.js';
import { SignallingModule } from './signalling/signalling.module.js';
import { TrackerModule } from './tracker/tracker.module.js';
import { TurnModule } from './turn/turn.module.js';
import { ContractGuard } from './http/contract.guard.js';

@Module({})
export class AppModule {
  static forRoot(resources: CoreResources): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(resources),
        AuthModule,
        DevicesModule,
        ApiKeysModule,
        ContactsModule,
        SignallingModule,
        TurnModule,
        TrackerModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ContractGuard },
        {
          provide: APP_FILTER,
          useFactory: (logger: Logger) => new ProtocolExceptionFilter(logger),
          inject: [LOGGER],
        },
      ],
    };
  }
}
