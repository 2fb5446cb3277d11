import { deviceHelloMessage, sdpFingerprints, sign, signalSignatureMessage } from '@shoal/identity';
import { decodeServerFrame, wsCloseCodes } from '@shoal/protocol';
import type {
  CandidateType,
  ErrorFrame,
  PresenceFrame,
  ServerFrame,
  SignalDeliveryFrame,
  SignalKind,
} from '@shoal/protocol';
import { Emitter } from './emitter.js';

type ReadyFrame = Extract<ServerFrame, { type: 'ready' }>;

export interface SignallingDevice {
  deviceId: string;
  userId: string;
  /** Ed25519 secret key of the device: signs the hello and every offer and answer. */
  signingSecretKey: Uint8Array;
}

export interface SignallingClientOptions {
  /** The coordinator's base URL (http or https); `/ws` is appended. */
  baseUrl: string;
  /** An access token (refreshed by the caller when needed) or an API key with the `signal` scope. */
  token: () => string | Promise<string>;
  device: SignallingDevice;
  /** A WebSocket constructor; defaults to the global one (browsers, Node 22+). */
  WebSocket?: typeof WebSocket;
  /** Reconnect delays: doubling from `minDelayMs` up to `maxDelayMs` (defaults 250 ms and 10 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Signals queued while reconnecting, at most (default 1000); older ones are dropped first. */
  maxQueued?: number;
}

export type SignallingState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

export interface SignallingEvents extends Record<string, unknown> {
  state: SignallingState;
  ready: ReadyFrame;
  signal: SignalDeliveryFrame;
  presence: PresenceFrame;
  /** Error frames from the coordinator (e.g. SIGNAL_PEER_OFFLINE for a signal with `ref`). */
  error: ErrorFrame;
  /** The socket closed; `willReconnect` says whether the client tries again. */
  disconnected: { code: number; reason: string; willReconnect: boolean };
}

export interface OutgoingSignal {
  to: string;
  session: string;
  kind: SignalKind;
  sdp?: string;
  candidate?: { candidate: string; sdpMid?: string | null };
  ref?: string;
}

/**
 * The device's connection to the coordinator's `/ws`: says hello with the device key, keeps the
 * socket alive, reconnects with backoff and resumes where it was (no frame addressed to the device
 * is lost across a short disconnect, even onto another replica), and signs every offer and answer
 * over its DTLS fingerprints so that the receiver can tell if a coordinator tampered with it.
 */
export class SignallingClient extends Emitter<SignallingEvents> {
  private socket: WebSocket | undefined;
  private lastSeq = 0;
  private hadReady = false;
  private stateValue: SignallingState = 'connecting';
  private stopped = false;
  private delay: number;
  private readonly queue: string[] = [];
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly WebSocketImpl: typeof WebSocket;

  constructor(private readonly options: SignallingClientOptions) {
    super();
    this.delay = options.minDelayMs ?? 250;
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (!impl) throw new Error('no WebSocket implementation: pass options.WebSocket');
    this.WebSocketImpl = impl;
  }

  get state(): SignallingState {
    return this.stateValue;
  }

  /** Connects and resolves on the first `ready`; rejects if the first attempt is refused. */
  connect(): Promise<ReadyFrame> {
    return new Promise((resolve, reject) => {
      const offReady = this.once('ready', (ready) => {
        offDisconnected();
        resolve(ready);
      });
      // A first attempt that fails ends the client: the caller decides whether to try again.
      const offDisconnected = this.once('disconnected', ({ code, reason }) => {
        offReady();
        this.close();
        reject(new Error(`cannot open signalling at ${this.options.baseUrl} (${code}${reason ? `: ${reason}` : ''})`));
      });
      void this.open();
    });
  }

