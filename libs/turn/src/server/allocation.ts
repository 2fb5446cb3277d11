import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { CHANNEL_DATA_HEADER_LENGTH, channelDataPayloadLength } from '../codec/channel-data.js';
import { MAGIC_COOKIE } from '../codec/constants.js';
import { numberToIpv4, type TransportAddress } from '../codec/ip-address.js';
import type { ClientConnection } from './client-connection.js';
import type { AllocationInfo, TurnServerStats } from './events.js';
import type { SendIndicationReader } from './send-indication-reader.js';

const COOKIE_HIGH = MAGIC_COOKIE >>> 16;
/** The largest UDP payload; relayed packets that would not fit once framed are dropped. */
const MAX_UDP_PAYLOAD = 65_507;
/** Data indication framing: header, XOR-PEER-ADDRESS, DATA header, up to 3 bytes of padding. */
const MAX_INDICATION_PAYLOAD = MAX_UDP_PAYLOAD - 36 - 3;
const MAX_CHANNEL_DATA_PAYLOAD = MAX_UDP_PAYLOAD - CHANNEL_DATA_HEADER_LENGTH - 3;

export interface Permission {
  /** The peer IPv4 address as a number, written into Data indications. */
  readonly ip: number;
  expiresAt: number;
}

export interface Channel {
  readonly number: number;
  readonly peerAddress: string;
  readonly peerPort: number;
  expiresAt: number;
}

export type ChannelBindOutcome = 'bound' | 'channel-taken' | 'peer-taken';

export interface AllocationInit {
  readonly id: number;
  readonly connection: ClientConnection;
  readonly username: string;
  readonly userId: string;
  readonly transactionId: Buffer;
  readonly relay: TransportAddress;
  readonly socket: UdpSocket;
  readonly expiresAt: number;
  /** Bytes this allocation may relay per sweep window; 0 means no limit. */
  readonly windowBudget: number;
  readonly stats: TurnServerStats;
  /** A relay socket error (e.g. a send refused by the kernel): reported, never thrown. */
  readonly onSocketError: (error: Error) => void;
}

/**
 * One allocation (RFC 8656 §2.2): a relay socket, the permissions and channels installed on it, and
 * the relay hot path in both directions. Expiry is applied by `prune()`, which the server calls on
 * its sweep, so the hot path only looks up maps and never reads the clock.
 */
export class Allocation {
  readonly id: number;
  readonly connection: ClientConnection;
  readonly username: string;
  readonly userId: string;
  /** The Allocate request's transaction ID, to answer its retransmissions again (RFC 8656 §7.2). */
  readonly transactionId: Buffer;
  readonly relay: TransportAddress;
  expiresAt: number;
  bytesToPeers = 0;
  bytesToClient = 0;

  /** Keyed by the peer IP as Node spells it in `rinfo.address`. */
  private readonly permissions = new Map<string, Permission>();
  private readonly channelsByNumber = new Map<number, Channel>();
  private readonly channelsByPeer = new Map<string, Map<number, Channel>>();
  private readonly socket: UdpSocket;
  private readonly windowBudget: number;
  private readonly stats: TurnServerStats;
  private readonly onSocketError: (error: Error) => void;
  private windowBytes = 0;
  private lastPeerIp = -1;
  private lastPeerAddress = '';
  private closed = false;

  constructor(init: AllocationInit) {
    this.id = init.id;
    this.connection = init.connection;
    this.username = init.username;
    this.userId = init.userId;
    this.transactionId = Buffer.from(init.transactionId);
    this.relay = init.relay;
    this.socket = init.socket;
    this.expiresAt = init.expiresAt;
    this.windowBudget = init.windowBudget;
    this.stats = init.stats;
    this.onSocketError = init.onSocketError;
    this.socket.on('message', this.onPeerDatagram);
    this.socket.on('error', init.onSocketError);
  }

  get info(): AllocationInfo {
    return {
      id: this.id,
      username: this.username,
      userId: this.userId,
      transport: this.connection.transport,
      client: this.connection.remote,
      relay: this.relay,
    };
  }

  get permissionCount(): number {
    return this.permissions.size;
  }

  get channelCount(): number {
    return this.channelsByNumber.size;
  }

  /** True while the bandwidth window is used up (reset by `startWindow`). */
  get overBudget(): boolean {
    return this.windowBudget !== 0 && this.windowBytes > this.windowBudget;
  }

  hasPermission(address: string): boolean {
    return this.permissions.has(address);
  }

  installPermission(address: string, ip: number, expiresAt: number): void {
    const existing = this.permissions.get(address);
    if (existing === undefined) this.permissions.set(address, { ip, expiresAt });
    else existing.expiresAt = expiresAt;
  }

