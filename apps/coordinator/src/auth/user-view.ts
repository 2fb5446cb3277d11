import type { User } from '@shoal/protocol';

/** The public face of a user row. */
export function userView(row: { id: string; username: string; role: string; createdAt: Date }): User {
  return { id: row.id, username: row.username, role: row.role as User['role'], createdAt: row.createdAt.toISOString() };
}
