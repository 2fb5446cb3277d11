import type { BlockedInfoHash } from '@shoal/protocol';
import type { Logger } from 'pino';
import type { Database } from '../database/database.js';

const REFRESH_MS = 10_000;

/**
 * Info hashes the tracker refuses. The database is the truth; each replica keeps the set in memory
 * (checked on every announce without a query) and reloads it every 10 s, so a block made on one
 * replica holds on all of them within seconds, and at once on the replica that made it.
 */
export class Blocklist {
  private blocked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'could not reload the blocklist'));
    }, REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  has(infoHash: string): boolean {
    return this.blocked.has(infoHash);
  }

  async list(): Promise<BlockedInfoHash[]> {
    const rows = await this.database.prisma.blockedInfoHash.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map((r) => ({ infoHash: r.infoHash, reason: r.reason, createdAt: r.createdAt.toISOString() }));
  }

  async add(infoHash: string, reason: string, by: string): Promise<BlockedInfoHash> {
    const row = await this.database.prisma.blockedInfoHash.upsert({
      where: { infoHash },
      create: { infoHash, reason, createdBy: by },
      update: { reason },
    });
    this.blocked.add(infoHash);
    return { infoHash: row.infoHash, reason: row.reason, createdAt: row.createdAt.toISOString() };
  }

  /** True when the hash was blocked. */
  async remove(infoHash: string): Promise<boolean> {
    const { count } = await this.database.prisma.blockedInfoHash.deleteMany({ where: { infoHash } });
    this.blocked.delete(infoHash);
    return count > 0;
  }

  private async reload(): Promise<void> {
    const rows = await this.database.prisma.blockedInfoHash.findMany({ select: { infoHash: true } });
    this.blocked = new Set(rows.map((r) => r.infoHash));
  }
}
