import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { addressFamily, normalizeAddress } from '../address.js';
import { TrackerError } from '../errors.js';
import type { Tracker } from '../tracker.js';
import { ConnectionIds } from './connection-id.js';
import { encodeUdpAnnounce, encodeUdpConnect, encodeUdpError, encodeUdpScrape } from './encode-udp.js';
import { parseUdpPacket } from './parse-udp.js';
import type { UdpCommand } from './parse-udp.js';

export interface UdpTrackerServerOptions {
  /** Default `0.0.0.0`; an IPv6 host (`::`) listens on both families where the OS allows. */
  host?: string;
  /** Default 6969; 0 picks a free port (read it from `server.port`). */
  port?: number;
  /** HMAC key for connection ids; replicas behind one UDP load balancer must share it. */
  connectionSecret?: Uint8Array | string;
}

export interface UdpTrackerServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler<A extends UdpCommand['action']> = (
  command: Extract<UdpCommand, { action: A }>,
  from: RemoteInfo,
) => Promise<Buffer>;

/** BEP 15 on node:dgram. Any datagram gets an answer or silence; nothing a client sends stops it. */
export async function createUdpTrackerServer(
  tracker: Tracker,
  options: UdpTrackerServerOptions = {},
): Promise<UdpTrackerServer> {
  const host = options.host ?? '0.0.0.0';
  const ids = new ConnectionIds({
    ...(options.connectionSecret !== undefined ? { secret: options.connectionSecret } : {}),
    now: tracker.options.now,
  });
  const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });

  const checkConnection = (connectionId: Buffer, from: RemoteInfo): void => {
    if (!ids.verify(connectionId, normalizeAddress(from.address), from.port)) throw TrackerError.invalidConnectionId();
  };
  const handlers: { [A in UdpCommand['action']]: Handler<A> } = {
    connect: async (command, from) =>
      encodeUdpConnect(command.transactionId, ids.issue(normalizeAddress(from.address), from.port)),
    announce: async (command, from) => {
      checkConnection(command.connectionId, from);
      const result = await tracker.announce(command.request);
      return encodeUdpAnnounce(command.transactionId, result, addressFamily(command.request.remoteAddress) ?? 4);
    },
    scrape: async (command, from) => {
      checkConnection(command.connectionId, from);
      return encodeUdpScrape(command.transactionId, await tracker.scrape(command.request));
    },
  };

  let closing = false;
  const reply = (packet: Buffer, to: RemoteInfo): void => {
    // An answer that finishes after close() has nobody to go to.
    if (closing) return;
    // A vanished client (ICMP unreachable) is not the tracker's problem.
    socket.send(packet, to.port, to.address, () => undefined);
  };

  const onMessage = async (msg: Buffer, from: RemoteInfo): Promise<void> => {
    try {
      const command = parseUdpPacket(msg, from);
      const handler = handlers[command.action] as Handler<UdpCommand['action']>;
      reply(await handler(command, from), from);
    } catch (error) {
      const trackerError = tracker.fail(error, { transport: 'udp', remoteAddress: normalizeAddress(from.address) });
      // Without a transaction id the sender could not match an answer: stay silent.
      if (msg.length >= 16) reply(encodeUdpError(msg.readUInt32BE(12), trackerError.message), from);
    }
  };

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 6969, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('message', (msg, from) => void onMessage(msg, from));
  socket.on('error', (error) => tracker.fail(error, { transport: 'udp' }));

  let closed: Promise<void> | undefined;
  return {
    host,
    port: socket.address().port,
    close: () => {
      closing = true;
      return (closed ??= new Promise<void>((resolve) => socket.close(() => resolve())));
    },
  };
}
