import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateApiKeyRequest, CreatedApiKey } from '@shoal/protocol';
import { DATABASE } from '../../core/tokens.js';
import type { Database } from '../../database/database.js';
import { newApiKey } from '../api-key-secret.js';
import { apiKeyView } from '../api-key-view.js';

@Injectable()
export class CreateApiKeyHandler {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async execute(userId: string, input: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const { key, prefix, hash } = newApiKey();
    const row = await this.database.prisma.apiKey.create({
      data: {
        id: randomUUID(),
        userId,
        name: input.name,
        prefix,
        secretHash: hash,
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      },
    });
    return { ...apiKeyView(row), key };
  }
}
