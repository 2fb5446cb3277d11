import {
  AckFrameSchema,
  ChallengeFrameSchema,
  ConnectionReportFrameSchema,
  ErrorFrameSchema,
  errorCatalog,
  HelloFrameSchema,
  MAX_WS_FRAME_BYTES,
  PingFrameSchema,
  PongFrameSchema,
  PresenceFrameSchema,
  PROTOCOL_VERSION,
  ReadyFrameSchema,
  SignalDeliveryFrameSchema,
  SignalFrameSchema,
  wsCloseCodes,
} from '@shoal/protocol';
import type { ErrorCode } from '@shoal/protocol';
import { z } from 'zod';

const wsCodes = (Object.keys(errorCatalog) as ErrorCode[]).filter(
  (c) => c.startsWith('WS_') || c.startsWith('SIGNAL_') || c === 'RATE_LIMITED' || c === 'INTERNAL',
);

function schema(s: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

const clientMessages = {
  hello: [HelloFrameSchema, 'Answer to the challenge: the device id and its signature over the nonce'],
  signal: [SignalFrameSchema, 'An offer, answer, ICE candidate or hang-up for another device'],
  ack: [AckFrameSchema, 'Acknowledges frames up to a sequence number'],
  ping: [PingFrameSchema, 'Keep-alive; answered with pong'],
  report: [ConnectionReportFrameSchema, 'How a peer connection attempt ended and the path it took (for metrics)'],
} as const;

const serverMessages = {
  challenge: [ChallengeFrameSchema, 'First frame on a new socket: a nonce to sign in hello'],
  ready: [ReadyFrameSchema, 'The device is online; includes the presence it may see'],
  signalDelivery: [SignalDeliveryFrameSchema, 'A signal from another device, numbered for resume'],
  presence: [PresenceFrameSchema, 'A device of a contact (or of your own account) went online or offline'],
  error: [ErrorFrameSchema, `An error with a stable code: ${wsCodes.join(', ')}`],
  pong: [PongFrameSchema, 'Answer to ping'],
} as const;

/** The AsyncAPI 3 document of `/ws`, built from the same schemas the coordinator validates with. */
export function buildAsyncApiDocument(options: { serverUrl?: string } = {}): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const [name, [s, summary]] of [...Object.entries(clientMessages), ...Object.entries(serverMessages)]) {
    messages[name] = { name, summary, contentType: 'application/json', payload: schema(s) };
  }
  const ref = (names: string[]) => names.map((n) => ({ $ref: `#/channels/ws/messages/${n}` }));
  const host = options.serverUrl ? new URL(options.serverUrl) : undefined;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Shoal coordinator signalling (/ws)',
      version: `${PROTOCOL_VERSION}.0.0`,
      description: [
        'Authenticate the upgrade with `Authorization: Bearer <access token or API key with the signal scope>`,',
        'or `?access_token=` for browsers. The coordinator sends `challenge`; the device answers `hello`',
        '(signature by its Ed25519 key of `deviceHelloMessage`), then gets `ready`. Frames are JSON text,',
        `at most ${MAX_WS_FRAME_BYTES} bytes, each with \`v: ${PROTOCOL_VERSION}\`. Signals and presence are`,
        'numbered per device (`seq`); after a disconnect, `hello.resume.lastSeq` delivers what was missed.',
        `Close codes: ${Object.entries(wsCloseCodes)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}.`,
      ].join(' '),
    },
    servers: host
      ? { coordinator: { host: host.host, protocol: host.protocol === 'https:' ? 'wss' : 'ws', pathname: '/ws' } }
      : {},
    channels: { ws: { address: '/ws', messages } },
    operations: {
      sendToCoordinator: {
        action: 'receive',
        channel: { $ref: '#/channels/ws' },
        messages: ref(Object.keys(clientMessages)),
      },
      receiveFromCoordinator: {
        action: 'send',
        channel: { $ref: '#/channels/ws' },
        messages: ref(Object.keys(serverMessages)),
      },
    },
  };
}