  /** Sends a signal; offers and answers are signed here. Queued while reconnecting. */
  signal(signal: OutgoingSignal): void {
    const frame: Record<string, unknown> = { v: 1, type: 'signal', ...signal };
    if (signal.kind === 'offer' || signal.kind === 'answer') {
      if (!signal.sdp) throw new Error(`${signal.kind} needs sdp`);
      const timestamp = Date.now();
      frame.timestamp = timestamp;
      frame.signature = sign(
        this.options.device.signingSecretKey,
        signalSignatureMessage({
          session: signal.session,
          from: this.options.device.deviceId,
          to: signal.to,
          kind: signal.kind,
          fingerprints: sdpFingerprints(signal.sdp),
          timestamp,
        }),
      );
    }
    this.sendRaw(JSON.stringify(frame));
  }

  /** Tells the coordinator how a peer connection attempt ended (for its /metrics); dropped when offline. */
  report(report: {
    session: string;
    outcome: 'connected' | 'failed';
    path?: { local: CandidateType; remote: CandidateType; protocol: 'udp' | 'tcp' };
    ms: number;
  }): void {
    if (this.stateValue !== 'ready' || this.socket?.readyState !== 1) return;
    this.socket.send(JSON.stringify({ v: 1, type: 'report', ...report, ms: Math.max(0, Math.round(report.ms)) }));
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.socket?.close(1000, 'bye');
    this.setState('closed');
  }

  private sendRaw(text: string): void {
    if (this.stateValue === 'ready' && this.socket?.readyState === 1) {
      this.socket.send(text);
      return;
    }
    this.queue.push(text);
    const max = this.options.maxQueued ?? 1000;
    if (this.queue.length > max) this.queue.splice(0, this.queue.length - max);
  }

  private setState(state: SignallingState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.options.token();
    } catch {
      this.scheduleReconnect();
      return;
    }
    const url = new URL('/ws', this.options.baseUrl.replace(/^http/, 'ws'));
    url.searchParams.set('access_token', token);
    const socket = new this.WebSocketImpl(url.toString());
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.receive(socket, event.data);
    };
    socket.onclose = (event: CloseEvent) => this.closed(socket, event.code, event.reason);
    socket.onerror = () => undefined;
  }

  private receive(socket: WebSocket, text: string): void {
    const frame = decodeServerFrame(text);
    if (!frame || socket !== this.socket) return;
    switch (frame.type) {
      case 'challenge': {
        const { deviceId, userId, signingSecretKey } = this.options.device;
        const signature = sign(signingSecretKey, deviceHelloMessage({ nonce: frame.nonce, deviceId, userId }));
        socket.send(
          JSON.stringify({
            v: 1,
            type: 'hello',
            deviceId,
            signature,
            ...(this.hadReady ? { resume: { lastSeq: this.lastSeq } } : {}),
          }),
        );
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(
          () => socket.readyState === 1 && socket.send('{"v":1,"type":"ping"}'),
          Math.max(1_000, frame.heartbeatMs / 2),
        );
        return;
      }
      case 'ready':
        this.hadReady = true;
        this.lastSeq = Math.max(this.lastSeq, frame.lastSeq);
        this.delay = this.options.minDelayMs ?? 250;
        this.setState('ready');
        for (const text of this.queue.splice(0)) socket.send(text);
        this.emit('ready', frame);
        return;
      case 'signal':
      case 'presence':
        if (frame.seq <= this.lastSeq) return; // delivered before a reconnect already
        this.lastSeq = frame.seq;
        if (frame.type === 'signal') this.emit('signal', frame);
        else this.emit('presence', frame);
        return;
      case 'error':
        this.emit('error', frame);
        return;
      case 'pong':
        return;
    }
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearInterval(this.heartbeat);
    // Refused credentials or another socket of this device taking over: trying again would
    // only fight it.
    const final =
      this.stopped ||
      code === wsCloseCodes.AUTH_FAILED ||
      code === wsCloseCodes.REPLACED ||
      (code === wsCloseCodes.POLICY && reason.startsWith('WS_HELLO_INVALID'));
    this.emit('disconnected', { code, reason, willReconnect: !final });
    if (final) {
      this.setState('closed');
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const wait = this.delay * (0.5 + Math.random() / 2);
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 10_000);
    this.reconnectTimer = setTimeout(() => void this.open(), wait);
  }
}
