import type { TransportAddress } from '../codec/ip-address.js';

export type ClientTransport = 'udp' | 'tcp';

/** What the server knows when it asks for a user's credential (RFC 8489 §9.2 long-term credentials). */
export interface TurnAuthRequest {
  /** The USERNAME attribute, as sent. */
  readonly username: string;
  /** The server's realm (the key is computed with it). */
  readonly realm: string;
  readonly client: TransportAddress;
  readonly transport: ClientTransport;
  /** The server clock, in milliseconds since the epoch. */
  readonly now: number;
}

/**
 * A user's long-term credential: the password (the server derives the key MD5(username:realm:password))
 * or the key itself, and the id quotas are counted by (default: the username).
 */
export type TurnCredential =
  { readonly password: string; readonly userId?: string } | { readonly key: Buffer; readonly userId?: string };

/**
 * The auth policy, passed in: answers the credential for a username, or `undefined` to refuse it
 * (the client gets 401). May be async (a database lookup); it runs for requests, never per relayed
 * packet.
 */
export type TurnAuthenticator = (
  request: TurnAuthRequest,
) => TurnCredential | undefined | Promise<TurnCredential | undefined>;
