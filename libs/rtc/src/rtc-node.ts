import { toBase64Url } from '@shoal/identity';
import type { ErrorFrame, Peer, PresenceEntry, SignalDeliveryFrame } from '@shoal/protocol';
import { Emitter } from '@shoal/sdk';
import type { Channel } from './channel.js';
import { Connection } from './connection.js';
import type { ConnectionHost } from './connection.js';
import { RtcError } from './errors.js';
import { resolveRtcNodeOptions } from './options.js';
import type { RtcNodeOptions, ResolvedRtcNodeOptions } from './options.js';
import { PeerKeys } from './peer-keys.js';
import type { KeyChange } from './peer-keys.js';
import { PresenceBook } from './presence-book.js';

export interface RtcNodeEvents extends Record<string, unknown> {
  /** A new connection: one this device asked for, or an incoming one it accepted. */
  connection: Connection;
  /** A signal from another device was refused: a bad signature, an unknown key, the accept policy... */
  refused: { from: Peer; session: string; error: RtcError };
  /** A user this device knew has a device key it never saw (see `onKeyChange`). */
  'key-change': KeyChange;
  /** A device became visible online or offline. */
  presence: PresenceEntry;
  /** An unexpected failure while handling a connection (reported rather than thrown). */
  error: Error;
}

/** A device's connection to another device, or why there is none. */
export type DeviceResult = { deviceId: string; connection: Connection } | { deviceId: string; error: RtcError };

export type ChannelHandler = (channel: Channel, connection: Connection) => void;

/**
 * This device's peer connections: one per remote device, set up through the coordinator's
 * signalling, with every offer and answer verified against the sender's device key (trusted on
 * first use), incoming offers answered when the accept policy agrees, and channels routed to the
 * feature that registered their label. Create it before `signalling.connect()`, so that it sees
 * the presence snapshot of the first `ready`.
 */
export class RtcNode extends Emitter<RtcNodeEvents> {
  private readonly options: ResolvedRtcNodeOptions;
  private readonly connectionsById = new Map<string, Connection>();
  private readonly sessions = new Map<string, Connection>();
  private readonly handlers = new Map<string, ChannelHandler>();
  private readonly presenceBook = new PresenceBook();
  private readonly peerKeys: PeerKeys;
  private readonly unsubscribe: (() => void)[];
  private readonly host: ConnectionHost;
  private isClosed = false;

