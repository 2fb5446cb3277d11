import { Emitter } from '@shoal/sdk';
import { RtcError } from './errors.js';
import type { RawChannel } from './peer-link.js';

export interface ChannelEvents extends Record<string, unknown> {
  open: undefined;
  /** Text arrives as a string, binary as bytes. */
  message: string | Uint8Array;
  close: undefined;
  error: RtcError;
}

/** Buffered bytes above which `write` waits; about a second of a fast link, well under browsers' 16 MB cap. */
const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** Messages kept for a channel nobody listens to yet, at most. */
const MAX_EARLY_MESSAGES = 1024;

/**
 * A data channel between two devices. Messages that arrive before anyone listens are kept (up to
 * a limit) and delivered to the first `message` listener; `write` applies backpressure, so bulk
 * senders never buffer without bound.
 */
export class Channel extends Emitter<ChannelEvents> {
  readonly label: string;
  readonly protocol: string;
  private early: (string | Uint8Array)[] = [];
  private listening = false;
  private drainWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  private isClosed = false;
  private readonly highWaterMark: number;

  constructor(
    private readonly raw: RawChannel,
    options: { highWaterMark?: number } = {},
  ) {
    super();
    this.label = raw.label;
    this.protocol = raw.protocol;
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    raw.setBufferedAmountLowThreshold(Math.floor(this.highWaterMark / 4));
    raw.onopen = () => this.emit('open', undefined);
    raw.onclose = () => this.closedByLink();
    raw.onerror = (message) => this.emit('error', new RtcError('RTC_INTERNAL', `channel ${this.label}: ${message}`));
    raw.onbufferedamountlow = () => this.drained();
    raw.onmessage = (data) => {
      if (this.listening) {
        this.emit('message', data);
        return;
      }
      this.early.push(data);
      if (this.early.length > MAX_EARLY_MESSAGES) {
        this.emit('error', new RtcError('RTC_INTERNAL', `channel ${this.label}: nobody reads it; closed`));
        this.close();
      }
    };
  }

  override on<K extends keyof ChannelEvents>(event: K, listener: (value: ChannelEvents[K]) => void): () => void {
    const off = super.on(event, listener);
    if (event === 'message' && !this.listening) {
      this.listening = true;
      const early = this.early.splice(0);
      for (const data of early) this.emit('message', data);
    }
    return off;
  }

  get isOpen(): boolean {
    return !this.isClosed && this.raw.isOpen;
  }

  get bufferedAmount(): number {
    return this.raw.bufferedAmount;
  }

  /** The largest message the other side accepts; split bigger payloads. */
  get maxMessageSize(): number {
    return this.raw.maxMessageSize;
  }

  /** Sends one message now; throws RTC_CLOSED when the channel is closed. */
  send(data: string | Uint8Array): void {
    if (this.isClosed) throw RtcError.closed(`channel ${this.label}`);
    this.raw.send(data);
  }

  /** Sends one message and waits while more than the high-water mark is buffered. */
  async write(data: string | Uint8Array): Promise<void> {
    this.send(data);
    if (this.raw.bufferedAmount <= this.highWaterMark) return;
    await new Promise<void>((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject });
      // The low mark may have been crossed between send and here.
      if (this.raw.bufferedAmount <= this.highWaterMark / 4) this.drained();
    });
  }

  /** Resolves once the channel is open; rejects if it closes first or after `timeoutMs`. */
  opened(timeoutMs = 15_000): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    if (this.isClosed) return Promise.reject(RtcError.closed(`channel ${this.label}`));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        offs.forEach((off) => off());
        reject(RtcError.timeout(`opening channel ${this.label}`));
      }, timeoutMs);
      const offs = [
        this.once('open', () => {
          clearTimeout(timer);
          offs.forEach((off) => off());
          resolve();
        }),
        this.once('close', () => {
          clearTimeout(timer);
          offs.forEach((off) => off());
          reject(RtcError.closed(`channel ${this.label}`));
        }),
      ];
    });
  }

  /** Resolves when the channel has closed. */
  closed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.once('close', () => resolve()));
  }

  close(): void {
    if (this.isClosed) return;
    this.raw.close();
    this.closedByLink();
  }

  private drained(): void {
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
  }

  private closedByLink(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const waiter of this.drainWaiters.splice(0)) waiter.reject(RtcError.closed(`channel ${this.label}`));
    this.emit('close', undefined);
  }
}
