import { z } from 'zod';
import { DeviceIdSchema, IsoDateSchema, PROTOCOL_VERSION, SignatureSchema, UuidSchema } from '../common.js';

/**
 * Frames on the coordinator's `/ws` socket. Every frame is a JSON object with the protocol
 * version `v` and a `type`. A device authenticates the socket with its access token (or an API
 * key with the `signal` scope), then proves it holds its device key by signing the server's
 * challenge in `hello`.
 */

/** The largest frame the coordinator reads; SDP offers are a few kilobytes. */
export const MAX_WS_FRAME_BYTES = 64 * 1024;

const v = z.literal(PROTOCOL_VERSION);
export const SessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters of [A-Za-z0-9_-]');
export const SignalKindSchema = z.enum(['offer', 'answer', 'candidate', 'hangup']);
export type SignalKind = z.infer<typeof SignalKindSchema>;

export const IceCandidateSchema = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
});

// ---------------------------------------------------------------- client → coordinator

export const HelloFrameSchema = z.strictObject({
  v,
  type: z.literal('hello'),
  deviceId: DeviceIdSchema,
  /** Signature of `deviceHelloMessage(...)` (libs/identity) over the server's challenge. */
  signature: SignatureSchema,
  /** Resume after a short disconnect: frames after `lastSeq` are delivered again. */
  resume: z.strictObject({ lastSeq: z.number().int().nonnegative() }).optional(),
});

const signalBody = {
  /** Correlates an error frame with the frame that caused it. */
  ref: z.string().max(64).optional(),
  to: DeviceIdSchema,
  session: SessionIdSchema,
  kind: SignalKindSchema,
  sdp: z
    .string()
    .max(48 * 1024)
    .optional(),
  candidate: IceCandidateSchema.optional(),
  /** Milliseconds since the epoch when the offer or answer was signed. */
  timestamp: z.number().int().positive().optional(),
  /** The sender's device signature over `signalSignatureMessage(...)`, for offers and answers. */
  signature: SignatureSchema.optional(),
};

export const SignalFrameSchema = z
  .strictObject({ v, type: z.literal('signal'), ...signalBody })
  .superRefine((f, ctx) => {
    if ((f.kind === 'offer' || f.kind === 'answer') && (!f.sdp || !f.signature || !f.timestamp)) {
      ctx.addIssue({ code: 'custom', message: `${f.kind} needs sdp, timestamp and signature` });
    }
    if (f.kind === 'candidate' && !f.candidate) ctx.addIssue({ code: 'custom', message: 'candidate needs candidate' });
  });

export const AckFrameSchema = z.strictObject({ v, type: z.literal('ack'), seq: z.number().int().nonnegative() });

/** Candidate types of the ICE pair a connection settled on (RFC 8445 names). */
export const CandidateTypeSchema = z.enum(['host', 'srflx', 'prflx', 'relay']);
export type CandidateType = z.infer<typeof CandidateTypeSchema>;

/**
 * How a peer connection attempt ended, reported by the device that made it, so that operators see
 * in `/metrics` how often each path (direct or relayed) is used and how long set-up takes.
 */
export const ConnectionReportFrameSchema = z.strictObject({
  v,
  type: z.literal('report'),
  session: SessionIdSchema,
  outcome: z.enum(['connected', 'failed']),
  /** The selected pair, when connected. */
  path: z
    .strictObject({ local: CandidateTypeSchema, remote: CandidateTypeSchema, protocol: z.enum(['udp', 'tcp']) })
    .optional(),
  /** Milliseconds from the first offer to the connected (or failed) state. */
  ms: z.number().int().nonnegative().max(600_000),
});
export type ConnectionReportFrame = z.infer<typeof ConnectionReportFrameSchema>;
export const PingFrameSchema = z.strictObject({ v, type: z.literal('ping'), t: z.number().optional() });

export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloFrameSchema,
  SignalFrameSchema,
  AckFrameSchema,
  PingFrameSchema,
  ConnectionReportFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type HelloFrame = z.infer<typeof HelloFrameSchema>;
export type SignalFrame = z.infer<typeof SignalFrameSchema>;

// ---------------------------------------------------------------- coordinator → client

export const ChallengeFrameSchema = z.object({
  v,
  type: z.literal('challenge'),
  nonce: z.string(),
  /** The client should send something (a ping) at least this often. */
  heartbeatMs: z.number().int().positive(),
});

export const PeerSchema = z.object({ deviceId: DeviceIdSchema, userId: UuidSchema, username: z.string() });
export type Peer = z.infer<typeof PeerSchema>;

