import { deviceIdFromPublicKey } from '@shoal/identity';
import type { UserDeviceKeys } from '@shoal/protocol';
import { RtcError } from './errors.js';
import type { TrustedUser, TrustStore } from './trust-store.js';

/** Where device keys come from: the coordinator's `GET /api/v1/users/:username/devices` (`ShoalClient.devices`). */
export interface KeyDirectory {
  ofUser(username: string): Promise<UserDeviceKeys>;
}

/** A device key not seen before for a user whose keys this device already knew. */
export interface KeyChange {
  username: string;
  userId?: string;
  deviceId: string;
  publicKey: string;
  /** The devices this device knew for the user until now. */
  knownDevices: string[];
  /** The person had confirmed the safety number over the known keys. */
  wasVerified: boolean;
}

/** Decides whether a key change is trusted; reported either way. */
export type KeyChangePolicy = (change: KeyChange) => boolean | Promise<boolean>;

export interface PeerIdentity {
  deviceId: string;
  username: string;
  userId?: string;
}

/**
 * The device keys of other people, trusted on first use: the first time a user's keys are needed
 * they come from the coordinator and are remembered; later, the remembered key is used, and a
 * device the coordinator names for a known user but that this device never saw is a key change,
 * reported and refused unless the policy accepts it.
 */
export class PeerKeys {
  constructor(
    private readonly directory: KeyDirectory,
    private readonly trust: TrustStore,
    private readonly policy: KeyChangePolicy,
    private readonly report: (change: KeyChange) => void,
  ) {}

  /** The Ed25519 public key (base64url) to check `peer`'s signatures with. */
  async keyOf(peer: PeerIdentity): Promise<string> {
    const known = await this.trust.get(peer.username);
    const remembered = known?.devices[peer.deviceId];
    if (remembered) return remembered;

    let listed: UserDeviceKeys;
    try {
      listed = await this.directory.ofUser(peer.username);
    } catch (error) {
      throw RtcError.unknownKey(peer.deviceId, `cannot fetch ${peer.username}'s keys (${(error as Error).message})`);
    }
    // A device id is the hash of its key: a coordinator cannot hand out another key for it.
    const devices = Object.fromEntries(
      listed.devices.filter((d) => deviceIdFromPublicKey(d.publicKey) === d.id).map((d) => [d.id, d.publicKey]),
    );
    const key = devices[peer.deviceId];
    if (!key) throw RtcError.unknownKey(peer.deviceId, `it is not an active device of ${peer.username}`);

    if (!known) {
      const first: TrustedUser = {
        username: peer.username,
        ...(peer.userId ? { userId: peer.userId } : {}),
        devices,
        firstSeen: new Date().toISOString(),
      };
      await this.trust.put(first);
      return key;
    }

    const change: KeyChange = {
      username: peer.username,
      ...(known.userId ? { userId: known.userId } : {}),
      deviceId: peer.deviceId,
      publicKey: key,
      knownDevices: Object.keys(known.devices),
      wasVerified: Boolean(known.verifiedAt),
    };
    this.report(change);
    if (!(await this.policy(change))) throw RtcError.keyChanged(peer.username, peer.deviceId);
    // Accepted: the safety number now covers a key the person has not compared.
    const updated: TrustedUser = { ...known, devices: { ...known.devices, [peer.deviceId]: key } };
    delete updated.verifiedAt;
    await this.trust.put(updated);
    return key;
  }
}
