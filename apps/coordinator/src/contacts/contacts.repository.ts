import { Inject, Injectable } from '@nestjs/common';
import type { Contact, ContactState } from '@shoal/protocol';
import { DATABASE } from '../core/tokens.js';
import type { Database } from '../database/database.js';

/**
 * Relationships between users, one row per side: what `owner` sees of `peer`. Also the policy
 * questions the signalling layer asks: who may see whose presence, who blocked whom.
 */
@Injectable()
export class ContactsRepository {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  private get prisma() {
    return this.database.prisma;
  }

  async stateOf(ownerId: string, peerId: string): Promise<ContactState | undefined> {
    const row = await this.prisma.contact.findUnique({
      where: { ownerId_peerId: { ownerId, peerId } },
      select: { state: true },
    });
    return row?.state;
  }

  async list(ownerId: string): Promise<Contact[]> {
    const rows = await this.prisma.contact.findMany({
      where: { ownerId },
      include: { peer: { select: { username: true } } },
      orderBy: { updatedAt: 'desc' },
    });
    return rows.map((r) => ({
      userId: r.peerId,
      username: r.peer.username,
      state: r.state,
      since: r.updatedAt.toISOString(),
    }));
  }

  /** True when `blockerId` blocked `userId`. */
  async isBlocked(blockerId: string, userId: string): Promise<boolean> {
    return (await this.stateOf(blockerId, userId)) === 'blocked';
  }

  /** Users who may see `userId`'s presence: accepted contacts. */
  async watchersOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.contact.findMany({
      where: { ownerId: userId, state: 'accepted' },
      select: { peerId: true },
    });
    return rows.map((r) => r.peerId);
  }

  /** Users whose presence `viewerId` may see, with their names. */
  async visibleTo(viewerId: string): Promise<{ userId: string; username: string }[]> {
    const rows = await this.prisma.contact.findMany({
      where: { ownerId: viewerId, state: 'accepted' },
      select: { peerId: true, peer: { select: { username: true } } },
    });
    return rows.map((r) => ({ userId: r.peerId, username: r.peer.username }));
  }

  /**
   * Sets both sides of a relationship in one transaction. `undefined` removes a side; a side that
   * is `blocked` is never overwritten by the other user's actions (`keepBlocked`).
   */
  async setPair(
    a: string,
    aState: ContactState | undefined,
    b: string,
    bState: ContactState | undefined,
    options: { keepBlockedB?: boolean } = {},
  ): Promise<void> {
    const now = new Date();
    await this.prisma.$transaction(async (tx) => {
      const write = async (owner: string, peer: string, state: ContactState | undefined) => {
        const where = { ownerId_peerId: { ownerId: owner, peerId: peer } };
        if (state === undefined) {
          await tx.contact.deleteMany({ where: { ownerId: owner, peerId: peer } });
        } else {
          await tx.contact.upsert({
            where,
            create: { ownerId: owner, peerId: peer, state, createdAt: now, updatedAt: now },
            update: { state, updatedAt: now },
          });
        }
      };
      await write(a, b, aState);
      if (options.keepBlockedB) {
        const current = await tx.contact.findUnique({ where: { ownerId_peerId: { ownerId: b, peerId: a } } });
        if (current?.state === 'blocked') return;
      }
      await write(b, a, bState);
    });
  }

  /**
   * Records a first contact (a signal from someone with no relationship yet) as a request from
   * `from` to `to`. Returns false when a relationship already existed. Concurrent first contacts
   * are harmless: the primary key keeps one row per side.
   */
  async recordFirstContact(from: string, to: string): Promise<boolean> {
    if (from === to) return false;
    const existing = await this.prisma.contact.count({
      where: {
        OR: [
          { ownerId: from, peerId: to },
          { ownerId: to, peerId: from },
        ],
      },
    });
    if (existing > 0) return false;
    await this.prisma.contact.createMany({
      data: [
        { ownerId: from, peerId: to, state: 'outgoing' },
        { ownerId: to, peerId: from, state: 'incoming' },
      ],
      skipDuplicates: true,
    });
    return true;
  }
}
