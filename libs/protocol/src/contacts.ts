import { z } from 'zod';
import { IsoDateSchema, UsernameSchema, UuidSchema } from './common.js';

/**
 * A contact as seen from one side: `outgoing` (you asked), `incoming` (they asked you),
 * `accepted` (both agreed: you see each other's presence), `blocked` (you blocked them: they can
 * neither signal nor message you, and see nothing of your presence).
 */
export const ContactStateSchema = z.enum(['outgoing', 'incoming', 'accepted', 'blocked']);
export type ContactState = z.infer<typeof ContactStateSchema>;

export const ContactSchema = z.object({
  userId: UuidSchema,
  username: z.string(),
  state: ContactStateSchema,
  since: IsoDateSchema,
});
export type Contact = z.infer<typeof ContactSchema>;

export const ContactListSchema = z.object({ contacts: z.array(ContactSchema) });
export type ContactList = z.infer<typeof ContactListSchema>;

export const AddContactRequestSchema = z.strictObject({ username: UsernameSchema });
export type AddContactRequest = z.infer<typeof AddContactRequestSchema>;

export const ContactParamsSchema = z.strictObject({ username: UsernameSchema });
