import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { CreateApiKeyHandler } from './use-cases/create-api-key.handler.js';

@Module({ controllers: [ApiKeysController], providers: [CreateApiKeyHandler] })
export class ApiKeysModule {}
