import type { Socket as UdpSocket } from 'node:dgram';
import type { Socket as TcpSocket } from 'node:net';
import type { ClientTransport } from '../auth/authenticator.js';
import { unmapIpv4, type TransportAddress } from '../codec/ip-address.js';
import { paddingFor, RelayFrameWriter } from './relay-frame-writer.js';

/** Beyond this many bytes waiting for a slow reader, relayed packets are dropped (UDP semantics). */
const MAX_TCP_BACKLOG = 1 << 20;
/** Beyond this many datagrams queued in libuv, relayed packets are dropped. */
const MAX_UDP_SEND_QUEUE = 256;

/**
 * The client side of a 5-tuple: where responses and relayed data go. The `send*` methods return
 * false when the packet was dropped because the connection is closed or backed up.
 */
export interface ClientConnection {
  readonly transport: ClientTransport;
  readonly remote: TransportAddress;
  /** Names the 5-tuple; nonces are bound to it. */
  readonly key: string;
  /** The client's address as XOR-MAPPED-ADDRESS reports it (IPv4 even on a dual-stack socket). */
  readonly reflexive: TransportAddress;
  /** True once a TCP connection has closed; a UDP client never closes. */
  readonly closed: boolean;
  send(message: Buffer): boolean;
  sendChannelData(channel: number, payload: Buffer): boolean;
  sendDataIndication(peerIp: number, peerPort: number, payload: Buffer): boolean;
}

/** Shared by every UDP client of one listening socket: its reusable relay buffers. */
export class UdpOutput {
  readonly writer: RelayFrameWriter;
  /**
   * Buffer lists handed to `socket.send`, reused: dgram copies the list into its own array before
   * `send` returns, so only the buffers in it need to outlive the call.
   */
  readonly pair: Buffer[] = [];
  readonly triple: Buffer[] = [];

  constructor(readonly socket: UdpSocket) {
    this.writer = new RelayFrameWriter(() => socket.getSendQueueCount() > 0);
  }

  get backedUp(): boolean {
    return this.socket.getSendQueueCount() > MAX_UDP_SEND_QUEUE;
  }
}

export class UdpClientConnection implements ClientConnection {
  readonly transport = 'udp';
  readonly key: string;
  readonly reflexive: TransportAddress;
  readonly closed = false;

  constructor(
    private readonly output: UdpOutput,
    readonly remote: TransportAddress,
  ) {
    this.key = `udp/${remote.address}/${remote.port}`;
    this.reflexive = unmapIpv4(remote);
  }

  send(message: Buffer): boolean {
    return this.sendFrame(message);
  }

  sendChannelData(channel: number, payload: Buffer): boolean {
    if (this.output.backedUp) return false;
    const { pair, writer } = this.output;
    pair[0] = writer.channelDataHeader(channel, payload.length);
    pair[1] = payload;
    return this.sendFrame(pair);
  }

  sendDataIndication(peerIp: number, peerPort: number, payload: Buffer): boolean {
    if (this.output.backedUp) return false;
    const { pair, triple, writer } = this.output;
    const padding = paddingFor(payload.length);
    const frame = padding === undefined ? pair : triple;
    frame[0] = writer.dataIndicationPrefix(peerIp, peerPort, payload.length);
    frame[1] = payload;
    if (padding !== undefined) frame[2] = padding;
    return this.sendFrame(frame);
  }

  private sendFrame(frame: Buffer | Buffer[]): boolean {
    try {
      this.output.socket.send(frame, this.remote.port, this.remote.address);
      return true;
    } catch {
      // The listening socket closed under us (server shutting down): the packet is dropped.
      return false;
    }
  }
}

export class TcpClientConnection implements ClientConnection {
  readonly transport = 'tcp';
  readonly key: string;
  readonly reflexive: TransportAddress;
  closed = false;
  private readonly writer: RelayFrameWriter;

  constructor(
    readonly socket: TcpSocket,
    readonly remote: TransportAddress,
  ) {
    this.key = `tcp/${remote.address}/${remote.port}`;
    this.reflexive = unmapIpv4(remote);
    this.writer = new RelayFrameWriter(() => socket.writableLength > 0);
  }

  private get writable(): boolean {
    return !this.socket.destroyed && this.socket.writable && this.socket.writableLength <= MAX_TCP_BACKLOG;
  }

  send(message: Buffer): boolean {
    if (!this.writable) return false;
    this.socket.write(message);
    return true;
  }

  /** RFC 8656 §12.5: over TCP, ChannelData is padded to a multiple of 4 bytes. */
  sendChannelData(channel: number, payload: Buffer): boolean {
    if (!this.writable) return false;
    const header = this.writer.channelDataHeader(channel, payload.length);
    this.writeFramed(header, payload);
    return true;
  }

  sendDataIndication(peerIp: number, peerPort: number, payload: Buffer): boolean {
    if (!this.writable) return false;
    this.writeFramed(this.writer.dataIndicationPrefix(peerIp, peerPort, payload.length), payload);
    return true;
  }

  private writeFramed(prefix: Buffer, payload: Buffer): void {
    const padding = paddingFor(payload.length);
    this.socket.cork();
    this.socket.write(prefix);
    this.socket.write(payload);
    if (padding !== undefined) this.socket.write(padding);
    this.socket.uncork();
  }
}
