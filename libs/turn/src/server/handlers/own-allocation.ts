import { StunErrorCode } from '../../codec/constants.js';
import type { Allocation } from '../allocation.js';
import type { Authenticated, RequestContext } from '../request-context.js';

/**
 * The allocation of the request's 5-tuple, made by the same user (RFC 8656 §5): otherwise answers
 * 437 Allocation Mismatch or 441 Wrong Credentials and returns `undefined`.
 */
export function ownAllocation(ctx: RequestContext, auth: Authenticated): Allocation | undefined {
  const allocation = ctx.core.allocations.of(ctx.connection);
  if (allocation === undefined) {
    ctx.error(StunErrorCode.AllocationMismatch);
    return undefined;
  }
  if (allocation.username !== auth.username) {
    ctx.core.counters.authFailures++;
    ctx.core.emit('authFailure', {
      reason: 'wrong-credentials',
      username: auth.username,
      transport: ctx.connection.transport,
      client: ctx.connection.remote,
    });
    ctx.error(StunErrorCode.WrongCredentials);
    return undefined;
  }
  return allocation;
}

/** RFC 8656 §7.2/§7.3: min(requested, maximum), but never less than the default. */
export function grantedLifetime(requested: number | undefined, ctx: RequestContext): number {
  const { allocationLifetimeSeconds, maxAllocationLifetimeSeconds } = ctx.core.options;
  if (requested === undefined) return allocationLifetimeSeconds;
  return Math.max(allocationLifetimeSeconds, Math.min(requested, maxAllocationLifetimeSeconds));
}
