import { Inject, Injectable } from '@nestjs/common';
import { DATABASE } from '../../../core/tokens.js';
import type { Database } from '../../../database/database.js';
import { DomainError } from '../../../errors/domain-error.js';

@Injectable()
export class RevokeDeviceHandler {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  /** Revokes one of the user's devices; revoking a revoked device again is not an error. */
  async execute(userId: string, deviceId: string): Promise<void> {
    const prisma = this.database.prisma;
    const { count } = await prisma.device.updateMany({
      where: { id: deviceId, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count > 0) return;
    const exists = await prisma.device.count({ where: { id: deviceId, userId } });
    if (exists === 0) throw new DomainError('DEVICE_NOT_FOUND', 'no such device on this account');
  }
}
