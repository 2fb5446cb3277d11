import type { Peer, SignalDeliveryFrame } from '@shoal/protocol';
import type { OutgoingSignal } from '@shoal/sdk';
import { Emitter } from '@shoal/sdk';
import type { ConnectionPath } from './candidate-path.js';
import { Channel } from './channel.js';
import { RtcError } from './errors.js';
import { CONTROL_LABEL, Link } from './link.js';
import type { LinkRole, LinkTimings } from './link.js';
import type { CandidateType, ChannelInit, IceServer, PeerLinkFactory, TransportProtocol } from './peer-link.js';
import type { PeerIdentity } from './peer-keys.js';
import { verifySignal } from './signal-verifier.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionEvents extends Record<string, unknown> {
  state: ConnectionState;
  /** The path of the current link, once it is known (again after every reconnect). */
  path: ConnectionPath;
  /** A link dropped without a hang-up (the connection then reconnects, unless told not to). */
  'link-lost': { session: string; reason: string };
  /** A channel the other device opened that no handler registered with `RtcNode.handle` took. */
  channel: Channel;
  /** The connection ended: `error` says why, unless one side hung up. */
  closed: { error?: RtcError };
}

/** What a connection needs from its node; narrow, so that the connection is testable alone. */
export interface ConnectionHost {
  readonly self: string;
  readonly timings: LinkTimings & {
    connectTimeoutMs: number;
    reconnect: boolean;
    reconnectWindowMs: number;
    maxSkewMs: number;
  };
  readonly links: PeerLinkFactory;
  iceServers(): Promise<IceServer[]>;
  sendSignal(signal: OutgoingSignal): void;
  newSession(): string;
  keyOf(peer: PeerIdentity): Promise<string>;
  /** The accept policy, asked once per incoming connection. */
  accept(request: { from: Peer; firstContact: boolean }): Promise<boolean>;
  /** Offers the channel to the node's handlers; false if none took it. */
  dispatchChannel(channel: Channel, connection: Connection): boolean;
  /** Bookkeeping: sessions route error frames, acceptance and closing update the node's map. */
  sessionStarted(session: string, connection: Connection): void;
  sessionEnded(session: string): void;
  accepted(connection: Connection): void;
  refused(event: { from: Peer; session: string; error: RtcError }): void;
  ended(connection: Connection): void;
  /** How an attempt this side offered ended, for the coordinator's metrics. */
  report(report: AttemptReport): void;
  /** Something failed that should not have (a bug, or the platform misbehaving). */
  failed(error: unknown): void;
}

export interface AttemptReport {
  session: string;
  outcome: 'connected' | 'failed';
  path?: { local: CandidateType; remote: CandidateType; protocol: TransportProtocol };
  ms: number;
}

/** Codes after which trying again cannot help. */
const FINAL: ReadonlySet<string> = new Set([
  'RTC_BAD_SIGNATURE',
  'RTC_STALE_SIGNAL',
  'RTC_KEY_CHANGED',
  'RTC_UNKNOWN_KEY',
  'RTC_REFUSED',
  'RTC_PEER_OFFLINE',
  'RTC_UNKNOWN_DEVICE',
]);

/**
 * The connection to one other device, shared by every feature: channels are opened on it, and
 * it outlives its links: when a link drops it negotiates a new one over signalling. Signals from
 * the other device are handled one at a time, in order.
 */
export class Connection extends Emitter<ConnectionEvents> {
  private stateValue: ConnectionState = 'connecting';
  private link: Link | undefined;
  private peerValue: Peer | undefined;
  private isAccepted: boolean;
  private queue: Promise<void> = Promise.resolve();
  private readonly seenSessions = new Set<string>();
  private readonly strayCandidates = new Map<string, SignalDeliveryFrame[]>();
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDeadline = 0;
  private attempts = 0;
  private lastPath: ConnectionPath | undefined;
  private closeError: RtcError | undefined;

