import { z } from 'zod';

/** One entry of an RTCConfiguration's `iceServers`. */
export const IceServerSchema = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServerSchema>;

/** `GET /api/v1/ice-servers`: pass `iceServers` to RTCPeerConnection as it is. */
export const IceServersSchema = z.object({
  iceServers: z.array(IceServerSchema),
  /** Seconds the TURN credentials stay valid; fetch new ones before. */
  ttl: z.number().int().positive(),
});
export type IceServers = z.infer<typeof IceServersSchema>;
