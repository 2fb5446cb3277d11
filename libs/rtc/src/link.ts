import { parseCandidate, pathOf, refineCandidate } from './candidate-path.js';
import type { ConnectionPath } from './candidate-path.js';
import { Channel } from './channel.js';
import { RtcError } from './errors.js';
import type { CandidateInfo, ChannelInit, LinkCandidate, LinkState, PeerLink, RawChannel } from './peer-link.js';

/** The channel every link opens first: liveness, round-trip times and a polite goodbye. */
export const CONTROL_LABEL = 'shoal/control';

export type LinkRole = 'offerer' | 'answerer';

export interface LinkTimings {
  /** A ping on the control channel this often. */
  keepaliveMs: number;
  /** Nothing heard on the control channel for this long: the link is dead. */
  deadAfterMs: number;
  /** ICE `disconnected` for this long without recovering: the link is dead. */
  disconnectedGraceMs: number;
}

export interface LinkEvents {
  /** A local ICE candidate to signal (only after `signalled()`: the offer or answer goes first). */
  candidate(candidate: LinkCandidate): void;
  /** The control channel is open: the link carries data. */
  connected(): void;
  /** The link ended without us closing it; `bye` when the other side said goodbye first. */
  lost(reason: string, bye: boolean): void;
  /** A channel the other side opened. */
  channel(raw: RawChannel): void;
}

type ControlMessage = { t: 'ping'; id: number } | { t: 'pong'; id: number } | { t: 'bye' };

/**
 * One negotiation between two devices (one session id) and the WebRTC link it makes. A
 * connection goes through several links over its life: one at a time, a new one after a drop.
 */
export class Link {
  status: 'negotiating' | 'connected' | 'closed' = 'negotiating';
  /** When the negotiation started (performance.now()), and how long it took to connect. */
  readonly startedAt = performance.now();
  connectedAfterMs: number | undefined;
  /** The outcome was reported to the coordinator (offerers report, once). */
  reported = false;
  /** The answer (offerer) or the offer (answerer) was applied. */
  answered = false;
  private control: Channel | undefined;
  private remoteDescribed = false;
  private readonly pendingRemote: LinkCandidate[] = [];
  private readonly pendingLocal: LinkCandidate[] = [];
  private isSignalled = false;
  private readonly remoteCandidates: CandidateInfo[] = [];
  private readonly localCandidates: CandidateInfo[] = [];
  private lastHeard = 0;
  private keepalive: ReturnType<typeof setInterval> | undefined;
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pings = new Map<number, { started: number; resolve(rtt: number): void; reject(e: Error): void }>();
  private nextPing = 1;
  private remoteBye = false;
  private readonly peer: PeerLink;

  constructor(
    readonly session: string,
    readonly role: LinkRole,
    create: (handlers: {
      candidate(c: LinkCandidate): void;
      state(s: LinkState): void;
      channel(raw: RawChannel): void;
    }) => PeerLink,
    private readonly events: LinkEvents,
    private readonly timings: LinkTimings,
  ) {
    this.peer = create({
      candidate: (candidate) => this.localCandidate(candidate),
      state: (state) => this.stateChanged(state),
      channel: (raw) => {
        if (this.status === 'closed') return;
        if (raw.label === CONTROL_LABEL && !this.control) this.attachControl(raw);
        else this.events.channel(raw);
      },
    });
  }

  /** Makes the offer (the control channel first, so that the offer negotiates data channels). */
  async offer(): Promise<string> {
    this.attachControl(this.peer.createChannel(CONTROL_LABEL));
    return this.peer.createOffer();
  }

  async answer(offer: string): Promise<string> {
    const sdp = await this.peer.acceptOffer(offer);
    this.answered = true;
    this.remoteReady();
    return sdp;
  }

  async acceptAnswer(answer: string): Promise<void> {
    await this.peer.acceptAnswer(answer);
    this.remoteReady();
  }

  /** The offer or answer went out: local candidates may follow it now. */
  signalled(): void {
    this.isSignalled = true;
    for (const candidate of this.pendingLocal.splice(0)) this.events.candidate(candidate);
  }

  addRemoteCandidate(candidate: LinkCandidate): void {
    if (this.status === 'closed') return;
    const info = parseCandidate(candidate.candidate);
    if (info) this.remoteCandidates.push(info);
    if (this.remoteDescribed) this.peer.addRemoteCandidate(candidate);
    else if (this.pendingRemote.length < 64) this.pendingRemote.push(candidate);
  }

  createChannel(label: string, init?: ChannelInit): RawChannel {
    if (this.status !== 'connected') throw RtcError.closed('the link');
    return this.peer.createChannel(label, init);
  }

