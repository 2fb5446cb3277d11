import { z } from 'zod';
import { Base64UrlSchema, DeviceIdSchema, IsoDateSchema, PublicKeySchema, SignatureSchema } from './common.js';

export const DeviceChallengeSchema = z.object({
  challenge: Base64UrlSchema,
  expiresAt: IsoDateSchema,
});
export type DeviceChallenge = z.infer<typeof DeviceChallengeSchema>;

export const DeviceNameSchema = z.string().trim().min(1).max(64);

/**
 * Registers a device key. `signature` is the Ed25519 signature, by `publicKey`, of
 * `deviceRegistrationMessage(...)` from `@shoal/identity`, which binds the user, the challenge
 * and both keys together.
 */
export const RegisterDeviceRequestSchema = z.strictObject({
  name: DeviceNameSchema,
  publicKey: PublicKeySchema,
  exchangeKey: PublicKeySchema.optional(),
  challenge: Base64UrlSchema.min(16).max(128),
  signature: SignatureSchema,
});
export type RegisterDeviceRequest = z.infer<typeof RegisterDeviceRequestSchema>;

export const DeviceSchema = z.object({
  id: DeviceIdSchema,
  name: z.string(),
  publicKey: PublicKeySchema,
  exchangeKey: PublicKeySchema.nullable(),
  createdAt: IsoDateSchema,
  lastSeenAt: IsoDateSchema.nullable(),
  revokedAt: IsoDateSchema.nullable(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const DeviceListSchema = z.object({ devices: z.array(DeviceSchema) });
export type DeviceList = z.infer<typeof DeviceListSchema>;

/** Another user's active device keys, to verify their signatures and seal messages to them. */
export const UserDeviceKeysSchema = z.object({
  username: z.string(),
  devices: z.array(DeviceSchema.pick({ id: true, name: true, publicKey: true, exchangeKey: true, createdAt: true })),
});
export type UserDeviceKeys = z.infer<typeof UserDeviceKeysSchema>;

export const DeviceIdParamsSchema = z.strictObject({ deviceId: DeviceIdSchema });
export const UsernameParamsSchema = z.strictObject({ username: z.string().min(1).max(64) });
