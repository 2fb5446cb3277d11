import { z } from 'zod';
import { IsoDateSchema } from './common.js';

/** An info hash as 40 lower-case hex characters (v1, SHA-1). */
export const InfoHashSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, 'must be 40 hexadecimal characters')
  .transform((s) => s.toLowerCase());

export const InfoHashParamsSchema = z.strictObject({ infoHash: InfoHashSchema });

export const SwarmStatsSchema = z.object({
  infoHash: z.string(),
  seeders: z.number().int().nonnegative(),
  leechers: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  uploaded: z.number().nonnegative(),
  downloaded: z.number().nonnegative(),
  lastAnnounceAt: IsoDateSchema,
});
export type SwarmStatsView = z.infer<typeof SwarmStatsSchema>;

export const SwarmListQuerySchema = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const SwarmListSchema = z.object({
  swarms: z.array(SwarmStatsSchema),
  total: z.number().int().nonnegative(),
  totals: z.object({ swarms: z.number(), seeders: z.number(), leechers: z.number() }),
});
export type SwarmList = z.infer<typeof SwarmListSchema>;

export const BlockInfoHashRequestSchema = z.strictObject({
  infoHash: InfoHashSchema,
  reason: z.string().trim().min(1).max(200),
});
export type BlockInfoHashRequest = z.infer<typeof BlockInfoHashRequestSchema>;

export const BlockedInfoHashSchema = z.object({
  infoHash: z.string(),
  reason: z.string(),
  createdAt: IsoDateSchema,
});
export type BlockedInfoHash = z.infer<typeof BlockedInfoHashSchema>;

export const BlocklistSchema = z.object({ entries: z.array(BlockedInfoHashSchema) });
export type Blocklist = z.infer<typeof BlocklistSchema>;

/** `GET /api/v1/tracker/passkey`: the user's private announce URL. */
export const TrackerPasskeySchema = z.object({ passkey: z.string(), announceUrl: z.string() });
export type TrackerPasskey = z.infer<typeof TrackerPasskeySchema>;