  /** Round-trip time over the control channel, in milliseconds. */
  ping(timeoutMs: number): Promise<number> {
    const control = this.control;
    if (this.status !== 'connected' || !control) return Promise.reject(RtcError.closed('the link'));
    const id = this.nextPing++;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pings.delete(id);
        reject(RtcError.timeout('ping'));
      }, timeoutMs);
      this.pings.set(id, {
        started: performance.now(),
        resolve: (rtt) => {
          clearTimeout(timer);
          resolve(rtt);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.sendControl({ t: 'ping', id });
    });
  }

  /** The pair ICE settled on, with peer-reflexive candidates named by what was signalled. */
  async path(rttMs?: number): Promise<ConnectionPath | undefined> {
    const pair = await this.peer.selectedPair();
    if (!pair) return undefined;
    return pathOf(
      {
        local: refineCandidate(pair.local, this.localCandidates),
        remote: refineCandidate(pair.remote, this.remoteCandidates),
      },
      rttMs,
    );
  }

  /** Closes the link; with `bye`, tells the other side first so that it does not reconnect. */
  async close(options: { bye: boolean }): Promise<void> {
    if (this.status === 'closed') return;
    const control = this.control;
    if (options.bye && control?.isOpen) {
      this.sendControl({ t: 'bye' });
      // Give the goodbye a moment to leave before the transport goes.
      const deadline = performance.now() + 250;
      while (control.bufferedAmount > 0 && performance.now() < deadline) await sleep(10);
      await sleep(20);
    }
    this.teardown();
  }

  private attachControl(raw: RawChannel): void {
    const control = new Channel(raw);
    this.control = control;
    control.on('message', (data) => this.controlMessage(data));
    control.on('close', () => {
      if (this.status !== 'closed') this.lose(this.remoteBye ? 'hung up' : 'control channel closed');
    });
    if (control.isOpen) this.controlOpen();
    else control.on('open', () => this.controlOpen());
  }

  private controlOpen(): void {
    if (this.status !== 'negotiating') return;
    this.status = 'connected';
    this.lastHeard = performance.now();
    this.keepalive = setInterval(() => {
      if (performance.now() - this.lastHeard > this.timings.deadAfterMs) {
        this.lose('nothing heard from the other side');
        return;
      }
      this.sendControl({ t: 'ping', id: 0 });
    }, this.timings.keepaliveMs);
    this.events.connected();
  }

  private controlMessage(data: string | Uint8Array): void {
    this.lastHeard = performance.now();
    if (typeof data !== 'string') return;
    let message: ControlMessage;
    try {
      message = JSON.parse(data) as ControlMessage;
    } catch {
      return;
    }
    if (message.t === 'ping') this.sendControl({ t: 'pong', id: message.id });
    else if (message.t === 'pong') {
      const ping = this.pings.get(message.id);
      this.pings.delete(message.id);
      ping?.resolve(performance.now() - ping.started);
    } else if (message.t === 'bye') {
      this.remoteBye = true;
      this.lose('hung up');
    }
  }

  private sendControl(message: ControlMessage): void {
    try {
      this.control?.send(JSON.stringify(message));
    } catch {
      // Closing: the close handler reports it.
    }
  }

  private localCandidate(candidate: LinkCandidate): void {
    if (this.status === 'closed') return;
    const info = parseCandidate(candidate.candidate);
    if (info) this.localCandidates.push(info);
    if (this.isSignalled) this.events.candidate(candidate);
    else this.pendingLocal.push(candidate);
  }

  private remoteReady(): void {
    this.remoteDescribed = true;
    for (const candidate of this.pendingRemote.splice(0)) this.peer.addRemoteCandidate(candidate);
  }

  private stateChanged(state: LinkState): void {
    if (this.status === 'closed') return;
    if (state === 'connected') {
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = undefined;
    } else if (state === 'disconnected') {
      this.disconnectTimer ??= setTimeout(() => this.lose('ICE disconnected'), this.timings.disconnectedGraceMs);
    } else if (state === 'failed' || state === 'closed') {
      this.lose(this.remoteBye ? 'hung up' : `ICE ${state}`);
    }
  }

  private lose(reason: string): void {
    if (this.status === 'closed') return;
    this.teardown();
    this.events.lost(reason, this.remoteBye);
  }

  private teardown(): void {
    this.status = 'closed';
    clearInterval(this.keepalive);
    clearTimeout(this.disconnectTimer);
    for (const ping of this.pings.values()) ping.reject(RtcError.closed('the link'));
    this.pings.clear();
    this.control?.close();
    this.peer.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
