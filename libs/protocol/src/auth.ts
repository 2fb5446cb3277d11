import { z } from 'zod';
import { IsoDateSchema, PasswordSchema, UsernameSchema, UuidSchema } from './common.js';

export const CredentialsSchema = z.strictObject({
  username: UsernameSchema,
  password: PasswordSchema,
});
export type Credentials = z.infer<typeof CredentialsSchema>;

export const RefreshTokenSchema = z.string().min(1).max(256);

export const RefreshRequestSchema = z.strictObject({ refreshToken: RefreshTokenSchema });
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

/** Logout revokes the session of the bearer access token, or of the given refresh token. */
export const LogoutRequestSchema = z.strictObject({ refreshToken: RefreshTokenSchema.optional() });
export type LogoutRequest = z.infer<typeof LogoutRequestSchema>;

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const RoleSchema = z.enum(['user', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const UserSchema = z.object({
  id: UuidSchema,
  username: z.string(),
  role: RoleSchema,
  createdAt: IsoDateSchema,
});
export type User = z.infer<typeof UserSchema>;

/** `GET /api/v1/me`: the user, and how the request was authenticated. */
export const MeSchema = UserSchema.extend({
  auth: z.object({
    kind: z.enum(['session', 'api-key']),
    scopes: z.array(z.string()),
  }),
});
export type Me = z.infer<typeof MeSchema>;
