import { z } from 'zod';
import { IsoDateSchema, UuidSchema } from './common.js';

/**
 * What an API key may do. A session (login) may do everything its user may; an API key only
 * what its scopes say. API keys can never manage API keys or sessions.
 */
export const apiScopes = ['profile:read', 'devices:read', 'devices:write', 'contacts', 'signal'] as const;
export const ApiScopeSchema = z.enum(apiScopes);
export type ApiScope = z.infer<typeof ApiScopeSchema>;

export const CreateApiKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  scopes: z.array(ApiScopeSchema).min(1).max(apiScopes.length),
  /** Days until the key stops working; omitted means it never expires. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

export const ApiKeySchema = z.object({
  id: UuidSchema,
  name: z.string(),
  /** The non-secret start of the key, to recognise it in lists. */
  prefix: z.string(),
  scopes: z.array(ApiScopeSchema),
  createdAt: IsoDateSchema,
  expiresAt: IsoDateSchema.nullable(),
  lastUsedAt: IsoDateSchema.nullable(),
  revokedAt: IsoDateSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** Answer to creation: the only time the whole key is shown. */
export const CreatedApiKeySchema = ApiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const ApiKeyListSchema = z.object({ apiKeys: z.array(ApiKeySchema) });
export type ApiKeyList = z.infer<typeof ApiKeyListSchema>;

export const ApiKeyIdParamsSchema = z.strictObject({ apiKeyId: UuidSchema });

/** API keys look like `shoal_<prefix>_<secret>`; the prefix is 12 and the secret 43 characters. */
export const API_KEY_PATTERN = /^shoal_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
