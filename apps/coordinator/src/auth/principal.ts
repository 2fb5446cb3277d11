import type { ApiScope, Role } from '@shoal/protocol';

/** Who is making a request, as established from its bearer token. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  kind: 'session' | 'api-key';
  sessionId?: string;
  apiKeyId?: string;
  scopes: readonly ApiScope[];
}