  constructor(options: RtcNodeOptions) {
    super();
    this.options = resolveRtcNodeOptions(options);
    const o = this.options;
    this.peerKeys = new PeerKeys(o.keys, o.trust, o.onKeyChange, (change) => this.emit('key-change', change));
    this.host = {
      self: o.deviceId,
      timings: o,
      links: o.links,
      iceServers: () => o.iceServers(),
      sendSignal: (signal) => o.signalling.signal(signal),
      newSession: () => toBase64Url(crypto.getRandomValues(new Uint8Array(12))),
      keyOf: (peer) => this.peerKeys.keyOf(peer),
      accept: async (request) => o.accept(request),
      dispatchChannel: (channel, connection) => {
        const handler = this.handlers.get(channel.label);
        if (!handler) return false;
        handler(channel, connection);
        return true;
      },
      sessionStarted: (session, connection) => this.sessions.set(session, connection),
      sessionEnded: (session) => this.sessions.delete(session),
      accepted: (connection) => this.emit('connection', connection),
      refused: (event) => this.emit('refused', event),
      report: (report) => o.signalling.report?.(report),
      failed: (error) => this.emit('error', error instanceof Error ? error : new Error(String(error))),
      ended: (connection) => {
        if (this.connectionsById.get(connection.deviceId) === connection)
          this.connectionsById.delete(connection.deviceId);
      },
    };
    this.unsubscribe = [
      o.signalling.on('signal', (frame) => this.route(frame)),
      o.signalling.on('ready', (ready) => {
        const fresh = ready.presence.filter((e) => !this.presenceBook.isOnline(e.deviceId));
        for (const gone of this.presenceBook.reset(ready.presence)) this.presenceChanged(gone);
        for (const entry of fresh) this.emit('presence', entry);
      }),
      o.signalling.on('presence', (frame) => {
        const { v: _v, type: _type, seq: _seq, ...entry } = frame;
        this.presenceBook.update(entry);
        this.presenceChanged(entry);
      }),
      o.signalling.on('error', (frame) => this.signalError(frame)),
    ];
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** Connects to a device (or returns the connection there is) and waits until it carries data. */
  async connect(deviceId: string, peer?: Peer): Promise<Connection> {
    if (this.isClosed) throw RtcError.closed('the node');
    if (deviceId === this.options.deviceId) {
      throw new RtcError('RTC_UNKNOWN_DEVICE', 'a device cannot connect to itself');
    }
    let connection = this.connectionsById.get(deviceId);
    if (!connection || connection.state === 'closed') {
      connection = new Connection(this.host, deviceId, true, peer);
      this.connectionsById.set(deviceId, connection);
      this.emit('connection', connection);
      connection.dial();
    }
    await connection.ready();
    return connection;
  }

  /**
   * Connects to every device of `username` that is online (as presence shows it, or, for someone
   * whose presence this device may not see, every registered device), at once.
   */
  async connectUser(username: string): Promise<DeviceResult[]> {
    const name = username.replace(/^@/, '');
    const targets = new Set<string>(this.presenceBook.devices(name).map((e) => e.deviceId));
    for (const c of this.connectionsById.values()) {
      if (c.peer?.username === name && c.state !== 'closed') targets.add(c.deviceId);
    }
    if (targets.size === 0) {
      const listed = await this.options.keys.ofUser(name);
      for (const device of listed.devices) targets.add(device.id);
    }
    targets.delete(this.options.deviceId);
    return Promise.all(
      [...targets].map(async (deviceId): Promise<DeviceResult> => {
        const entry = this.presenceBook.devices(name).find((e) => e.deviceId === deviceId);
        try {
          const peer = entry ? { deviceId, userId: entry.userId, username: name } : undefined;
          return { deviceId, connection: await this.connect(deviceId, peer) };
        } catch (error) {
          return {
            deviceId,
            error: error instanceof RtcError ? error : new RtcError('RTC_INTERNAL', String(error)),
          };
        }
      }),
    );
  }

  /** The connection to a device, if there is one. */
  connection(deviceId: string): Connection | undefined {
    return this.connectionsById.get(deviceId);
  }

  connections(): Connection[] {
    return [...this.connectionsById.values()];
  }

  /** Online devices this device may see, of one user or of all. */
  onlineDevices(username?: string): PresenceEntry[] {
    return this.presenceBook.devices(username?.replace(/^@/, ''));
  }

  /** Routes incoming channels labelled `label` to `handler`; returns a function that stops it. */
  handle(label: string, handler: ChannelHandler): () => void {
    this.handlers.set(label, handler);
    return () => {
      if (this.handlers.get(label) === handler) this.handlers.delete(label);
    };
  }

  /** Hangs up every connection and stops listening to signalling (which the caller closes). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const off of this.unsubscribe) off();
    await Promise.all([...this.connectionsById.values()].map((c) => c.close()));
  }

  private route(frame: SignalDeliveryFrame): void {
    if (this.isClosed) return;
    const deviceId = frame.from.deviceId;
    let connection = this.connectionsById.get(deviceId);
    if (!connection || connection.state === 'closed') {
      // Only an offer starts a connection; anything else for an unknown one is stale.
      if (frame.kind !== 'offer') return;
      connection = new Connection(this.host, deviceId, false, frame.from);
      this.connectionsById.set(deviceId, connection);
    }
    connection.receive(frame);
  }

  private signalError(frame: ErrorFrame): void {
    if (!frame.ref) return;
    const connection = this.sessions.get(frame.ref);
    connection?.signalFailed(frame.ref, RtcError.fromSignalling(frame.code, frame.message));
  }

  private presenceChanged(entry: PresenceEntry): void {
    this.emit('presence', entry);
    if (entry.status === 'offline') this.connectionsById.get(entry.deviceId)?.peerOffline();
  }
}
