import { Body, Controller, Inject, Param } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { Device, DeviceChallenge, DeviceList, RegisterDeviceRequest, UserDeviceKeys } from '@shoal/protocol';
import type { Principal } from '../auth/principal.js';
import { DATABASE } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { DomainError } from '../errors/domain-error.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { deviceView } from './device-view.js';
import { CreateChallengeHandler } from './use-cases/create-challenge/create-challenge.handler.js';
import { RegisterDeviceHandler } from './use-cases/register-device/register-device.handler.js';
import { RevokeDeviceHandler } from './use-cases/revoke-device/revoke-device.handler.js';

@Controller()
export class DevicesController {
  constructor(
    @Inject(CreateChallengeHandler) private readonly createChallenge: CreateChallengeHandler,
    @Inject(RegisterDeviceHandler) private readonly registerDevice: RegisterDeviceHandler,
    @Inject(RevokeDeviceHandler) private readonly revokeDevice: RevokeDeviceHandler,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  @Route(api.devices.challenge)
  challenge(@CurrentPrincipal() principal: Principal): Promise<DeviceChallenge> {
    return this.createChallenge.execute(principal.userId);
  }

  @Route(api.devices.register)
  register(@CurrentPrincipal() principal: Principal, @Body() body: RegisterDeviceRequest): Promise<Device> {
    return this.registerDevice.execute(principal.userId, body);
  }

  @Route(api.devices.list)
  async list(@CurrentPrincipal() principal: Principal): Promise<DeviceList> {
    const rows = await this.database.prisma.device.findMany({
      where: { userId: principal.userId },
      orderBy: { createdAt: 'asc' },
    });
    return { devices: rows.map(deviceView) };
  }

  @Route(api.devices.revoke)
  revoke(@CurrentPrincipal() principal: Principal, @Param('deviceId') deviceId: string): Promise<void> {
    return this.revokeDevice.execute(principal.userId, deviceId);
  }

  @Route(api.devices.ofUser)
  async ofUser(@Param('username') username: string): Promise<UserDeviceKeys> {
    const user = await this.database.prisma.user.findUnique({
      where: { username: username.toLowerCase() },
      include: { devices: { where: { revokedAt: null }, orderBy: { createdAt: 'asc' } } },
    });
    if (!user) throw new DomainError('USER_NOT_FOUND', `no user "${username}"`);
    return {
      username: user.username,
      devices: user.devices.map((d) => ({
        id: d.id,
        name: d.name,
        publicKey: d.publicKey,
        exchangeKey: d.exchangeKey,
        createdAt: d.createdAt.toISOString(),
      })),
    };
  }
}
