/** A device that is online: which socket holds it, and on which replica. */
export interface PresenceRecord {
  deviceId: string;
  userId: string;
  username: string;
  connectionId: string;
  replicaId: string;
  /** Milliseconds since the epoch when this connection took the device online. */
  since: number;
}

/**
 * Who is online, per device. The memory implementation serves one process; the Redis one is shared
 * by replicas, which also watch each other: the devices of a replica that stopped sending
 * heartbeats are reaped by the others. Both pass `presence-store.compliance.ts`.
 */
export interface PresenceStore {
  /** Marks the device online with this connection; returns the record it replaced, if any. */
  connect(record: PresenceRecord): Promise<PresenceRecord | undefined>;
  /** Marks the device offline if `connectionId` still holds it; true when it did. */
  disconnect(deviceId: string, connectionId: string): Promise<boolean>;
  get(deviceId: string): Promise<PresenceRecord | undefined>;
  onlineDevicesOf(userIds: readonly string[]): Promise<PresenceRecord[]>;
  /** Tells the others that this replica is alive. */
  heartbeat(replicaId: string): Promise<void>;
  /** Takes the devices of replicas silent for longer than `deadAfterMs` offline; returns them. */
  reapDeadReplicas(selfReplicaId: string, deadAfterMs: number): Promise<PresenceRecord[]>;
  /** Called when a connection elsewhere took over a device (`connectionId` is the new holder). */
  onTakeover(listener: (deviceId: string, connectionId: string) => void): () => void;
  close(): Promise<void>;
}
