import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { evenPort } from '../../codec/attributes/even-port.js';
import { lifetime } from '../../codec/attributes/lifetime.js';
import { reservationToken } from '../../codec/attributes/reservation-token.js';
import { requestedAddressFamily } from '../../codec/attributes/requested-address-family.js';
import { requestedTransport } from '../../codec/attributes/requested-transport.js';
import { xorMappedAddress, xorRelayedAddress } from '../../codec/attributes/xor-address.js';
import { AttributeType, StunErrorCode, TRANSPORT_UDP } from '../../codec/constants.js';
import { Allocation } from '../allocation.js';
import { bindEvenRelaySocket, bindRelaySocket } from '../relay-socket.js';
import { RESERVATION_LIFETIME_MS } from '../reservations.js';
import type { Authenticated, RequestContext } from '../request-context.js';
import { grantedLifetime } from './own-allocation.js';

/** RFC 8656 §7.2: a relayed transport address for this 5-tuple, within the user's quota. */
export async function handleAllocate(ctx: RequestContext, auth: Authenticated): Promise<void> {
  const { core, connection, message } = ctx;
  const { options, allocations, counters } = core;

  const existing = allocations.of(connection);
  if (existing !== undefined) {
    // A retransmission of the request that made it gets the same answer; anything else is a mismatch.
    if (existing.transactionId.equals(message.transactionId)) replyAllocated(ctx, existing);
    else ctx.error(StunErrorCode.AllocationMismatch);
    return;
  }
  // A retransmission while the relay socket is being bound: the first request's answer will come.
  if (allocations.isPending(connection)) return;

  const transport = message.get(requestedTransport);
  if (transport === undefined) return ctx.error(StunErrorCode.BadRequest, 'REQUESTED-TRANSPORT is required');
  if (transport !== TRANSPORT_UDP) return ctx.error(StunErrorCode.UnsupportedTransportProtocol);
  const even = message.get(evenPort);
  const token = message.get(reservationToken);
  const familyAsked = message.has(AttributeType.RequestedAddressFamily);
  if (token !== undefined && (even !== undefined || familyAsked)) {
    return ctx.error(StunErrorCode.BadRequest, 'RESERVATION-TOKEN excludes EVEN-PORT and REQUESTED-ADDRESS-FAMILY');
  }
  if (familyAsked && message.get(requestedAddressFamily) !== 'IPv4') {
    return ctx.error(StunErrorCode.AddressFamilyNotSupported, 'this server relays over IPv4 only');
  }

  const quota = core.quotaFor(auth.userId);
  if (allocations.size >= options.maxAllocations) {
    counters.quotaRejections++;
    core.emit('quotaExceeded', { userId: auth.userId, kind: 'server-capacity' });
    return ctx.error(StunErrorCode.InsufficientCapacity);
  }
  const reserving = even?.reserveNext === true;
  const held = allocations.countForUser(auth.userId) + (reserving ? core.reservations.countForUser(auth.userId) : 0);
  if (held >= quota.maxAllocations) {
    counters.quotaRejections++;
    core.emit('quotaExceeded', { userId: auth.userId, kind: 'allocations-per-user' });
    return ctx.error(StunErrorCode.AllocationQuotaReached);
  }

  const seconds = grantedLifetime(message.get(lifetime), ctx);
  allocations.reserve(connection, auth.userId);
  let socket: Socket;
  let reservedToken: Buffer | undefined;
  if (token !== undefined) {
    const reserved = core.reservations.take(token);
    if (reserved === undefined) {
      allocations.settle(connection, undefined);
      return ctx.error(StunErrorCode.InsufficientCapacity, 'unknown or expired RESERVATION-TOKEN');
    }
    socket = reserved;
  } else {
    try {
      if (even === undefined) {
        socket = await bindRelaySocket(options.relayAddress, options.relayPortRange);
      } else {
        const pair = await bindEvenRelaySocket(options.relayAddress, options.relayPortRange, even.reserveNext);
        socket = pair.socket;
        if (pair.next !== undefined) {
          reservedToken = randomBytes(8);
          core.reservations.add(reservedToken, pair.next, auth.userId, ctx.now() + RESERVATION_LIFETIME_MS);
        }
      }
    } catch (error) {
      allocations.settle(connection, undefined);
      core.emit('internalError', error instanceof Error ? error : new Error(String(error)));
      return ctx.error(StunErrorCode.InsufficientCapacity, 'no relay port available');
    }
  }
  if (connection.closed || core.closing) {
    socket.close();
    allocations.settle(connection, undefined);
    return;
  }
  const allocation = new Allocation({
    id: core.nextAllocationId(),
    connection,
    username: auth.username,
    userId: auth.userId,
    transactionId: message.transactionId,
    relay: { family: 'IPv4', address: options.externalRelayAddress, port: socket.address().port },
    socket,
    expiresAt: ctx.now() + seconds * 1000,
    windowBudget: Math.ceil((quota.maxBytesPerSecond * options.sweepIntervalMs) / 1000),
    stats: counters,
    onSocketError: (error) => core.emit('internalError', error),
  });
  allocations.settle(connection, allocation);
  counters.allocationsCreated++;
  core.emit('allocationCreated', allocation.info);
  replyAllocated(ctx, allocation, reservedToken);
}

function replyAllocated(ctx: RequestContext, allocation: Allocation, token?: Buffer): void {
  const remaining = Math.max(0, Math.ceil((allocation.expiresAt - ctx.now()) / 1000));
  ctx.success((builder) => {
    builder
      .add(xorRelayedAddress, allocation.relay)
      .add(lifetime, remaining)
      .add(xorMappedAddress, ctx.connection.reflexive);
    if (token !== undefined) builder.add(reservationToken, token);
  });
}
