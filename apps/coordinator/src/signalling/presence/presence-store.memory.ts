import { EventEmitter } from 'node:events';
import type { PresenceRecord, PresenceStore } from './presence-store.js';

export class MemoryPresenceStore implements PresenceStore {
  private readonly devices = new Map<string, PresenceRecord>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly events = new EventEmitter();

  async connect(record: PresenceRecord): Promise<PresenceRecord | undefined> {
    const previous = this.devices.get(record.deviceId);
    this.devices.set(record.deviceId, record);
    let set = this.byUser.get(record.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(record.userId, set);
    }
    set.add(record.deviceId);
    if (previous) this.events.emit('takeover', record.deviceId, record.connectionId);
    return previous;
  }

  async disconnect(deviceId: string, connectionId: string): Promise<boolean> {
    const current = this.devices.get(deviceId);
    if (!current || current.connectionId !== connectionId) return false;
    this.devices.delete(deviceId);
    this.byUser.get(current.userId)?.delete(deviceId);
    return true;
  }

  async get(deviceId: string): Promise<PresenceRecord | undefined> {
    return this.devices.get(deviceId);
  }

  async onlineDevicesOf(userIds: readonly string[]): Promise<PresenceRecord[]> {
    return userIds.flatMap((u) => [...(this.byUser.get(u) ?? [])].map((d) => this.devices.get(d)!).filter(Boolean));
  }

  async heartbeat(): Promise<void> {
    // One process: nobody else to tell.
  }

  async reapDeadReplicas(): Promise<PresenceRecord[]> {
    return [];
  }

  onTakeover(listener: (deviceId: string, connectionId: string) => void): () => void {
    this.events.on('takeover', listener);
    return () => this.events.off('takeover', listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
