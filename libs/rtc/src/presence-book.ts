import type { PresenceEntry } from '@shoal/protocol';

/** Who is online, as this device may see it: the `ready` snapshot, kept current by `presence` frames. */
export class PresenceBook {
  private readonly online = new Map<string, PresenceEntry>();

  /** Replaces everything with a fresh snapshot; returns the devices that are no longer listed. */
  reset(snapshot: readonly PresenceEntry[]): PresenceEntry[] {
    const gone = [...this.online.values()].filter((e) => !snapshot.some((s) => s.deviceId === e.deviceId));
    this.online.clear();
    for (const entry of snapshot) if (entry.status === 'online') this.online.set(entry.deviceId, entry);
    return gone.map((e) => ({ ...e, status: 'offline' as const }));
  }

  update(entry: PresenceEntry): void {
    if (entry.status === 'online') this.online.set(entry.deviceId, entry);
    else this.online.delete(entry.deviceId);
  }

  /** Online devices, of one user (without `@`) or of everyone visible. */
  devices(username?: string): PresenceEntry[] {
    return [...this.online.values()].filter((e) => username === undefined || e.username === username);
  }

  isOnline(deviceId: string): boolean {
    return this.online.has(deviceId);
  }
}
