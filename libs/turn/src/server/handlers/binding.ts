import { xorMappedAddress } from '../../codec/attributes/xor-address.js';
import type { RequestContext } from '../request-context.js';

/** RFC 8489 §3: anyone may ask what address they come from; no credentials. */
export function handleBinding(ctx: RequestContext): void {
  ctx.core.counters.bindingRequests++;
  ctx.success((builder) => builder.add(xorMappedAddress, ctx.connection.reflexive));
}
