import type { PresenceEntry } from '@shoal/protocol';
import type { Logger } from 'pino';
import type { ContactsRepository } from '../../contacts/contacts.repository.js';
import type { Database } from '../../database/database.js';
import type { DeviceInbox } from '../inbox/device-inbox.js';
import type { PresenceRecord, PresenceStore } from './presence-store.js';

/**
 * Presence as people see it: a device going online or offline is told to the devices of those who
 * may see it (accepted contacts, and the user's own other devices), never to anyone else.
 */
export class PresenceService {
  constructor(
    private readonly store: PresenceStore,
    private readonly inbox: DeviceInbox,
    private readonly contacts: ContactsRepository,
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async online(record: PresenceRecord): Promise<PresenceRecord | undefined> {
    const previous = await this.store.connect(record);
    // A takeover by another socket of the same device is not news to anyone.
    if (!previous) await this.announce(record, 'online', new Date(record.since));
    return previous;
  }

  /** Takes the device offline if this connection still holds it. */
  async offline(deviceId: string, connectionId: string): Promise<void> {
    const record = await this.store.get(deviceId);
    if (!record || record.connectionId !== connectionId) return;
    if (!(await this.store.disconnect(deviceId, connectionId))) return;
    await this.wentOffline(record);
  }

  /** For records another component already removed (a dead replica's devices). */
  async wentOffline(record: PresenceRecord): Promise<void> {
    const lastSeen = new Date();
    await this.database.prisma.device
      .updateMany({ where: { id: record.deviceId }, data: { lastSeenAt: lastSeen } })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record last seen'));
    await this.announce(record, 'offline', lastSeen);
  }

  /** What `userId` may see now: the online devices of accepted contacts and of their own account. */
  async snapshotFor(userId: string, username: string, exceptDeviceId?: string): Promise<PresenceEntry[]> {
    const visible = [{ userId, username }, ...(await this.contacts.visibleTo(userId))];
    const records = await this.store.onlineDevicesOf(visible.map((v) => v.userId));
    return records
      .filter((r) => r.deviceId !== exceptDeviceId)
      .map((r) => ({
        userId: r.userId,
        username: r.username,
        deviceId: r.deviceId,
        status: 'online' as const,
        lastSeen: new Date(r.since).toISOString(),
      }));
  }

  /**
   * After a relationship changed, each side is told the other's current presence as it may now see
   * it: online devices if they are accepted contacts, otherwise offline for each device it might
   * have seen online before.
   */
  async relationshipChanged(a: string, b: string): Promise<void> {
    for (const [subject, viewer] of [
      [a, b],
      [b, a],
    ] as const) {
      const visible = (await this.contacts.stateOf(viewer, subject)) === 'accepted';
      const subjectDevices = await this.store.onlineDevicesOf([subject]);
      const viewerDevices = await this.store.onlineDevicesOf([viewer]);
      for (const record of subjectDevices) {
        const frame = {
          v: 1 as const,
          type: 'presence' as const,
          userId: record.userId,
          username: record.username,
          deviceId: record.deviceId,
          status: visible ? ('online' as const) : ('offline' as const),
          lastSeen: new Date(visible ? record.since : Date.now()).toISOString(),
        };
        for (const target of viewerDevices) await this.inbox.append(target.deviceId, frame);
      }
    }
  }

  private async announce(record: PresenceRecord, status: 'online' | 'offline', at: Date): Promise<void> {
    const watchers = [record.userId, ...(await this.contacts.watchersOf(record.userId))];
    const targets = await this.store.onlineDevicesOf(watchers);
    const frame = {
      v: 1 as const,
      type: 'presence' as const,
      userId: record.userId,
      username: record.username,
      deviceId: record.deviceId,
      status,
      lastSeen: at.toISOString(),
    };
    await Promise.all(
      targets.filter((t) => t.deviceId !== record.deviceId).map((t) => this.inbox.append(t.deviceId, frame)),
    );
  }
}
