/**
 * An unordered list with O(1) add, remove and random access: removal swaps the last item into
 * the hole. Random picks are what a tracker hands out, so order never matters.
 */
export interface Listed {
  index: number;
}

export class PeerList<T extends Listed> {
  readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    item.index = this.items.length;
    this.items.push(item);
  }

  remove(item: T): void {
    const last = this.items.pop();
    if (last === undefined || last === item) return;
    this.items[item.index] = last;
    last.index = item.index;
  }

  /** Up to `count` distinct random items other than `exclude`, in O(count). */
  sample(count: number, exclude: T | undefined, out: T[], random: () => number = Math.random): void {
    const items = this.items;
    const available = items.length - (exclude !== undefined && items[exclude.index] === exclude ? 1 : 0);
    if (count <= 0 || available <= 0) return;
    if (count >= available) {
      for (const item of items) if (item !== exclude) out.push(item);
      return;
    }
    if (count * 2 >= items.length) {
      // Few enough to shuffle a copy of the indices.
      const indices = items.map((_, i) => i);
      let taken = 0;
      for (let i = 0; i < indices.length && taken < count; i++) {
        const j = i + Math.floor(random() * (indices.length - i));
        const chosen = indices[j]!;
        indices[j] = indices[i]!;
        const item = items[chosen]!;
        if (item === exclude) continue;
        out.push(item);
        taken++;
      }
      return;
    }
    // Far more items than wanted: rejection sampling rarely repeats.
    const seen = new Set<number>();
    for (let remaining = count; remaining > 0;) {
      const i = Math.floor(random() * items.length);
      if (seen.has(i)) continue;
      seen.add(i);
      const item = items[i]!;
      if (item === exclude) continue;
      out.push(item);
      remaining--;
    }
  }
}
