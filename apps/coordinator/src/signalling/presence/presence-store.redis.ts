import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PresenceRecord, PresenceStore } from './presence-store.js';

// connect and disconnect read and write the record and both indexes atomically, so that two
// sockets of one device racing on two replicas leave exactly one holder.
const CONNECT = `
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
if previous then
  local old = cjson.decode(previous)
  if old.replicaId ~= ARGV[3] then
    redis.call('SREM', ARGV[4] .. old.replicaId, ARGV[2])
  end
end
return previous
`;

const DISCONNECT = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local record = cjson.decode(current)
if record.connectionId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[2] .. record.userId, record.deviceId)
redis.call('SREM', ARGV[3] .. record.replicaId, record.deviceId)
return 1
`;

type Scripted = Redis & {
  shoalPresenceConnect(...args: (string | number)[]): Promise<string | null>;
  shoalPresenceDisconnect(...args: (string | number)[]): Promise<number>;
};

/** Presence shared by replicas through Redis. */
export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Scripted;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(deviceId: string, connectionId: string) => void>();

  constructor(
    redis: Redis,
    private readonly prefix: string,
    logger: Logger,
  ) {
    redis.defineCommand('shoalPresenceConnect', { numberOfKeys: 3, lua: CONNECT });
    redis.defineCommand('shoalPresenceDisconnect', { numberOfKeys: 1, lua: DISCONNECT });
    this.redis = redis as Scripted;
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', (error) => logger.warn({ err: error }, 'presence subscriber error'));
    this.subscriber.on('message', (_channel: string, message: string) => {
      const { deviceId, connectionId } = JSON.parse(message) as { deviceId: string; connectionId: string };
      for (const listener of this.listeners) listener(deviceId, connectionId);
    });
    void this.subscriber.subscribe(this.takeoverChannel).catch(() => undefined);
  }

  private get takeoverChannel(): string {
    return `${this.prefix}presence-takeover`;
  }
  private deviceKey(deviceId: string): string {
    return `${this.prefix}presence:device:${deviceId}`;
  }
  private get userPrefix(): string {
    return `${this.prefix}presence:user:`;
  }
  private get replicaPrefix(): string {
    return `${this.prefix}presence:replica:`;
  }
  private get replicasKey(): string {
    return `${this.prefix}presence:replicas`;
  }

  async connect(record: PresenceRecord): Promise<PresenceRecord | undefined> {
    const previous = await this.redis.shoalPresenceConnect(
      this.deviceKey(record.deviceId),
      this.userPrefix + record.userId,
      this.replicaPrefix + record.replicaId,
      JSON.stringify(record),
      record.deviceId,
      record.replicaId,
      this.replicaPrefix,
    );
    if (previous) {
      await this.redis.publish(
        this.takeoverChannel,
        JSON.stringify({ deviceId: record.deviceId, connectionId: record.connectionId }),
      );
      return JSON.parse(previous) as PresenceRecord;
    }
    return undefined;
  }

  async disconnect(deviceId: string, connectionId: string): Promise<boolean> {
    const removed = await this.redis.shoalPresenceDisconnect(
      this.deviceKey(deviceId),
      connectionId,
      this.userPrefix,
      this.replicaPrefix,
    );
    return removed === 1;
  }

  async get(deviceId: string): Promise<PresenceRecord | undefined> {
    const text = await this.redis.get(this.deviceKey(deviceId));
    return text ? (JSON.parse(text) as PresenceRecord) : undefined;
  }

  async onlineDevicesOf(userIds: readonly string[]): Promise<PresenceRecord[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const u of userIds) pipeline.smembers(this.userPrefix + u);
    const sets = ((await pipeline.exec()) ?? []).flatMap(([, members]) => (members as string[] | null) ?? []);
    if (sets.length === 0) return [];
    const records = await this.redis.mget(sets.map((d) => this.deviceKey(d)));
    return records.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as PresenceRecord);
  }

  async heartbeat(replicaId: string): Promise<void> {
    await this.redis.zadd(this.replicasKey, Date.now(), replicaId);
  }

  async reapDeadReplicas(selfReplicaId: string, deadAfterMs: number): Promise<PresenceRecord[]> {
    const dead = await this.redis.zrangebyscore(this.replicasKey, 0, Date.now() - deadAfterMs);
    const reaped: PresenceRecord[] = [];
    for (const replicaId of dead) {
      if (replicaId === selfReplicaId) continue;
      // Of all the replicas reaping at once, the one whose ZREM removes the entry does the work.
      if ((await this.redis.zrem(this.replicasKey, replicaId)) !== 1) continue;
      const devices = await this.redis.smembers(this.replicaPrefix + replicaId);
      for (const deviceId of devices) {
        const record = await this.get(deviceId);
        if (record?.replicaId === replicaId && (await this.disconnect(deviceId, record.connectionId))) {
          reaped.push(record);
        }
      }
      await this.redis.del(this.replicaPrefix + replicaId);
    }
    return reaped;
  }

  onTakeover(listener: (deviceId: string, connectionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber.quit().catch(() => undefined);
  }
}
