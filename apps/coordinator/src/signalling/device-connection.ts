import { randomBytes, randomUUID } from 'node:crypto';
import { deviceHelloMessage, verify } from '@shoal/identity';
import { decodeClientFrame, encodeFrame, wsCloseCodes } from '@shoal/protocol';
import type {
  ClientFrame,
  ConnectionReportFrame,
  ErrorCode,
  HelloFrame,
  ServerFrame,
  SignalFrame,
} from '@shoal/protocol';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../errors/domain-error.js';
import { SignalError } from './signal-router.js';
import type { SenderIdentity } from './signal-router.js';
import type { SignallingContext } from './signalling-context.js';
import { TokenBucket } from './token-bucket.js';

type Handler<T extends ClientFrame> = (connection: DeviceConnection, frame: T) => Promise<void>;

/** One handler per frame type: the dispatch table. */
const handlers: { [K in ClientFrame['type']]: Handler<Extract<ClientFrame, { type: K }>> } = {
  hello: (c, f) => c.hello(f),
  signal: (c, f) => c.signal(f),
  ack: async (c, f) => c.ack(f.seq),
  ping: async (c, f) => c.send({ v: 1, type: 'pong', ...(f.t !== undefined ? { t: f.t } : {}) }),
  report: async (c, f) => c.report(f),
};

/**
 * One device's socket: challenge → hello → ready, then signal frames out, queued frames in, in
 * order and without loss across reconnects (the inbox keeps them; the device says where it was).
 */
export class DeviceConnection {
  readonly id = randomUUID();
  private readonly nonce = randomBytes(24).toString('base64url');
  private identity: SenderIdentity | undefined;
  private lastSentSeq = 0;
  private pumping = false;
  private pumpAgain = false;
  private unwatch: (() => void) | undefined;
  private closed = false;
  private alive = true;
  private readonly bucket: TokenBucket;
  private limitedAt: number[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly principal: Principal,
    private readonly ctx: SignallingContext,
    private readonly onClosed: (connection: DeviceConnection) => void,
  ) {
    this.bucket = new TokenBucket(ctx.limits.frameRatePerSecond, ctx.limits.frameBurst);
  }

  get deviceId(): string | undefined {
    return this.identity?.deviceId;
  }

