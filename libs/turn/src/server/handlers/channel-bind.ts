import { channelNumber } from '../../codec/attributes/channel-number.js';
import { xorPeerAddress } from '../../codec/attributes/xor-address.js';
import { isChannelNumber } from '../../codec/channel-data.js';
import { StunErrorCode } from '../../codec/constants.js';
import { ipv4ToNumber } from '../../codec/ip-address.js';
import type { Authenticated, RequestContext } from '../request-context.js';
import { ownAllocation } from './own-allocation.js';
import { checkPeer } from './peer-check.js';

/** RFC 8656 §12.2: binds (or refreshes) a channel to a peer, and installs or refreshes its permission. */
export function handleChannelBind(ctx: RequestContext, auth: Authenticated): void {
  const allocation = ownAllocation(ctx, auth);
  if (allocation === undefined) return;
  const channel = ctx.message.get(channelNumber);
  const peer = ctx.message.get(xorPeerAddress);
  if (channel === undefined || peer === undefined) {
    return ctx.error(StunErrorCode.BadRequest, 'CHANNEL-NUMBER and XOR-PEER-ADDRESS are required');
  }
  if (!isChannelNumber(channel)) return ctx.error(StunErrorCode.BadRequest, 'channel number out of range');
  if (!checkPeer(ctx, allocation, peer, true)) return;

  const now = ctx.now();
  const outcome = allocation.bindChannel(channel, peer, now + ctx.core.options.channelLifetimeSeconds * 1000);
  if (outcome === 'channel-taken') return ctx.error(StunErrorCode.BadRequest, 'channel bound to another peer');
  if (outcome === 'peer-taken') return ctx.error(StunErrorCode.BadRequest, 'peer bound to another channel');
  allocation.installPermission(
    peer.address,
    ipv4ToNumber(peer.address),
    now + ctx.core.options.permissionLifetimeSeconds * 1000,
  );
  ctx.success();
}
