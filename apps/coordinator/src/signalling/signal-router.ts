import { sdpFingerprints, signalSignatureMessage, verify } from '@shoal/identity';
import type { ErrorCode, SignalFrame } from '@shoal/protocol';
import type { ContactsRepository } from '../contacts/contacts.repository.js';
import type { Database } from '../database/database.js';
import type { DeviceInbox } from './inbox/device-inbox.js';
import type { PresenceStore } from './presence/presence-store.js';

/** A signed offer or answer must have been signed within this window of the coordinator's clock. */
export const SIGNATURE_MAX_SKEW_MS = 5 * 60_000;
/** How long a replica trusts what it learnt about a pair of users (blocks made elsewhere). */
export const RELATION_TTL_MS = 5_000;

export interface SenderIdentity {
  deviceId: string;
  userId: string;
  username: string;
  publicKey: string;
}

export class SignalError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Relays one signal frame to its target device: checks that the device exists, takes the
 * sender's signals, is online, and that offers and answers carry a valid signature of the sending
 * device; records a first contact as a contact request; queues the frame in the target's inbox.
 */
export class SignalRouter {
  private readonly deviceCache = new Map<string, { userId: string; revoked: boolean; at: number }>();
  /**
   * Per (recipient, sender) pair: whether the recipient blocked the sender, and whether the pair
   * already has a relationship (so no first-contact check is needed). A negotiation sends a dozen
   * frames in a second; asking the database each time made the relay slow. Changes made on this
   * replica invalidate at once (`forget`); other replicas' changes are seen within RELATION_TTL_MS.
   */
  private readonly relationCache = new Map<string, { blocked: boolean; related: boolean; at: number }>();

  constructor(
    private readonly database: Database,
    private readonly contacts: ContactsRepository,
    private readonly presence: PresenceStore,
    private readonly inbox: DeviceInbox,
  ) {}

  async route(from: SenderIdentity, frame: SignalFrame): Promise<void> {
    const target = await this.device(frame.to);
    if (!target || target.revoked) throw new SignalError('SIGNAL_UNKNOWN_DEVICE', `no active device ${frame.to}`);
    const pair = `${target.userId}:${from.userId}`;
    let relation = this.relationCache.get(pair);
    if (!relation || Date.now() - relation.at > RELATION_TTL_MS) {
      relation = { blocked: await this.contacts.isBlocked(target.userId, from.userId), related: false, at: Date.now() };
      if (this.relationCache.size > 50_000) this.relationCache.clear();
      this.relationCache.set(pair, relation);
    }
    // A blocked sender is told the same as for an offline device: nothing about the blocker.
    if (relation.blocked) throw offline(frame.to);
    if (!(await this.presence.get(frame.to))) throw offline(frame.to);

    if (frame.kind === 'offer' || frame.kind === 'answer') {
      if (Math.abs(Date.now() - frame.timestamp!) > SIGNATURE_MAX_SKEW_MS) {
        throw new SignalError('SIGNAL_STALE', 'the signature timestamp is more than 5 minutes from now');
      }
      const message = signalSignatureMessage({
        session: frame.session,
        from: from.deviceId,
        to: frame.to,
        kind: frame.kind,
        fingerprints: sdpFingerprints(frame.sdp!),
        timestamp: frame.timestamp!,
      });
      if (!verify(from.publicKey, message, frame.signature!)) {
        throw new SignalError('SIGNAL_BAD_SIGNATURE', `the ${frame.kind} is not signed by device ${from.deviceId}`);
      }
    }
    const firstContact = relation.related ? false : await this.contacts.recordFirstContact(from.userId, target.userId);
    relation.related = true;
    await this.inbox.append(frame.to, {
      v: 1,
      type: 'signal',
      from: { deviceId: from.deviceId, userId: from.userId, username: from.username },
      session: frame.session,
      kind: frame.kind,
      ...(frame.sdp !== undefined ? { sdp: frame.sdp } : {}),
      ...(frame.candidate !== undefined ? { candidate: frame.candidate } : {}),
      ...(frame.timestamp !== undefined ? { timestamp: frame.timestamp } : {}),
      ...(frame.signature !== undefined ? { signature: frame.signature } : {}),
      firstContact,
    });
  }

  /** Forgets what is cached about two users, after their relationship changed. */
  forget(a: string, b: string): void {
    this.relationCache.delete(`${a}:${b}`);
    this.relationCache.delete(`${b}:${a}`);
  }

  /** Device ownership changes rarely (revocation); a few seconds of caching spare a query per ICE candidate. */
  private async device(deviceId: string): Promise<{ userId: string; revoked: boolean } | undefined> {
    const cached = this.deviceCache.get(deviceId);
    if (cached && Date.now() - cached.at < 5_000) return cached;
    const row = await this.database.prisma.device.findUnique({
      where: { id: deviceId },
      select: { userId: true, revokedAt: true },
    });
    if (!row) return undefined;
    const entry = { userId: row.userId, revoked: row.revokedAt !== null, at: Date.now() };
    if (this.deviceCache.size > 10_000) this.deviceCache.clear();
    this.deviceCache.set(deviceId, entry);
    return entry;
  }
}

function offline(deviceId: string): SignalError {
  return new SignalError('SIGNAL_PEER_OFFLINE', `device ${deviceId} is not online`);
}
