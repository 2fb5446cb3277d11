import { EventEmitter } from 'node:events';
import type { WebSocketLike } from '../../src/ws/ws-peer.js';

/** A WebSocket double: records what the tracker sends, lets a test push frames in. */
export class FakeSocket extends EventEmitter implements WebSocketLike {
  readonly sent: Record<string, unknown>[] = [];
  closed: { code: number | undefined; reason: string | undefined } | undefined;

  send(text: string): void {
    if (this.closed) throw new Error('send after close');
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
    this.emit('sent');
  }

  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.emit('close', code, reason);
  }

  receive(data: unknown): void {
    this.emit('message', data, typeof data !== 'string');
  }

  /** Resolves once `count` frames were sent; the test's timeout is the only limit. */
  async sentCount(count: number): Promise<Record<string, unknown>[]> {
    while (this.sent.length < count) await new Promise((resolve) => this.once('sent', resolve));
    return this.sent;
  }
}

/** Polls until `condition` holds; the test's timeout is the only limit, nothing is timed. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Yields enough turns for any in-flight frame to be handled. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
