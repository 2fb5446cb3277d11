import { xorPeerAddress } from '../../codec/attributes/xor-address.js';
import { StunErrorCode } from '../../codec/constants.js';
import { ipv4ToNumber } from '../../codec/ip-address.js';
import type { Authenticated, RequestContext } from '../request-context.js';
import { ownAllocation } from './own-allocation.js';
import { checkPeer } from './peer-check.js';

/** RFC 8656 §9: permissions for one or more peer IPs; all are installed or none. */
export function handleCreatePermission(ctx: RequestContext, auth: Authenticated): void {
  const allocation = ownAllocation(ctx, auth);
  if (allocation === undefined) return;
  const peers = ctx.message.getAll(xorPeerAddress);
  if (peers.length === 0) return ctx.error(StunErrorCode.BadRequest, 'XOR-PEER-ADDRESS is required');
  for (const peer of peers) if (!checkPeer(ctx, allocation, peer)) return;
  const expiresAt = ctx.now() + ctx.core.options.permissionLifetimeSeconds * 1000;
  for (const peer of peers) allocation.installPermission(peer.address, ipv4ToNumber(peer.address), expiresAt);
  ctx.success();
}
