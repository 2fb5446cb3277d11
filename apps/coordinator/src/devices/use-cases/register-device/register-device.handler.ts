import { Inject, Injectable } from '@nestjs/common';
import { deviceIdFromPublicKey, deviceRegistrationMessage, verify } from '@shoal/identity';
import type { Device, RegisterDeviceRequest } from '@shoal/protocol';
import { DATABASE } from '../../../core/tokens.js';
import type { Database } from '../../../database/database.js';
import { isUniqueViolation } from '../../../database/prisma-errors.js';
import { DomainError } from '../../../errors/domain-error.js';
import { deviceView } from '../../device-view.js';

@Injectable()
export class RegisterDeviceHandler {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async execute(userId: string, input: RegisterDeviceRequest): Promise<Device> {
    const message = deviceRegistrationMessage({
      userId,
      challenge: input.challenge,
      publicKey: input.publicKey,
      exchangeKey: input.exchangeKey,
    });
    // The signature is checked before anything is written: a forged request changes nothing.
    if (!verify(input.publicKey, message, input.signature)) {
      throw new DomainError('DEVICE_SIGNATURE_INVALID', 'the signature does not verify against this public key');
    }
    try {
      const row = await this.database.prisma.$transaction(async (tx) => {
        // Spending the challenge and creating the device commit together, so a challenge
        // is used exactly once and a failed registration leaves it unspent.
        const { count } = await tx.deviceChallenge.updateMany({
          where: { id: input.challenge, userId, consumedAt: null, expiresAt: { gt: new Date() } },
          data: { consumedAt: new Date() },
        });
        if (count === 0) {
          throw new DomainError('DEVICE_CHALLENGE_INVALID', 'the challenge is unknown, expired or already used');
        }
        return tx.device.create({
          data: {
            id: deviceIdFromPublicKey(input.publicKey),
            userId,
            name: input.name,
            publicKey: input.publicKey,
            exchangeKey: input.exchangeKey ?? null,
          },
        });
      });
      return deviceView(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('DEVICE_KEY_IN_USE', 'this device key is already registered');
      }
      throw error;
    }
  }
}