  /** RFC 8656 §12.2: a channel number stays with one peer, a peer with one channel, while bound. */
  bindChannel(number: number, peer: TransportAddress, expiresAt: number): ChannelBindOutcome {
    const byNumber = this.channelsByNumber.get(number);
    const byPeer = this.channelsByPeer.get(peer.address)?.get(peer.port);
    if (byNumber !== undefined && byNumber !== byPeer) return 'channel-taken';
    if (byPeer !== undefined && byPeer.number !== number) return 'peer-taken';
    if (byNumber !== undefined) {
      byNumber.expiresAt = expiresAt;
      return 'bound';
    }
    const channel: Channel = { number, peerAddress: peer.address, peerPort: peer.port, expiresAt };
    this.channelsByNumber.set(number, channel);
    let ports = this.channelsByPeer.get(peer.address);
    if (ports === undefined) {
      ports = new Map();
      this.channelsByPeer.set(peer.address, ports);
    }
    ports.set(peer.port, channel);
    return 'bound';
  }

  /** Drops permissions and channels whose time has come. */
  prune(now: number): void {
    for (const [address, permission] of this.permissions) {
      if (permission.expiresAt <= now) this.permissions.delete(address);
    }
    for (const [number, channel] of this.channelsByNumber) {
      if (channel.expiresAt > now) continue;
      this.channelsByNumber.delete(number);
      const ports = this.channelsByPeer.get(channel.peerAddress);
      ports?.delete(channel.peerPort);
      if (ports?.size === 0) this.channelsByPeer.delete(channel.peerAddress);
    }
  }

  /** Starts a new bandwidth window; answers whether the one that ended went over budget. */
  startWindow(): boolean {
    const wasOver = this.overBudget;
    this.windowBytes = 0;
    return wasOver;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.off('message', this.onPeerDatagram);
    this.socket.close();
  }

  // ---- hot path: no allocation of our own, no clock, no generic decoding ----

  /** A ChannelData message from the client (a datagram, or a TCP frame with its padding). */
  relayChannelData(frame: Buffer): void {
    const length = channelDataPayloadLength(frame);
    const channel = length === -1 ? undefined : this.channelsByNumber.get(frame.readUInt16BE(0));
    if (channel === undefined || !this.permissions.has(channel.peerAddress) || !this.spend(length)) {
      this.stats.droppedPackets++;
      return;
    }
    this.sendToPeer(frame, CHANNEL_DATA_HEADER_LENGTH, length, channel.peerPort, channel.peerAddress);
  }

  /** A Send indication from the client, already read by `reader`. */
  relaySend(message: Buffer, reader: SendIndicationReader): void {
    const value = reader.peerOffset;
    // An IPv4 relay only reaches IPv4 peers (RFC 8656 §11.2: otherwise discarded).
    if (reader.peerLength !== 8 || message[value + 1] !== 0x01) {
      this.stats.droppedPackets++;
      return;
    }
    const port = message.readUInt16BE(value + 2) ^ COOKIE_HIGH;
    if (port === 0) {
      this.stats.droppedPackets++;
      return;
    }
    const ip = (message.readUInt32BE(value + 4) ^ MAGIC_COOKIE) >>> 0;
    if (ip !== this.lastPeerIp) {
      // Clients mostly talk to one peer in a row: one string per peer change, not per packet.
      this.lastPeerIp = ip;
      this.lastPeerAddress = numberToIpv4(ip);
    }
    if (!this.permissions.has(this.lastPeerAddress) || !this.spend(reader.dataLength)) {
      this.stats.droppedPackets++;
      return;
    }
    this.sendToPeer(message, reader.dataOffset, reader.dataLength, port, this.lastPeerAddress);
  }

  private readonly onPeerDatagram = (message: Buffer, rinfo: RemoteInfo): void => {
    const permission = this.permissions.get(rinfo.address);
    if (permission === undefined || !this.spend(message.length)) {
      this.stats.droppedPackets++;
      return;
    }
    const channel = this.channelsByPeer.get(rinfo.address)?.get(rinfo.port);
    let sent: boolean;
    if (channel !== undefined) {
      sent = message.length <= MAX_CHANNEL_DATA_PAYLOAD && this.connection.sendChannelData(channel.number, message);
    } else {
      sent =
        message.length <= MAX_INDICATION_PAYLOAD &&
        this.connection.sendDataIndication(permission.ip, rinfo.port, message);
    }
    if (!sent) {
      this.stats.droppedPackets++;
      return;
    }
    this.bytesToClient += message.length;
    this.stats.packetsToClients++;
    this.stats.bytesToClients += message.length;
  };

  private spend(bytes: number): boolean {
    if (this.windowBudget === 0) return true;
    this.windowBytes += bytes;
    return this.windowBytes <= this.windowBudget;
  }

  private sendToPeer(bytes: Buffer, offset: number, length: number, port: number, address: string): void {
    try {
      this.socket.send(bytes, offset, length, port, address);
    } catch (error) {
      // dgram throws synchronously on a closed socket or a bad port; one packet is lost, not the server.
      this.stats.droppedPackets++;
      this.onSocketError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.bytesToPeers += length;
    this.stats.packetsToPeers++;
    this.stats.bytesToPeers += length;
  }
}
