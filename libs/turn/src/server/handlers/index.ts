import { AttributeType, StunMethod } from '../../codec/constants.js';
import type { Authenticated, RequestContext } from '../request-context.js';
import { handleAllocate } from './allocate.js';
import { handleBinding } from './binding.js';
import { handleChannelBind } from './channel-bind.js';
import { handleCreatePermission } from './create-permission.js';
import { handleRefresh } from './refresh.js';

export type RequestRoute =
  | { readonly authenticated: false; readonly handle: (ctx: RequestContext) => void | Promise<void> }
  | {
      readonly authenticated: true;
      readonly handle: (ctx: RequestContext, auth: Authenticated) => void | Promise<void>;
    };

/** Requests by method. Send indications never come here: they are relay traffic, read in place. */
export const REQUEST_ROUTES: ReadonlyMap<number, RequestRoute> = new Map<number, RequestRoute>([
  [StunMethod.Binding, { authenticated: false, handle: handleBinding }],
  [StunMethod.Allocate, { authenticated: true, handle: handleAllocate }],
  [StunMethod.Refresh, { authenticated: true, handle: handleRefresh }],
  [StunMethod.CreatePermission, { authenticated: true, handle: handleCreatePermission }],
  [StunMethod.ChannelBind, { authenticated: true, handle: handleChannelBind }],
]);

/**
 * Comprehension-required attributes (< 0x8000) a request may carry; any other gets 420 with
 * UNKNOWN-ATTRIBUTES. Not here, so refused: MESSAGE-INTEGRITY-SHA256, PASSWORD-ALGORITHM and
 * USERHASH (this server never offers them).
 * PRIORITY and USE-CANDIDATE are ICE's, tolerated on Binding requests.
 */
export const KNOWN_REQUEST_ATTRIBUTES: ReadonlySet<number> = new Set<number>([
  AttributeType.MappedAddress,
  AttributeType.Username,
  AttributeType.MessageIntegrity,
  AttributeType.ErrorCode,
  AttributeType.UnknownAttributes,
  AttributeType.ChannelNumber,
  AttributeType.Lifetime,
  AttributeType.XorPeerAddress,
  AttributeType.Data,
  AttributeType.Realm,
  AttributeType.Nonce,
  AttributeType.XorRelayedAddress,
  AttributeType.RequestedAddressFamily,
  AttributeType.EvenPort,
  AttributeType.RequestedTransport,
  AttributeType.DontFragment,
  AttributeType.XorMappedAddress,
  AttributeType.ReservationToken,
  AttributeType.Priority,
  AttributeType.UseCandidate,
]);
