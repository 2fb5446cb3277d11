import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { TokenPair } from '@shoal/protocol';
import type { Logger } from 'pino';
import type { CoordinatorConfig } from '../config/coordinator-config.js';
import { CONFIG, DATABASE, LOGGER } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { DomainError } from '../errors/domain-error.js';
import { AccessTokens } from './access-tokens.js';
import { newOpaqueToken, sha256Hex } from './opaque-tokens.js';

const DAY_MS = 86_400_000;

/**
 * Login sessions. A session is a family of refresh tokens: each refresh uses one up and issues
 * the next. Presenting a used token again means it was copied, so the whole family is revoked.
 */
@Injectable()
export class Sessions {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(AccessTokens) private readonly accessTokens: AccessTokens,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(userId: string): Promise<TokenPair> {
    const sessionId = randomUUID();
    const refresh = newOpaqueToken('rt_');
    await this.database.prisma.session.create({
      data: {
        id: sessionId,
        userId,
        refreshTokens: {
          create: { id: randomUUID(), tokenHash: refresh.hash, expiresAt: this.refreshExpiry() },
        },
      },
    });
    return this.pair(userId, sessionId, refresh.token);
  }

  async rotate(refreshToken: string): Promise<TokenPair> {
    const prisma = this.database.prisma;
    const row = await prisma.refreshToken.findUnique({
      where: { tokenHash: sha256Hex(refreshToken) },
      include: { session: { select: { userId: true, revokedAt: true } } },
    });
    if (!row) throw new DomainError('AUTH_INVALID_REFRESH_TOKEN', 'unknown refresh token');
    if (row.session.revokedAt) throw new DomainError('AUTH_SESSION_REVOKED', 'this session has ended; log in again');
    if (row.usedAt) return this.reused(row.sessionId);
    if (row.expiresAt.getTime() <= Date.now()) {
      throw new DomainError('AUTH_INVALID_REFRESH_TOKEN', 'the refresh token has expired; log in again');
    }
    const next = newOpaqueToken('rt_');
    // Claim the old token and store its successor atomically; of two racing refreshes with
    // the same token exactly one claims it, and the other is treated as a reuse.
    const claimed = await prisma.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({
        where: { id: row.id, usedAt: null },
        data: { usedAt: new Date() },
      });
      if (count === 0) return false;
      await tx.refreshToken.create({
        data: { id: randomUUID(), sessionId: row.sessionId, tokenHash: next.hash, expiresAt: this.refreshExpiry() },
      });
      return true;
    });
    if (!claimed) return this.reused(row.sessionId);
    return this.pair(row.session.userId, row.sessionId, next.token);
  }

  /** Ends a session; true when it was still active. */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const { count } = await this.database.prisma.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokeReason: reason },
    });
    return count > 0;
  }

  /** The session a refresh token belongs to, whether or not the token was used. */
  async sessionOfRefreshToken(refreshToken: string): Promise<string | undefined> {
    const row = await this.database.prisma.refreshToken.findUnique({
      where: { tokenHash: sha256Hex(refreshToken) },
      select: { sessionId: true },
    });
    return row?.sessionId;
  }

  private async reused(sessionId: string): Promise<never> {
    await this.revoke(sessionId, 'refresh-token-reuse');
    this.logger.warn({ sessionId }, 'refresh token reused: session revoked');
    throw new DomainError(
      'AUTH_REFRESH_TOKEN_REUSED',
      'this refresh token was already used; the session has been revoked, log in again',
    );
  }

  private async pair(userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.accessTokens.issue({ userId, sessionId });
    return { accessToken, refreshToken, expiresIn: this.accessTokens.ttlSeconds };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.refreshTokenTtlDays * DAY_MS);
  }
}
