import { Body, Controller, Inject, Param } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { ApiKeyList, CreateApiKeyRequest, CreatedApiKey } from '@shoal/protocol';
import type { Principal } from '../auth/principal.js';
import { DATABASE } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { DomainError } from '../errors/domain-error.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { apiKeyView } from './api-key-view.js';
import { CreateApiKeyHandler } from './use-cases/create-api-key.handler.js';

@Controller()
export class ApiKeysController {
  constructor(
    @Inject(CreateApiKeyHandler) private readonly createApiKey: CreateApiKeyHandler,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  @Route(api.apiKeys.create)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.createApiKey.execute(principal.userId, body);
  }

  @Route(api.apiKeys.list)
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyList> {
    const rows = await this.database.prisma.apiKey.findMany({
      where: { userId: principal.userId },
      orderBy: { createdAt: 'asc' },
    });
    return { apiKeys: rows.map(apiKeyView) };
  }

  @Route(api.apiKeys.revoke)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('apiKeyId') apiKeyId: string): Promise<void> {
    const prisma = this.database.prisma;
    const { count } = await prisma.apiKey.updateMany({
      where: { id: apiKeyId, userId: principal.userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count > 0) return;
    if ((await prisma.apiKey.count({ where: { id: apiKeyId, userId: principal.userId } })) === 0) {
      throw new DomainError('API_KEY_NOT_FOUND', 'no such API key on this account');
    }
  }
}
