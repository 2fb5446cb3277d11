import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DeviceChallenge } from '@shoal/protocol';
import { DATABASE } from '../../../core/tokens.js';
import type { Database } from '../../../database/database.js';

export const CHALLENGE_TTL_MS = 5 * 60_000;

@Injectable()
export class CreateChallengeHandler {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async execute(userId: string): Promise<DeviceChallenge> {
    const challenge = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    const prisma = this.database.prisma;
    // Expired challenges have no further use; sweep the caller's own on the way.
    await prisma.deviceChallenge.deleteMany({ where: { userId, expiresAt: { lt: new Date() } } });
    await prisma.deviceChallenge.create({ data: { id: challenge, userId, expiresAt } });
    return { challenge, expiresAt: expiresAt.toISOString() };
  }
}
