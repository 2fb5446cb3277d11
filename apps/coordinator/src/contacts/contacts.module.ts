import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller.js';
import { ContactsRepository } from './contacts.repository.js';
import { ChangeContactHandler } from './use-cases/change-contact.handler.js';

@Module({
  controllers: [ContactsController],
  providers: [ContactsRepository, ChangeContactHandler],
  exports: [ContactsRepository],
})
export class ContactsModule {}
