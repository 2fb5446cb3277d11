import { Body, Controller, Inject, Param } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { AddContactRequest, Contact, ContactList } from '@shoal/protocol';
import type { Principal } from '../auth/principal.js';
import { CurrentPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import { ContactsRepository } from './contacts.repository.js';
import { ChangeContactHandler } from './use-cases/change-contact.handler.js';

@Controller()
export class ContactsController {
  constructor(
    @Inject(ContactsRepository) private readonly contacts: ContactsRepository,
    @Inject(ChangeContactHandler) private readonly change: ChangeContactHandler,
  ) {}

  @Route(api.contacts.list)
  async list(@CurrentPrincipal() principal: Principal): Promise<ContactList> {
    return { contacts: await this.contacts.list(principal.userId) };
  }

  @Route(api.contacts.add)
  add(@CurrentPrincipal() principal: Principal, @Body() body: AddContactRequest): Promise<Contact> {
    return this.change.add(principal.userId, body.username);
  }

  @Route(api.contacts.accept)
  accept(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<Contact> {
    return this.change.accept(principal.userId, username);
  }

  @Route(api.contacts.remove)
  remove(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<void> {
    return this.change.remove(principal.userId, username);
  }

  @Route(api.contacts.block)
  block(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<Contact> {
    return this.change.block(principal.userId, username);
  }

  @Route(api.contacts.unblock)
  unblock(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<void> {
    return this.change.unblock(principal.userId, username);
  }
}
