import { errorCode } from '../codec/attributes/error-code.js';
import { nonce } from '../codec/attributes/nonce.js';
import { realm } from '../codec/attributes/realm.js';
import { software } from '../codec/attributes/software.js';
import { AttributeType, STUN_ERROR_REASONS, StunClass, type StunErrorCode } from '../codec/constants.js';
import type { StunMessage } from '../codec/stun-message.js';
import { StunMessageBuilder } from '../codec/stun-message-builder.js';
import type { NonceIssuer } from '../auth/nonce-issuer.js';
import type { PeerAddressPolicy } from '../policy/peer-address-policy.js';
import type { Allocation } from './allocation.js';
import type { AllocationTable } from './allocation-table.js';
import type { Reservations } from './reservations.js';
import type { ClientConnection } from './client-connection.js';
import type { AllocationEndReason, TurnServerEvents, TurnServerStats } from './events.js';
import type { ResolvedTurnServerOptions, TurnQuota } from './options.js';

/** What request handlers may use of the server: state and policy, no sockets. */
export interface TurnServerCore {
  readonly options: ResolvedTurnServerOptions;
  readonly counters: TurnServerStats;
  readonly allocations: AllocationTable;
  readonly policy: PeerAddressPolicy;
  readonly nonces: NonceIssuer;
  readonly reservations: Reservations;
  /** True from `close()` on: work that awaited something must not create state any more. */
  readonly closing: boolean;
  emit<K extends keyof TurnServerEvents>(event: K, ...args: TurnServerEvents[K]): boolean;
  quotaFor(userId: string): Required<TurnQuota>;
  nextAllocationId(): number;
  deleteAllocation(allocation: Allocation, reason: AllocationEndReason): void;
}

/** A request that passed the long-term credential check. */
export interface Authenticated {
  readonly username: string;
  readonly userId: string;
  /** The long-term key: responses carry MESSAGE-INTEGRITY made with it. */
  readonly key: Buffer;
}

type AddAttributes = (builder: StunMessageBuilder) => void;

/** One request being answered: the message, where it came from, and how to respond. */
export class RequestContext {
  auth: Authenticated | undefined;

  constructor(
    readonly core: TurnServerCore,
    readonly connection: ClientConnection,
    readonly message: StunMessage,
  ) {}

  now(): number {
    return this.core.options.now();
  }

  success(add?: AddAttributes): void {
    this.respond(StunClass.SuccessResponse, add);
  }

  error(code: StunErrorCode, reason?: string, add?: AddAttributes): void {
    this.core.counters.errorResponses++;
    this.respond(StunClass.ErrorResponse, (builder) => {
      builder.add(errorCode, { code, reason: reason ?? STUN_ERROR_REASONS[code] });
      add?.(builder);
    });
  }

  /** 401 or 438 with REALM and a fresh NONCE (RFC 8489 §9.2.4), never MESSAGE-INTEGRITY. */
  challenge(code: 401 | 438, reason?: string): void {
    this.error(code, reason, (builder) =>
      builder.add(realm, this.core.options.realm).add(nonce, this.core.nonces.issue(this.connection.key)),
    );
  }

  private respond(messageClass: StunClass, add: AddAttributes | undefined): void {
    const builder = StunMessageBuilder.of(this.message.method, messageClass, this.message.transactionId);
    add?.(builder);
    const { software: name } = this.core.options;
    if (name !== false) builder.add(software, name);
    const bytes = builder.encode({
      integrityKey: this.auth?.key,
      fingerprint: this.message.has(AttributeType.Fingerprint),
    });
    this.connection.send(bytes);
  }
}