  constructor(
    private readonly host: ConnectionHost,
    readonly deviceId: string,
    /** True when this side asked for the connection. */
    readonly initiator: boolean,
    peer?: Peer,
  ) {
    super();
    this.peerValue = peer;
    this.isAccepted = initiator;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Who is on the other side, once a signal told it (or the caller knew). */
  get peer(): Peer | undefined {
    return this.peerValue;
  }

  /** The session id of the current link. */
  get session(): string | undefined {
    return this.link?.session;
  }

  /** The path of the current link, with the last measured round-trip time. */
  get path(): ConnectionPath | undefined {
    return this.stateValue === 'connected' ? this.lastPath : undefined;
  }

  /** Resolves when connected (at once if it is); rejects when the connection ends first. */
  ready(timeoutMs = this.host.timings.connectTimeoutMs): Promise<void> {
    if (this.stateValue === 'connected') return Promise.resolve();
    if (this.stateValue === 'closed') return Promise.reject(this.closeError ?? RtcError.closed());
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        offs.forEach((off) => off());
        reject(RtcError.timeout(`connecting to device ${this.deviceId}`));
      }, timeoutMs);
      const offs = [
        this.on('state', (state) => {
          if (state !== 'connected') return;
          clearTimeout(timer);
          offs.forEach((off) => off());
          resolve();
        }),
        this.on('closed', ({ error }) => {
          clearTimeout(timer);
          offs.forEach((off) => off());
          reject(error ?? RtcError.closed());
        }),
      ];
    });
  }

  /** Opens a data channel to the other device; waits for the connection (and a reconnect) first. */
  async openChannel(
    label: string,
    init?: ChannelInit,
    timeoutMs = this.host.timings.connectTimeoutMs,
  ): Promise<Channel> {
    if (label === CONTROL_LABEL) throw new RtcError('RTC_INTERNAL', `${CONTROL_LABEL} is reserved`);
    await this.ready(timeoutMs);
    const channel = new Channel(this.link!.createChannel(label, init));
    await channel.opened(timeoutMs);
    return channel;
  }

  /** Measures the round-trip time over the data channel, in milliseconds. */
  async ping(timeoutMs = 5_000): Promise<number> {
    await this.ready(timeoutMs);
    const rtt = await this.link!.ping(timeoutMs);
    if (this.lastPath) this.lastPath = { ...this.lastPath, rttMs: rtt };
    return rtt;
  }

  /** Hangs up: the other side is told (in-band and by signal) and does not reconnect. */
  async close(): Promise<void> {
    await this.finish(undefined, { bye: true });
  }

  // ------------------------------------------------------------------ driven by the node

  /** Starts the first offer of an outgoing connection. */
  dial(): void {
    this.enqueue(() => this.startOffer());
  }

  receive(frame: SignalDeliveryFrame): void {
    this.peerValue ??= frame.from;
    this.enqueue(() => this.handle(frame));
  }

  /** The coordinator refused a signal of `session` (the device is offline, unknown...). */
  signalFailed(session: string, error: RtcError): void {
    this.enqueue(async () => {
      if (this.link?.session === session && this.link.status !== 'connected')
        await this.attemptFailed(this.link, error);
    });
  }

  /** Presence says the other device went offline: no point in reconnecting. */
  peerOffline(): void {
    this.enqueue(async () => {
      if (this.stateValue === 'reconnecting' && !this.link) {
        await this.finish(new RtcError('RTC_PEER_OFFLINE', `device ${this.deviceId} went offline`), { bye: false });
      }
    });
  }

  // ------------------------------------------------------------------ signals

  private enqueue(task: () => Promise<void>): void {
    // Expected failures are handled where they happen; anything else is reported, never thrown
    // at the caller (signals arrive from the network) and never allowed to stop the queue.
    this.queue = this.queue.then(task).catch((error: unknown) => this.host.failed(error));
  }

  private async handle(frame: SignalDeliveryFrame): Promise<void> {
    if (this.stateValue === 'closed') return;
    switch (frame.kind) {
      case 'offer':
        return this.handleOffer(frame);
      case 'answer':
        return this.handleAnswer(frame);
      case 'candidate':
        return this.handleCandidate(frame);
      case 'hangup':
        return this.handleHangup(frame);
    }
  }

  private async verified(frame: SignalDeliveryFrame): Promise<void> {
    const key = await this.host.keyOf({
      deviceId: frame.from.deviceId,
      username: frame.from.username,
      userId: frame.from.userId,
    });
    verifySignal(frame, this.host.self, key, { maxSkewMs: this.host.timings.maxSkewMs });
  }

  private async handleOffer(frame: SignalDeliveryFrame): Promise<void> {
    if (this.seenSessions.has(frame.session)) return;
    this.remember(frame.session);
    try {
      await this.verified(frame);
    } catch (error) {
      await this.refuseOffer(frame, asRtcError(error));
      return;
    }
    if (!this.isAccepted) {
      // A policy that throws refuses.
      const ok = await this.host.accept({ from: frame.from, firstContact: frame.firstContact }).catch(() => false);
      if (!ok) {
        await this.refuseOffer(
          frame,
          new RtcError('RTC_REFUSED', `refused the connection from ${frame.from.username} (${frame.from.deviceId})`),
        );
        return;
      }
      this.isAccepted = true;
      this.host.accepted(this);
    }
    if (this.stateValue === 'closed') return;

    const current = this.link;
    if (current?.role === 'offerer' && current.status === 'negotiating') {
      // Glare: both offered at once. The lower device id's offer wins on both sides.
      if (this.host.self < this.deviceId) return;
      await this.dropLink(current, { hangup: false });
    } else if (current) {
      // The other side started over (it lost the link, or restarted): follow it.
      await this.dropLink(current, { hangup: false });
    }

    const link = await this.newLink(frame.session, 'answerer');
    if (!link) return;
    try {
      const answer = await link.answer(frame.sdp!);
      if (!this.isCurrent(link)) return;
      this.host.sendSignal({
        to: this.deviceId,
        session: link.session,
        kind: 'answer',
        sdp: answer,
        ref: link.session,
      });
      link.signalled();
      this.flushStray(link);
    } catch (error) {
      await this.attemptFailed(link, asRtcError(error));
    }
  }

  private async refuseOffer(frame: SignalDeliveryFrame, error: RtcError): Promise<void> {
    this.host.sendSignal({ to: this.deviceId, session: frame.session, kind: 'hangup' });
    this.host.refused({ from: frame.from, session: frame.session, error });
    // An offer that fails checks never ends a working connection: it is only ignored.
    if (!this.link && this.stateValue === 'connecting') await this.finish(error, { bye: false, hangup: false });
  }

  private async handleAnswer(frame: SignalDeliveryFrame): Promise<void> {
    const link = this.link;
    if (!link || link.session !== frame.session || link.role !== 'offerer' || link.answered) return;
    link.answered = true;
    try {
      await this.verified(frame);
    } catch (error) {
      const rtcError = asRtcError(error);
      this.host.refused({ from: frame.from, session: frame.session, error: rtcError });
      await this.attemptFailed(link, rtcError);
      return;
    }
    if (!this.isCurrent(link)) return;
    try {
      await link.acceptAnswer(frame.sdp!);
      this.flushStray(link);
    } catch (error) {
      await this.attemptFailed(link, asRtcError(error));
    }
  }

  private async handleCandidate(frame: SignalDeliveryFrame): Promise<void> {
    if (!frame.candidate) return;
    if (this.link?.session === frame.session) {
      this.link.addRemoteCandidate(frame.candidate);
      return;
    }
    if (this.seenSessions.has(frame.session)) return;
    // A candidate ahead of its offer (or of an answer still on its way): keep a few.
    let list = this.strayCandidates.get(frame.session);
    if (!list) {
      if (this.strayCandidates.size >= 4) this.strayCandidates.delete(this.strayCandidates.keys().next().value!);
      list = [];
      this.strayCandidates.set(frame.session, list);
    }
    if (list.length < 32) list.push(frame);
  }

  private async handleHangup(frame: SignalDeliveryFrame): Promise<void> {
    this.strayCandidates.delete(frame.session);
    const link = this.link;
    if (!link || link.session !== frame.session) return;
    if (link.status === 'connected') {
      await this.finish(undefined, { bye: false, hangup: false });
      return;
    }
    if (link.role === 'offerer') {
      await this.attemptFailed(link, RtcError.refused(this.deviceId), { hangup: false });
      return;
    }
    // The other side gave up on its own offer.
    await this.dropLink(link, { hangup: false });
    if (this.stateValue === 'reconnecting') this.scheduleReconnect();
    else if (this.stateValue === 'connecting')
      await this.finish(RtcError.refused(this.deviceId), { bye: false, hangup: false });
  }

  // ------------------------------------------------------------------ links

  private async startOffer(): Promise<void> {
    if (this.stateValue === 'closed' || this.link) return;
    const link = await this.newLink(this.host.newSession(), 'offerer');
    if (!link) return;
    this.remember(link.session);
    try {
      const offer = await link.offer();
      if (!this.isCurrent(link)) return;
      this.host.sendSignal({ to: this.deviceId, session: link.session, kind: 'offer', sdp: offer, ref: link.session });
      link.signalled();
    } catch (error) {
      await this.attemptFailed(link, asRtcError(error));
    }
  }

  private async newLink(session: string, role: LinkRole): Promise<Link | undefined> {
    const iceServers = await this.host.iceServers().catch(() => []);
    if (this.stateValue === 'closed') return undefined;
    const link: Link = new Link(
      session,
      role,
      (handlers) => this.host.links({ iceServers, handlers }),
      {
        candidate: (candidate) =>
          this.host.sendSignal({ to: this.deviceId, session, kind: 'candidate', candidate, ref: session }),
        connected: () => this.enqueue(async () => this.linkConnected(link)),
        lost: (reason, bye) => this.enqueue(async () => this.linkLost(link, reason, bye)),
        channel: (raw) => {
          const channel = new Channel(raw);
          if (!this.host.dispatchChannel(channel, this)) this.emit('channel', channel);
        },
      },
      this.host.timings,
    );
    this.link = link;
    this.host.sessionStarted(session, this);
    clearTimeout(this.attemptTimer);
    this.attemptTimer = setTimeout(
      () =>
        this.enqueue(async () => {
          if (this.link === link && link.status === 'negotiating') {
            await this.attemptFailed(link, RtcError.timeout(`connecting to device ${this.deviceId}`));
          }
        }),
      this.host.timings.connectTimeoutMs,
    );
    return link;
  }

  private linkConnected(link: Link): void {
    if (!this.isCurrent(link) || this.stateValue === 'closed') return;
    clearTimeout(this.attemptTimer);
    link.connectedAfterMs = performance.now() - link.startedAt;
    this.attempts = 0;
    this.lastPath = undefined;
    this.setState('connected');
    void this.measurePath(link);
  }

  private async measurePath(link: Link): Promise<void> {
    const rtt = await link.ping(5_000).catch(() => undefined);
    const path = await link.path(rtt).catch(() => undefined);
    if (link.role === 'offerer' && !link.reported) {
      link.reported = true;
      this.host.report({
        session: link.session,
        outcome: 'connected',
        ...(path ? { path: { local: path.local.type, remote: path.remote.type, protocol: path.protocol } } : {}),
        ms: link.connectedAfterMs ?? 0,
      });
    }
    if (!path || !this.isCurrent(link) || this.stateValue !== 'connected') return;
    this.lastPath = path;
    this.emit('path', path);
  }

  /** An attempt this side offered could not connect (refusals and offline peers are no such thing). */
  private reportFailure(link: Link): void {
    if (link.role !== 'offerer' || link.reported || link.connectedAfterMs !== undefined) return;
    link.reported = true;
    this.host.report({ session: link.session, outcome: 'failed', ms: performance.now() - link.startedAt });
  }

  private async linkLost(link: Link, reason: string, bye: boolean): Promise<void> {
    this.reportFailure(link);
    if (!this.isCurrent(link)) return;
    this.link = undefined;
    this.host.sessionEnded(link.session);
    if (bye) {
      await this.finish(undefined, { bye: false, hangup: false });
      return;
    }
    this.emit('link-lost', { session: link.session, reason });
    if (!this.host.timings.reconnect) {
      await this.finish(new RtcError('RTC_CLOSED', `the link to device ${this.deviceId} dropped`), { bye: false });
      return;
    }
    if (this.stateValue !== 'reconnecting') {
      this.reconnectDeadline = Date.now() + this.host.timings.reconnectWindowMs;
      this.attempts = 0;
      this.setState('reconnecting');
    }
    this.scheduleReconnect();
  }

  private async attemptFailed(link: Link, error: RtcError, options: { hangup?: boolean } = {}): Promise<void> {
    if (!this.isCurrent(link)) return;
    if (error.code === 'RTC_TIMEOUT' || error.code === 'RTC_INTERNAL') this.reportFailure(link);
    await this.dropLink(link, { hangup: options.hangup ?? true });
    if (this.stateValue === 'connecting' || FINAL.has(error.code)) {
      await this.finish(error, { bye: false, hangup: false });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stateValue !== 'reconnecting' || this.reconnectTimer) return;
    if (Date.now() > this.reconnectDeadline) {
      void this.finish(RtcError.timeout(`reconnecting to device ${this.deviceId}`), { bye: false });
      return;
    }
    // The lower device id offers first; the other waits a little, so that the two rarely collide.
    const first = this.host.self < this.deviceId ? 100 : 1_000;
    const delay = this.attempts === 0 ? first : Math.min(500 * 2 ** this.attempts, 8_000);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.enqueue(() => this.startOffer());
    }, delay);
  }

  private async dropLink(link: Link, options: { hangup: boolean }): Promise<void> {
    if (this.isCurrent(link)) this.link = undefined;
    clearTimeout(this.attemptTimer);
    this.host.sessionEnded(link.session);
    if (options.hangup) this.host.sendSignal({ to: this.deviceId, session: link.session, kind: 'hangup' });
    await link.close({ bye: false });
  }

  /** Async steps re-check this: the link they worked on may have been replaced meanwhile. */
  private isCurrent(link: Link): boolean {
    return this.link === link;
  }

  private flushStray(link: Link): void {
    const stray = this.strayCandidates.get(link.session);
    this.strayCandidates.delete(link.session);
    for (const frame of stray ?? []) link.addRemoteCandidate(frame.candidate!);
  }

  private remember(session: string): void {
    this.seenSessions.add(session);
    if (this.seenSessions.size > 64) this.seenSessions.delete(this.seenSessions.values().next().value!);
  }

  private async finish(error: RtcError | undefined, options: { bye: boolean; hangup?: boolean }): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.closeError = error;
    clearTimeout(this.attemptTimer);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const link = this.link;
    this.link = undefined;
    this.setState('closed');
    if (link) {
      this.host.sessionEnded(link.session);
      if (options.hangup ?? true) this.host.sendSignal({ to: this.deviceId, session: link.session, kind: 'hangup' });
      await link.close({ bye: options.bye });
    }
    this.host.ended(this);
    this.emit('closed', error ? { error } : {});
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }
}

function asRtcError(error: unknown): RtcError {
  if (error instanceof RtcError) return error;
  return new RtcError('RTC_INTERNAL', (error as Error)?.message ?? String(error), { cause: error });
}
