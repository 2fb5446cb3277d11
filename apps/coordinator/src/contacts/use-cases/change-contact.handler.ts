import { Inject, Injectable } from '@nestjs/common';
import type { Contact } from '@shoal/protocol';
import type { DomainEvents } from '../../core/domain-events.js';
import { DATABASE, DOMAIN_EVENTS } from '../../core/tokens.js';
import type { Database } from '../../database/database.js';
import { DomainError } from '../../errors/domain-error.js';
import { ContactsRepository } from '../contacts.repository.js';

/**
 * Every change to a relationship: request, accept, remove, block, unblock. Each keeps both sides
 * consistent and never lets a blocked user learn that they were blocked.
 */
@Injectable()
export class ChangeContactHandler {
  constructor(
    @Inject(ContactsRepository) private readonly contacts: ContactsRepository,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(DOMAIN_EVENTS) private readonly events: DomainEvents,
  ) {}

  private async peer(me: string, username: string): Promise<{ id: string; username: string }> {
    const user = await this.database.prisma.user.findUnique({
      where: { username },
      select: { id: true, username: true },
    });
    if (!user) throw new DomainError('USER_NOT_FOUND', `no user "${username}"`);
    if (user.id === me) throw new DomainError('CONTACT_SELF', 'you cannot be your own contact');
    return user;
  }

  private async view(me: string, peer: { id: string; username: string }): Promise<Contact> {
    const row = await this.database.prisma.contact.findUniqueOrThrow({
      where: { ownerId_peerId: { ownerId: me, peerId: peer.id } },
    });
    return { userId: peer.id, username: peer.username, state: row.state, since: row.updatedAt.toISOString() };
  }

  private changed(a: string, b: string): void {
    this.events.emit('contacts.changed', { a, b });
  }

  async add(me: string, username: string): Promise<Contact> {
    const peer = await this.peer(me, username);
    const mine = await this.contacts.stateOf(me, peer.id);
    if (mine === 'blocked')
      throw new DomainError('CONTACT_BLOCKED', `you blocked ${peer.username}; unblock them first`);
    if (mine === 'accepted' || mine === 'outgoing') return this.view(me, peer);
    const theirs = await this.contacts.stateOf(peer.id, me);
    if (theirs === 'blocked') {
      // Looks like a pending request to the sender; the blocker never sees it.
      await this.contacts.setPair(me, 'outgoing', peer.id, 'blocked', { keepBlockedB: true });
    } else if (mine === 'incoming') {
      await this.contacts.setPair(me, 'accepted', peer.id, 'accepted');
    } else {
      await this.contacts.setPair(me, 'outgoing', peer.id, 'incoming');
    }
    this.changed(me, peer.id);
    return this.view(me, peer);
  }

  async accept(me: string, username: string): Promise<Contact> {
    const peer = await this.peer(me, username).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'USER_NOT_FOUND') {
        throw new DomainError('CONTACT_NOT_FOUND', `no contact request from "${username}"`);
      }
      throw error;
    });
    const mine = await this.contacts.stateOf(me, peer.id);
    if (mine === 'accepted') return this.view(me, peer);
    if (mine !== 'incoming') throw new DomainError('CONTACT_NOT_FOUND', `no contact request from ${peer.username}`);
    await this.contacts.setPair(me, 'accepted', peer.id, 'accepted', { keepBlockedB: true });
    this.changed(me, peer.id);
    return this.view(me, peer);
  }

  async remove(me: string, username: string): Promise<void> {
    const peer = await this.database.prisma.user.findUnique({ where: { username }, select: { id: true } });
    const mine = peer ? await this.contacts.stateOf(me, peer.id) : undefined;
    if (!peer || !mine || mine === 'blocked') {
      throw new DomainError('CONTACT_NOT_FOUND', `"${username}" is not in your contacts`);
    }
    await this.contacts.setPair(me, undefined, peer.id, undefined, { keepBlockedB: true });
    this.changed(me, peer.id);
  }

  async block(me: string, username: string): Promise<Contact> {
    const peer = await this.peer(me, username);
    await this.contacts.setPair(me, 'blocked', peer.id, undefined, { keepBlockedB: true });
    this.changed(me, peer.id);
    return this.view(me, peer);
  }

  async unblock(me: string, username: string): Promise<void> {
    const peer = await this.database.prisma.user.findUnique({ where: { username }, select: { id: true } });
    if (!peer || (await this.contacts.stateOf(me, peer.id)) !== 'blocked') {
      throw new DomainError('CONTACT_NOT_FOUND', `you have not blocked "${username}"`);
    }
    await this.database.prisma.contact.deleteMany({ where: { ownerId: me, peerId: peer.id } });
    this.changed(me, peer.id);
  }
}
