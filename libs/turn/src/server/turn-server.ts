import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Server as TcpServer, Socket as TcpSocket } from 'node:net';
import { isTurnError, TurnError } from '../errors.js';
import { NonceIssuer } from '../auth/nonce-issuer.js';
import { unknownAttributes } from '../codec/attributes/unknown-attributes.js';
import { StunClass, StunErrorCode } from '../codec/constants.js';
import { ipFamilyOf, type IpFamily, type TransportAddress } from '../codec/ip-address.js';
import { decodeStunMessage, looksLikeStun, type StunMessage } from '../codec/stun-message.js';
import { TurnStreamFramer } from '../codec/tcp-framer.js';
import { PeerAddressPolicy } from '../policy/peer-address-policy.js';
import type { Allocation } from './allocation.js';
import { AllocationTable } from './allocation-table.js';
import { authenticate } from './authenticate.js';
import { type ClientConnection, TcpClientConnection, UdpClientConnection, UdpOutput } from './client-connection.js';
import { emptyStats, type AllocationEndReason, type TurnServerEvents, type TurnServerStats } from './events.js';
import { KNOWN_REQUEST_ATTRIBUTES, REQUEST_ROUTES } from './handlers/index.js';
import { isAddressInUse, listenTcp, listenUdp } from './listeners.js';
import {
  resolveTurnServerOptions,
  type ResolvedTurnServerOptions,
  type TurnQuota,
  type TurnServerOptions,
} from './options.js';
import { RequestContext, type TurnServerCore } from './request-context.js';
import { Reservations } from './reservations.js';
import { SEND_INDICATION, SendIndicationReader } from './send-indication-reader.js';

export interface TurnServerAddresses {
  readonly udp?: TransportAddress;
  readonly tcp?: TransportAddress;
}

/** A STUN/TURN server: not listening until `listen()`. */
export interface TurnServer extends EventEmitter<TurnServerEvents> {
  readonly options: ResolvedTurnServerOptions;
  /** Binds UDP and TCP; with port 0 both get the same free port when they can. */
  listen(): Promise<TurnServerAddresses>;
  /** Where it listens; throws `TURN_NOT_LISTENING` before `listen()` resolved. */
  readonly addresses: TurnServerAddresses;
  /** Ends every allocation and connection and closes the sockets. */
  close(): Promise<void>;
  /** A snapshot of the counters and gauges. */
  stats(): TurnServerStats;
  /** Applies expiry and starts a new bandwidth window now (the server does it every `sweepIntervalMs`). */
  sweep(): void;
}

/** Validates the options (throws `TURN_INVALID_OPTIONS`) and makes a server; call `listen()`. */
export function createTurnServer(options: TurnServerOptions = {}): TurnServer {
  return new TurnServerImpl(resolveTurnServerOptions(options));
}

/** Port-0 attempts at finding one port free for both UDP and TCP. */
const SAME_PORT_ATTEMPTS = 8;

class TurnServerImpl extends EventEmitter<TurnServerEvents> implements TurnServer, TurnServerCore {
  readonly counters = emptyStats();
  readonly allocations = new AllocationTable();
  readonly policy: PeerAddressPolicy;
  readonly nonces: NonceIssuer;
  readonly reservations = new Reservations();
  private readonly sendReader = new SendIndicationReader();
  private readonly tcpConnections = new Set<TcpClientConnection>();
  private udpSocket: UdpSocket | undefined;
  private udpOutput: UdpOutput | undefined;
  private tcpServer: TcpServer | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private bound: TurnServerAddresses | undefined;
  private allocationIds = 0;
  closing = false;

  constructor(readonly options: ResolvedTurnServerOptions) {
    super();
    this.policy = new PeerAddressPolicy(options);
    this.nonces = new NonceIssuer(options.nonceLifetimeSeconds * 1000, options.now);
  }

  get addresses(): TurnServerAddresses {
    if (this.bound === undefined) throw TurnError.notListening();
    return this.bound;
  }

