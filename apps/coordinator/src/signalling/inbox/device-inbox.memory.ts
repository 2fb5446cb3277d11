import { EventEmitter } from 'node:events';
import type { DeliveredFrame } from '@shoal/protocol';
import { defaultInboxOptions } from './device-inbox.js';
import type { DeviceInbox, InboxOptions, InboxRead, UnnumberedFrame } from './device-inbox.js';

interface Entry {
  at: number;
  frame: DeliveredFrame;
}

/** The embedded mode's inbox: everything in this process. */
export class MemoryDeviceInbox implements DeviceInbox {
  private readonly boxes = new Map<string, { seq: number; entries: Entry[] }>();
  private readonly bell = new EventEmitter();
  private readonly options: InboxOptions;

  constructor(options: Partial<InboxOptions> = {}) {
    this.options = { ...defaultInboxOptions, ...options };
    this.bell.setMaxListeners(0);
  }

  async append(deviceId: string, frame: UnnumberedFrame): Promise<number> {
    let box = this.boxes.get(deviceId);
    if (!box) {
      box = { seq: 0, entries: [] };
      this.boxes.set(deviceId, box);
    }
    box.seq += 1;
    box.entries.push({ at: Date.now(), frame: { ...frame, seq: box.seq } as DeliveredFrame });
    this.prune(box);
    this.bell.emit(deviceId);
    return box.seq;
  }

  async read(deviceId: string, afterSeq: number, limit = 500): Promise<InboxRead> {
    const box = this.boxes.get(deviceId);
    if (!box) return { frames: [], complete: afterSeq === 0, head: 0 };
    this.prune(box);
    const frames = box.entries
      .filter((e) => e.frame.seq > afterSeq)
      .slice(0, limit)
      .map((e) => e.frame);
    const first = frames[0]?.seq ?? box.seq + 1;
    return { frames, complete: afterSeq <= box.seq && first === afterSeq + 1, head: box.seq };
  }

  async head(deviceId: string): Promise<number> {
    return this.boxes.get(deviceId)?.seq ?? 0;
  }

  watch(deviceId: string, onNew: () => void): () => void {
    this.bell.on(deviceId, onNew);
    return () => this.bell.off(deviceId, onNew);
  }

  async close(): Promise<void> {
    this.bell.removeAllListeners();
  }

  private prune(box: { entries: Entry[] }): void {
    const oldest = Date.now() - this.options.retentionMs;
    let drop = 0;
    while (drop < box.entries.length && box.entries[drop]!.at < oldest) drop++;
    drop = Math.max(drop, box.entries.length - this.options.maxFrames);
    if (drop > 0) box.entries.splice(0, drop);
  }
}
