import { StunErrorCode } from '../../codec/constants.js';
import type { TransportAddress } from '../../codec/ip-address.js';
import type { Allocation } from '../allocation.js';
import type { RequestContext } from '../request-context.js';

/**
 * Whether the allocation may reach `peer`: same family as the relay (else 443) and allowed by the
 * peer address policy (else 403); with `checkPort`, a port to send to (port 0 cannot be: 403).
 * Answers the request itself when not.
 */
export function checkPeer(
  ctx: RequestContext,
  allocation: Allocation,
  peer: TransportAddress,
  checkPort = false,
): boolean {
  if (peer.family !== allocation.relay.family) {
    ctx.error(StunErrorCode.PeerAddressFamilyMismatch);
    return false;
  }
  if (!ctx.core.policy.isAllowed(peer.address) || (checkPort && peer.port === 0)) {
    ctx.core.counters.peerRefusals++;
    ctx.core.emit('peerRefused', { userId: allocation.userId, client: ctx.connection.remote, peer });
    ctx.error(StunErrorCode.Forbidden, 'peer address not allowed');
    return false;
  }
  return true;
}
