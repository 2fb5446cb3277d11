import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { API_KEY_PATTERN, apiScopes } from '@shoal/protocol';
import type { ApiScope, Endpoint, Role } from '@shoal/protocol';
import type { Logger } from 'pino';
import { DATABASE, LOGGER } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { DomainError, errors } from '../errors/domain-error.js';
import { AccessTokens } from './access-tokens.js';
import { sha256Hex } from './opaque-tokens.js';
import type { Principal } from './principal.js';

// lastUsedAt is a hint for people reviewing their keys; writing it on every request would turn
// each authenticated read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Turns an `Authorization` header into a Principal, as an endpoint's contract demands. */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(AccessTokens) private readonly accessTokens: AccessTokens,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async authenticate(
    header: string | undefined,
    endpoint: Pick<Endpoint, 'auth' | 'scope'>,
  ): Promise<Principal | undefined> {
    if (endpoint.auth === 'none') return undefined;
    if (header === undefined || header === '') {
      if (endpoint.auth === 'optional') return undefined;
      throw errors.authRequired();
    }
    const match = /^Bearer +([\x21-\x7e]{1,4096})$/i.exec(header);
    if (!match?.[1]) throw errors.invalidToken();
    const token = match[1];

    if (token.startsWith('shoal_')) {
      if (endpoint.auth === 'session' || endpoint.auth === 'admin') {
        throw new DomainError('AUTH_FORBIDDEN', 'API keys cannot use this endpoint; log in instead');
      }
      const principal = await this.fromApiKey(token);
      if (endpoint.scope && !principal.scopes.includes(endpoint.scope)) {
        throw new DomainError('AUTH_INSUFFICIENT_SCOPE', `this API key lacks the "${endpoint.scope}" scope`);
      }
      return principal;
    }
    const principal = await this.fromAccessToken(token);
    if (endpoint.auth === 'admin' && principal.role !== 'admin') {
      throw new DomainError('AUTH_FORBIDDEN', 'this endpoint is for administrators');
    }
    return principal;
  }

  async fromAccessToken(token: string): Promise<Principal> {
    const claims = await this.accessTokens.verify(token);
    const session = await this.database.prisma.session.findUnique({
      where: { id: claims.sessionId },
      select: { revokedAt: true, userId: true, user: { select: { username: true, role: true } } },
    });
    if (!session || session.userId !== claims.userId) throw errors.invalidToken();
    if (session.revokedAt) throw errors.sessionRevoked();
    return {
      userId: claims.userId,
      username: session.user.username,
      role: session.user.role as Role,
      kind: 'session',
      sessionId: claims.sessionId,
      scopes: apiScopes,
    };
  }

  private async fromApiKey(token: string): Promise<Principal> {
    const match = API_KEY_PATTERN.exec(token);
    if (!match?.[1]) throw errors.invalidToken();
    const key = await this.database.prisma.apiKey.findUnique({
      where: { prefix: match[1] },
      include: { user: { select: { username: true, role: true } } },
    });
    // Compare hashes in constant time so that timing says nothing about how much matched.
    const expected = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
    const actual = Buffer.from(sha256Hex(token), 'hex');
    if (!key || !timingSafeEqual(expected, actual)) throw errors.invalidToken();
    const now = Date.now();
    if (key.revokedAt) throw new DomainError('AUTH_API_KEY_REVOKED', 'this API key was revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= now) {
      throw new DomainError('AUTH_API_KEY_REVOKED', 'this API key has expired');
    }
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      this.database.prisma.apiKey
        .update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record API key use'));
    }
    return {
      userId: key.userId,
      username: key.user.username,
      role: key.user.role as Role,
      kind: 'api-key',
      apiKeyId: key.id,
      scopes: key.scopes.filter((s): s is ApiScope => (apiScopes as readonly string[]).includes(s)),
    };
  }
}
