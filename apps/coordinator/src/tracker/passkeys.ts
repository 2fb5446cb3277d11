import { randomBytes } from 'node:crypto';
import type { Database } from '../database/database.js';

const CACHE_MS = 60_000;
const MAX_CACHED = 100_000;

/**
 * Private-mode passkeys: one per user, in the announce URL. Lookups are cached for a minute so an
 * announce costs no query in the steady state (misses are cached too, so guessing costs nothing).
 */
export class Passkeys {
  private readonly cache = new Map<string, { userId: string | null; at: number }>();

  constructor(private readonly database: Database) {}

  async userOf(passkey: string): Promise<string | null> {
    const cached = this.cache.get(passkey);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.userId;
    const row = /^[A-Za-z0-9_-]{32}$/.test(passkey)
      ? await this.database.prisma.user.findUnique({ where: { trackerPasskey: passkey }, select: { id: true } })
      : null;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(passkey, { userId: row?.id ?? null, at: Date.now() });
    return row?.id ?? null;
  }

  /** The user's passkey, made on first use. */
  async of(userId: string): Promise<string> {
    const user = await this.database.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { trackerPasskey: true },
    });
    if (user.trackerPasskey) return user.trackerPasskey;
    const passkey = randomBytes(24).toString('base64url');
    // Of two racing first uses, the conditional update lets one passkey win; both read it back.
    await this.database.prisma.user.updateMany({
      where: { id: userId, trackerPasskey: null },
      data: { trackerPasskey: passkey },
    });
    const after = await this.database.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { trackerPasskey: true },
    });
    return after.trackerPasskey!;
  }
}
