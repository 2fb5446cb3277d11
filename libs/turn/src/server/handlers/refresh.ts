import { lifetime } from '../../codec/attributes/lifetime.js';
import { requestedAddressFamily } from '../../codec/attributes/requested-address-family.js';
import { AttributeType, StunErrorCode } from '../../codec/constants.js';
import type { Authenticated, RequestContext } from '../request-context.js';
import { grantedLifetime, ownAllocation } from './own-allocation.js';

/** RFC 8656 §7.3: extend the allocation, or delete it with LIFETIME 0. */
export function handleRefresh(ctx: RequestContext, auth: Authenticated): void {
  const allocation = ownAllocation(ctx, auth);
  if (allocation === undefined) return;
  const { message } = ctx;
  if (message.has(AttributeType.RequestedAddressFamily) && message.get(requestedAddressFamily) !== 'IPv4') {
    return ctx.error(StunErrorCode.PeerAddressFamilyMismatch);
  }
  const requested = message.get(lifetime);
  if (requested === 0) {
    ctx.core.deleteAllocation(allocation, 'refreshed-to-zero');
    return ctx.success((builder) => builder.add(lifetime, 0));
  }
  const seconds = grantedLifetime(requested, ctx);
  allocation.expiresAt = ctx.now() + seconds * 1000;
  ctx.success((builder) => builder.add(lifetime, seconds));
}