  start(): void {
    this.ctx.metrics.sockets.inc();
    // Frames are handled one at a time in arrival order: a device's signals reach their target
    // in the order it sent them.
    this.socket.on('message', (data, isBinary) => {
      if (!this.bucket.take()) return this.limited();
      this.queue = this.queue
        .then(() => this.receive(data as Buffer, isBinary))
        .catch((error: unknown) => {
          this.ctx.logger.error({ err: error }, 'signalling frame failed');
        });
    });
    this.socket.on('pong', () => (this.alive = true));
    this.socket.on('close', () => void this.handleClose());
    this.socket.on('error', () => this.socket.terminate());
    this.send({ v: 1, type: 'challenge', nonce: this.nonce, heartbeatMs: this.ctx.limits.heartbeatMs });
    this.timers.push(
      setTimeout(() => {
        if (!this.identity) this.close(wsCloseCodes.POLICY, 'WS_NOT_READY: no hello in time');
      }, this.ctx.limits.helloTimeoutMs),
    );
    const heartbeat = setInterval(() => {
      if (!this.alive) {
        this.socket.terminate();
        return;
      }
      this.alive = false;
      this.socket.ping();
    }, this.ctx.limits.heartbeatMs);
    this.timers.push(heartbeat);
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    this.socket.send(encodeFrame(frame));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason.slice(0, 120));
  }

  private error(code: ErrorCode, message: string, ref?: string): void {
    this.ctx.metrics.errors.inc({ code });
    this.send({ v: 1, type: 'error', code, message, ...(ref !== undefined ? { ref } : {}) });
  }

  private async receive(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    try {
      await this.ctx.userLimiter.consume(this.principal.userId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') return this.limited();
      throw error;
    }
    if (isBinary) return this.error('WS_MALFORMED_FRAME', 'frames are JSON text');
    const decoded = decodeClientFrame(data.toString('utf8'));
    if (!decoded.ok) return this.error(decoded.code, decoded.message, decoded.ref);
    const frame = decoded.frame;
    this.ctx.metrics.frames.inc({ type: frame.type });
    if (!this.identity && frame.type !== 'hello' && frame.type !== 'ping') {
      return this.error('WS_NOT_READY', 'send hello first', 'ref' in frame ? frame.ref : undefined);
    }
    try {
      await (handlers[frame.type] as Handler<ClientFrame>)(this, frame);
    } catch (error) {
      if (error instanceof SignalError) return this.error(error.code, error.message, (frame as SignalFrame).ref);
      this.ctx.logger.error({ err: error, type: frame.type }, 'signalling frame failed');
      this.error('INTERNAL', 'internal error', 'ref' in frame ? (frame as SignalFrame).ref : undefined);
    }
  }

  private limited(): void {
    const now = Date.now();
    this.limitedAt = this.limitedAt.filter((t) => now - t < 10_000);
    this.limitedAt.push(now);
    if (this.limitedAt.length >= this.ctx.limits.floodCloseAfter) {
      this.close(wsCloseCodes.POLICY, 'RATE_LIMITED: flood');
      return;
    }
    this.error('RATE_LIMITED', 'too many frames; slow down');
  }

  async hello(frame: HelloFrame): Promise<void> {
    if (this.identity) return this.error('WS_MALFORMED_FRAME', 'hello was already said');
    const device = await this.ctx.database.prisma.device.findUnique({
      where: { id: frame.deviceId },
      select: { userId: true, publicKey: true, revokedAt: true },
    });
    const message = deviceHelloMessage({ nonce: this.nonce, deviceId: frame.deviceId, userId: this.principal.userId });
    if (
      !device ||
      device.userId !== this.principal.userId ||
      device.revokedAt ||
      !verify(device.publicKey, message, frame.signature)
    ) {
      this.error('WS_HELLO_INVALID', 'not an active device of this account, or a bad signature');
      this.close(wsCloseCodes.POLICY, 'WS_HELLO_INVALID');
      return;
    }
    this.identity = {
      deviceId: frame.deviceId,
      userId: this.principal.userId,
      username: this.principal.username,
      publicKey: device.publicKey,
    };
    await this.ctx.presence.online({
      deviceId: frame.deviceId,
      userId: this.principal.userId,
      username: this.principal.username,
      connectionId: this.id,
      replicaId: this.ctx.replicaId,
      since: Date.now(),
    });
    if (this.closed) {
      await this.ctx.presence.offline(frame.deviceId, this.id);
      return;
    }
    let resumed = false;
    const head = await this.ctx.inbox.head(frame.deviceId);
    if (frame.resume && frame.resume.lastSeq <= head) {
      const read = await this.ctx.inbox.read(frame.deviceId, frame.resume.lastSeq, 1);
      resumed = read.complete;
      // Whatever is still kept is delivered, even after a gap; `resumed: false` says there was one.
      this.lastSentSeq = read.complete
        ? frame.resume.lastSeq
        : Math.max(frame.resume.lastSeq, (read.frames[0]?.seq ?? head + 1) - 1);
    } else {
      this.lastSentSeq = head;
    }
    const presence = await this.ctx.presence.snapshotFor(
      this.principal.userId,
      this.principal.username,
      frame.deviceId,
    );
    this.send({
      v: 1,
      type: 'ready',
      deviceId: frame.deviceId,
      userId: this.principal.userId,
      resumed,
      lastSeq: this.lastSentSeq,
      presence,
    });
    this.unwatch = this.ctx.inbox.watch(frame.deviceId, () => void this.pump());
    await this.pump();
  }

  async signal(frame: SignalFrame): Promise<void> {
    await this.ctx.router.route(this.identity!, frame);
    this.ctx.metrics.relayed.inc({ kind: frame.kind });
  }

  report(frame: ConnectionReportFrame): void {
    this.ctx.metrics.connectionReported(frame);
  }

  ack(seq: number): void {
    // Frames stay in the inbox for their retention time whatever the ack says: a second socket
    // of the same device may still need them. The ack is accepted for clients that send it.
    void seq;
  }

  /** Sends every queued frame after the last one sent, in order; one pump at a time. */
  private async pump(): Promise<void> {
    if (!this.identity || this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const { frames } = await this.ctx.inbox.read(this.identity.deviceId, this.lastSentSeq);
        for (const frame of frames) {
          if (this.closed) return;
          if (this.socket.bufferedAmount > this.ctx.limits.maxBufferedBytes) {
            this.error('WS_SLOW_CONSUMER', 'reading too slowly; reconnect and resume');
            this.close(wsCloseCodes.TRY_AGAIN_LATER, 'WS_SLOW_CONSUMER');
            return;
          }
          this.send(frame);
          this.lastSentSeq = frame.seq;
        }
        if (frames.length >= 500) this.pumpAgain = true;
      } while (this.pumpAgain && !this.closed);
    } catch (error) {
      this.ctx.logger.warn({ err: error, deviceId: this.identity.deviceId }, 'inbox read failed');
    } finally {
      this.pumping = false;
    }
  }

  /** Another socket took this device over (here or on another replica). */
  replacedBy(connectionId: string): void {
    if (connectionId !== this.id) this.close(wsCloseCodes.REPLACED, 'replaced by a newer connection of this device');
  }

  private async handleClose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.metrics.sockets.dec();
    for (const timer of this.timers) clearTimeout(timer);
    this.unwatch?.();
    this.onClosed(this);
  }
}