  async listen(): Promise<TurnServerAddresses> {
    if (this.bound !== undefined) return this.bound;
    this.closing = false;
    const { host, port, udp, tcp } = this.options;
    const family = ipFamilyOf(host) as IpFamily;
    for (let attempt = 1; ; attempt++) {
      try {
        const udpSocket = udp ? await listenUdp(host, port, family) : undefined;
        const tcpPort = udpSocket?.address().port ?? port;
        let tcpServer: TcpServer | undefined;
        try {
          tcpServer = tcp ? await listenTcp(host, tcpPort) : undefined;
        } catch (error) {
          udpSocket?.close();
          throw error;
        }
        this.attach(udpSocket, tcpServer);
        break;
      } catch (error) {
        const retry = port === 0 && udp && tcp && attempt < SAME_PORT_ATTEMPTS && isAddressInUse(error);
        if (!retry) throw TurnError.listenFailed(`${host}:${port}`, error);
      }
    }
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs);
    this.sweepTimer.unref();
    return this.addresses;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const allocation of [...this.allocations.all]) this.deleteAllocation(allocation, 'server-closed');
    this.reservations.clear();
    for (const connection of this.tcpConnections) connection.socket.destroy();
    const udpSocket = this.udpSocket;
    const tcpServer = this.tcpServer;
    this.udpSocket = undefined;
    this.tcpServer = undefined;
    this.bound = undefined;
    await Promise.all([
      udpSocket === undefined ? undefined : new Promise<void>((resolve) => udpSocket.close(() => resolve())),
      tcpServer === undefined ? undefined : new Promise<void>((resolve) => tcpServer.close(() => resolve())),
    ]);
  }

  stats(): TurnServerStats {
    let permissions = 0;
    let channels = 0;
    for (const allocation of this.allocations.all) {
      permissions += allocation.permissionCount;
      channels += allocation.channelCount;
    }
    return {
      ...this.counters,
      allocationsActive: this.allocations.all.size,
      permissionsActive: permissions,
      channelsActive: channels,
      tcpConnectionsActive: this.tcpConnections.size,
    };
  }

  sweep(): void {
    const now = this.options.now();
    this.reservations.prune(now);
    for (const allocation of this.allocations.all) {
      if (allocation.expiresAt <= now) {
        this.deleteAllocation(allocation, 'expired');
        continue;
      }
      allocation.prune(now);
      if (allocation.startWindow()) this.emit('quotaExceeded', { userId: allocation.userId, kind: 'bandwidth' });
    }
  }

  // ---- TurnServerCore ----

  quotaFor(userId: string): Required<TurnQuota> {
    const custom = this.options.quota?.(userId);
    return {
      maxAllocations: custom?.maxAllocations ?? this.options.maxAllocationsPerUser,
      maxBytesPerSecond: custom?.maxBytesPerSecond ?? this.options.maxBytesPerSecondPerAllocation,
    };
  }

  nextAllocationId(): number {
    return ++this.allocationIds;
  }

  deleteAllocation(allocation: Allocation, reason: AllocationEndReason): void {
    if (!this.allocations.remove(allocation)) return;
    allocation.close();
    this.emit('allocationDeleted', {
      ...allocation.info,
      reason,
      bytesToPeers: allocation.bytesToPeers,
      bytesToClient: allocation.bytesToClient,
    });
  }

  // ---- transports ----

  private attach(udpSocket: UdpSocket | undefined, tcpServer: TcpServer | undefined): void {
    const addresses: { udp?: TransportAddress; tcp?: TransportAddress } = {};
    if (udpSocket !== undefined) {
      this.udpSocket = udpSocket;
      this.udpOutput = new UdpOutput(udpSocket);
      udpSocket.on('message', this.onUdpMessage);
      udpSocket.on('error', (error) => this.emit('internalError', error));
      const { address, port, family } = udpSocket.address();
      addresses.udp = { family: family as IpFamily, address, port };
    }
    if (tcpServer !== undefined) {
      this.tcpServer = tcpServer;
      tcpServer.on('connection', this.onTcpConnection);
      tcpServer.on('error', (error) => this.emit('internalError', error));
      const address = tcpServer.address();
      if (address !== null && typeof address === 'object') {
        addresses.tcp = { family: address.family as IpFamily, address: address.address, port: address.port };
      }
    }
    this.bound = addresses;
  }

  /** Every datagram on the listening port: ChannelData and Send indications take the relay path. */
  private readonly onUdpMessage = (message: Buffer, rinfo: RemoteInfo): void => {
    const first = message.length === 0 ? 0xff : (message[0] as number);
    if ((first & 0xc0) === 0x40) {
      const allocation = this.allocations.udpAllocation(rinfo.address, rinfo.port);
      if (allocation === undefined) this.counters.droppedPackets++;
      else allocation.relayChannelData(message);
      return;
    }
    if (!looksLikeStun(message)) {
      this.counters.malformedMessages++;
      return;
    }
    if (message.readUInt16BE(0) === SEND_INDICATION) {
      this.relaySendIndication(message, this.allocations.udpAllocation(rinfo.address, rinfo.port));
      return;
    }
    const output = this.udpOutput;
    if (output === undefined) return;
    const remote = { family: rinfo.family as IpFamily, address: rinfo.address, port: rinfo.port };
    this.handleStun(message, new UdpClientConnection(output, remote));
  };

  private readonly onTcpConnection = (socket: TcpSocket): void => {
    const { remoteAddress, remotePort, remoteFamily } = socket;
    if (
      this.tcpConnections.size >= this.options.maxTcpConnections ||
      remoteAddress === undefined ||
      remotePort === undefined
    ) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const connection = new TcpClientConnection(socket, {
      family: remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4',
      address: remoteAddress,
      port: remotePort,
    });
    this.tcpConnections.add(connection);
    const framer = new TurnStreamFramer((frame) => this.onTcpFrame(connection, frame));
    socket.setTimeout(this.options.tcpIdleTimeoutSeconds * 1000);
    socket.on('timeout', () => {
      if (this.allocations.of(connection) === undefined) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk);
      } catch (error) {
        if (isTurnError(error, 'TURN_MALFORMED_MESSAGE')) this.counters.malformedMessages++;
        else this.emit('internalError', toError(error));
        socket.destroy();
      }
    });
    // 'close' follows every error; there is nothing else to do with one.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connection.closed = true;
      this.tcpConnections.delete(connection);
      const allocation = this.allocations.of(connection);
      if (allocation !== undefined) this.deleteAllocation(allocation, 'connection-closed');
    });
  };

  private onTcpFrame(connection: TcpClientConnection, frame: Buffer): void {
    if (((frame[0] as number) & 0xc0) === 0x40) {
      const allocation = this.allocations.of(connection);
      if (allocation === undefined) this.counters.droppedPackets++;
      else allocation.relayChannelData(frame);
      return;
    }
    if (frame.readUInt16BE(0) === SEND_INDICATION) {
      this.relaySendIndication(frame, this.allocations.of(connection));
      return;
    }
    this.handleStun(frame, connection);
  }

  private relaySendIndication(message: Buffer, allocation: Allocation | undefined): void {
    if (allocation === undefined || !this.sendReader.read(message)) {
      this.counters.droppedPackets++;
      return;
    }
    allocation.relaySend(message, this.sendReader);
  }

  // ---- requests ----

  private handleStun(bytes: Buffer, connection: ClientConnection): void {
    let message: StunMessage;
    try {
      message = decodeStunMessage(bytes);
    } catch (error) {
      if (isTurnError(error, 'TURN_MALFORMED_MESSAGE')) this.counters.malformedMessages++;
      else this.emit('internalError', toError(error));
      return;
    }
    // Indications other than Send (e.g. Binding keep-alives) and responses need no answer.
    if (message.messageClass !== StunClass.Request) return;
    void this.handleRequest(new RequestContext(this, connection, message));
  }

  private async handleRequest(ctx: RequestContext): Promise<void> {
    try {
      const route = REQUEST_ROUTES.get(ctx.message.method);
      if (route === undefined) return ctx.error(StunErrorCode.BadRequest, 'unknown method');
      const unknown = ctx.message.unknownComprehensionRequired(KNOWN_REQUEST_ATTRIBUTES);
      if (unknown.length > 0) {
        return ctx.error(StunErrorCode.UnknownAttribute, undefined, (builder) =>
          builder.add(unknownAttributes, unknown),
        );
      }
      if (!route.authenticated) return await route.handle(ctx);
      this.counters.turnRequests++;
      const auth = await authenticate(ctx);
      if (auth === undefined) return;
      ctx.auth = auth;
      await route.handle(ctx, auth);
    } catch (error) {
      if (isTurnError(error, 'TURN_MALFORMED_MESSAGE')) {
        this.counters.malformedMessages++;
        ctx.error(StunErrorCode.BadRequest, 'malformed attribute');
        return;
      }
      this.emit('internalError', toError(error));
      try {
        ctx.error(StunErrorCode.ServerError);
      } catch {
        // The connection is gone; the error has been reported.
      }
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
