import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue.js';
import { PeerList } from './peer-list.js';

interface Item {
  id: number;
  index: number;
}

describe('PeerList', () => {
  it('samples distinct items, never the excluded one, as many as asked or all there are', () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), fc.nat({ max: 250 }), fc.nat(), fc.boolean(), (size, count, pick, exclude) => {
        const list = new PeerList<Item>();
        const items = Array.from({ length: size }, (_, id) => ({ id, index: -1 }));
        for (const item of items) list.add(item);
        const excluded = exclude && size > 0 ? items[pick % size] : undefined;
        const out: Item[] = [];
        list.sample(count, excluded, out);
        const available = size - (excluded ? 1 : 0);
        expect(out).toHaveLength(Math.min(count, available));
        expect(new Set(out).size).toBe(out.length);
        if (excluded) expect(out).not.toContain(excluded);
      }),
    );
  });

  it('keeps indexes right through removals', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 100 }), (removals) => {
        const list = new PeerList<Item>();
        const live = new Set<Item>();
        for (let id = 0; id < 50; id++) {
          const item = { id, index: -1 };
          list.add(item);
          live.add(item);
        }
        for (const id of removals) {
          const item = [...live].find((i) => i.id === id);
          if (!item) continue;
          list.remove(item);
          live.delete(item);
        }
        expect(new Set(list.items)).toEqual(live);
        list.items.forEach((item, i) => expect(item.index).toBe(i));
      }),
    );
  });
});

describe('ExpiryQueue', () => {
  it('pops what expired, in order, skipping refreshed and removed entries', () => {
    const queue = new ExpiryQueue<{ id: number; expiresAt: number; alive: boolean }>();
    const a = { id: 1, expiresAt: 10, alive: true };
    const b = { id: 2, expiresAt: 20, alive: true };
    const c = { id: 3, expiresAt: 5, alive: true };
    for (const x of [a, b, c]) queue.push(x);
    a.expiresAt = 30; // refreshed
    queue.push(a);
    c.alive = false; // removed
    const popped: number[] = [];
    queue.popExpired(25, (x) => popped.push(x.id));
    expect(popped).toEqual([2]);
    queue.popExpired(30, (x) => popped.push(x.id));
    expect(popped).toEqual([2, 1]);
    expect(queue.peekTime()).toBe(Infinity);
  });

  it('stays bounded however often entries are refreshed', () => {
    const queue = new ExpiryQueue<{ expiresAt: number; alive: boolean }>();
    const live = Array.from({ length: 100 }, (_, i) => ({ expiresAt: i, alive: true }));
    for (let round = 0; round < 200; round++) {
      for (const entry of live) {
        entry.expiresAt += 1000;
        queue.push(entry);
        queue.compact(() => live, live.length);
      }
    }
    expect(queue.size).toBeLessThanOrEqual(Math.max(1024, live.length * 4) + 1);
  });
});
