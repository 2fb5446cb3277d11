/**
 * A min-heap of expiry times with lazy deletion: refreshing a peer pushes a new item and leaves
 * the old one to be skipped when it surfaces, so every announce costs O(log n) and no sweep ever
 * walks the whole store.
 */
export interface Expiring {
  expiresAt: number;
  /** False once the owner has been removed; queued items for it are then skipped. */
  alive: boolean;
}

interface Item<T> {
  readonly at: number;
  readonly value: T;
}

export class ExpiryQueue<T extends Expiring> {
  private heap: Item<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest time anything queued might expire; Infinity when empty. */
  peekTime(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  push(value: T): void {
    this.heap.push({ at: value.expiresAt, value });
    this.up(this.heap.length - 1);
  }

  /** Pops every value whose current expiry is at or before `now` (stale items are dropped). */
  popExpired(now: number, onExpired: (value: T) => void): void {
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      this.pop();
      if (top.value.alive && top.value.expiresAt === top.at) onExpired(top.value);
    }
  }

  /** Rebuilds from the live values when stale items outnumber them, so memory stays bounded. */
  compact(live: () => Iterable<T>, liveCount: number): void {
    if (this.heap.length <= 1024 || this.heap.length <= liveCount * 4) return;
    this.heap = [];
    for (const value of live()) this.heap.push({ at: value.expiresAt, value });
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private up(index: number): void {
    const heap = this.heap;
    const item = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent]!;
      if (above.at <= item.at) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = item;
  }

  private down(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index]!;
    for (;;) {
      let child = index * 2 + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && heap[right]!.at < heap[child]!.at) child = right;
      if (heap[child]!.at >= item.at) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
  }
}