export const PresenceEntrySchema = z.object({
  userId: UuidSchema,
  username: z.string(),
  deviceId: DeviceIdSchema,
  status: z.enum(['online', 'offline']),
  lastSeen: IsoDateSchema,
});
export type PresenceEntry = z.infer<typeof PresenceEntrySchema>;

export const ReadyFrameSchema = z.object({
  v,
  type: z.literal('ready'),
  deviceId: DeviceIdSchema,
  userId: UuidSchema,
  /** True when the frames missed since `resume.lastSeq` are all being delivered again. */
  resumed: z.boolean(),
  /** The last sequence number delivered to this device before this socket. */
  lastSeq: z.number().int().nonnegative(),
  /** Devices of the people whose presence this device may see that are online now. */
  presence: z.array(PresenceEntrySchema),
});

export const SignalDeliveryFrameSchema = z.object({
  v,
  type: z.literal('signal'),
  seq: z.number().int().positive(),
  from: PeerSchema,
  session: SessionIdSchema,
  kind: SignalKindSchema,
  sdp: z.string().optional(),
  candidate: IceCandidateSchema.optional(),
  timestamp: z.number().optional(),
  signature: z.string().optional(),
  /** The sender is not a contact yet: this signal is also a contact request. */
  firstContact: z.boolean(),
});
export type SignalDeliveryFrame = z.infer<typeof SignalDeliveryFrameSchema>;

export const PresenceFrameSchema = PresenceEntrySchema.extend({
  v,
  type: z.literal('presence'),
  seq: z.number().int().positive(),
});
export type PresenceFrame = z.infer<typeof PresenceFrameSchema>;

export const ErrorFrameSchema = z.object({
  v,
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  /** The `ref` of the client frame that caused the error, when it had one. */
  ref: z.string().optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;

export const PongFrameSchema = z.object({ v, type: z.literal('pong'), t: z.number().optional() });

export const ServerFrameSchema = z.discriminatedUnion('type', [
  ChallengeFrameSchema,
  ReadyFrameSchema,
  SignalDeliveryFrameSchema,
  PresenceFrameSchema,
  ErrorFrameSchema,
  PongFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
/** Frames queued for a device and numbered for resume. */
export type DeliveredFrame = SignalDeliveryFrame | PresenceFrame;

/** WebSocket close codes the coordinator uses. */
export const wsCloseCodes = {
  /** 1008: the socket broke the protocol (bad hello, flood) or its credentials were refused. */
  POLICY: 1008,
  /** 1009: a frame larger than the socket accepts at all. */
  TOO_BIG: 1009,
  /** 1012: the coordinator is restarting; reconnect (to another replica). */
  RESTART: 1012,
  /** 1013: the client reads too slowly; reconnect and resume. */
  TRY_AGAIN_LATER: 1013,
  /** 4001: authentication failed (token missing, invalid, expired, revoked). */
  AUTH_FAILED: 4001,
  /** 4002: another socket of the same device took over. */
  REPLACED: 4002,
} as const;

export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}

export type DecodeResult<T> =
  | { ok: true; frame: T }
  | {
      ok: false;
      code: 'WS_MALFORMED_FRAME' | 'WS_FRAME_TOO_LARGE' | 'WS_UNKNOWN_FRAME';
      message: string;
      ref?: string;
    };

/** Parses one client frame; never throws. */
export function decodeClientFrame(text: string): DecodeResult<ClientFrame> {
  if (text.length > MAX_WS_FRAME_BYTES) {
    return { ok: false, code: 'WS_FRAME_TOO_LARGE', message: `frames are at most ${MAX_WS_FRAME_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'WS_MALFORMED_FRAME', message: 'the frame is not JSON' };
  }
  const ref =
    typeof (json as { ref?: unknown })?.ref === 'string' ? (json as { ref: string }).ref.slice(0, 64) : undefined;
  const type = (json as { type?: unknown })?.type;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, code: 'WS_MALFORMED_FRAME', message: 'a frame is a JSON object', ref };
  }
  if (!['hello', 'signal', 'ack', 'ping', 'report'].includes(type as string)) {
    return {
      ok: false,
      code: 'WS_UNKNOWN_FRAME',
      message: `unknown frame type ${JSON.stringify(type)?.slice(0, 40)}`,
      ref,
    };
  }
  const parsed = ClientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      code: 'WS_MALFORMED_FRAME',
      message: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'malformed frame',
      ref,
    };
  }
  return { ok: true, frame: parsed.data };
}

/** Parses one server frame (for clients); never throws. */
export function decodeServerFrame(text: string): ServerFrame | undefined {
  try {
    const parsed = ServerFrameSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
