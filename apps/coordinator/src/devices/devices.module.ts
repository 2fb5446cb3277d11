import { Module } from '@nestjs/common';
import { DevicesController } from './devices.controller.js';
import { CreateChallengeHandler } from './use-cases/create-challenge/create-challenge.handler.js';
import { RegisterDeviceHandler } from './use-cases/register-device/register-device.handler.js';
import { RevokeDeviceHandler } from './use-cases/revoke-device/revoke-device.handler.js';

@Module({
  controllers: [DevicesController],
  providers: [CreateChallengeHandler, RegisterDeviceHandler, RevokeDeviceHandler],
})
export class DevicesModule {}
