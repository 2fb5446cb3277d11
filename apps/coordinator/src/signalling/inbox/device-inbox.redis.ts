import type { DeliveredFrame } from '@shoal/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultInboxOptions } from './device-inbox.js';
import type { DeviceInbox, InboxOptions, InboxRead, UnnumberedFrame } from './device-inbox.js';

// Numbering, storing and ringing happen in one script, so a frame is never visible without its
// number, and the doorbell never rings before the frame can be read.
const APPEND = `
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '0-' .. seq, 'f', ARGV[1], 'at', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', KEYS[3], seq)
return seq
`;

// The counter outlives the frames by far, so that a device resuming after the frames expired
// learns that it missed some instead of seeing the numbering start again.
const SEQ_TTL_MS = 7 * 24 * 3_600_000;

/**
 * The scaled-out inbox: a Redis stream per device (the source of truth) and a Pub/Sub doorbell.
 * Pub/Sub may drop a ring while the subscriber reconnects, so every watcher is rung again after a
 * reconnect and re-reads the stream from where it was.
 */
export class RedisDeviceInbox implements DeviceInbox {
  private readonly subscriber: Redis;
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly options: InboxOptions;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    logger: Logger,
    options: Partial<InboxOptions> = {},
  ) {
    this.options = { ...defaultInboxOptions, ...options };
    redis.defineCommand('shoalInboxAppend', { numberOfKeys: 3, lua: APPEND });
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', (error) => logger.warn({ err: error }, 'inbox subscriber error'));
    this.subscriber.on('message', (channel: string) => {
      const deviceId = channel.slice(this.bellPrefix.length);
      for (const ring of this.watchers.get(deviceId) ?? []) ring();
    });
    this.subscriber.on('ready', () => {
      for (const rings of this.watchers.values()) for (const ring of rings) ring();
    });
  }

  private get bellPrefix(): string {
    return `${this.prefix}inbox-bell:`;
  }

  private keys(deviceId: string): [string, string, string] {
    return [`${this.prefix}inbox:${deviceId}`, `${this.prefix}inbox-seq:${deviceId}`, `${this.bellPrefix}${deviceId}`];
  }

  async append(deviceId: string, frame: UnnumberedFrame): Promise<number> {
    const seq = await (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<number>>)
      .shoalInboxAppend!(
      ...this.keys(deviceId),
      JSON.stringify(frame),
      Date.now(),
      this.options.maxFrames,
      this.options.retentionMs,
      SEQ_TTL_MS,
    );
    return Number(seq);
  }

  async read(deviceId: string, afterSeq: number, limit = 500): Promise<InboxRead> {
    const [stream, seqKey] = this.keys(deviceId);
    const [entries, headText] = await Promise.all([
      this.redis.xrange(stream, `(0-${afterSeq}`, '+', 'COUNT', limit),
      this.redis.get(seqKey),
    ]);
    const head = Number(headText ?? 0);
    const oldest = Date.now() - this.options.retentionMs;
    const frames: DeliveredFrame[] = [];
    for (const [id, fields] of entries) {
      const seq = Number(id.slice(2));
      let json: string | undefined;
      let at = 0;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        if (fields[i] === 'f') json = fields[i + 1];
        if (fields[i] === 'at') at = Number(fields[i + 1]);
      }
      if (!json || at < oldest) continue;
      frames.push({ ...(JSON.parse(json) as DeliveredFrame), seq });
    }
    const first = frames[0]?.seq ?? head + 1;
    return { frames, complete: afterSeq <= head && first === afterSeq + 1, head };
  }

  async head(deviceId: string): Promise<number> {
    return Number((await this.redis.get(this.keys(deviceId)[1])) ?? 0);
  }

  watch(deviceId: string, onNew: () => void): () => void {
    let set = this.watchers.get(deviceId);
    if (!set) {
      set = new Set();
      this.watchers.set(deviceId, set);
      // A frame appended while the subscription was still being set up rang nobody: ring once
      // the subscription stands, and the watcher re-reads.
      void this.subscriber
        .subscribe(this.keys(deviceId)[2])
        .then(() => {
          for (const ring of this.watchers.get(deviceId) ?? []) ring();
        })
        .catch(() => undefined);
    }
    set.add(onNew);
    return () => {
      const current = this.watchers.get(deviceId);
      if (!current) return;
      current.delete(onNew);
      if (current.size === 0) {
        this.watchers.delete(deviceId);
        void this.subscriber.unsubscribe(this.keys(deviceId)[2]).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.watchers.clear();
    await this.subscriber.quit().catch(() => undefined);
  }
}
