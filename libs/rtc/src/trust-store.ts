/**
 * What this device has seen of other people's device keys: trust on first use. The first time a
 * user's keys are needed they are fetched from the coordinator and remembered; from then on, the
 * remembered keys are used, and a device key not seen before is reported, not silently accepted.
 */
export interface TrustedUser {
  username: string;
  userId?: string;
  /** Device id → Ed25519 public key (base64url). */
  devices: Record<string, string>;
  /** When this device first saw the user's keys (ISO date). */
  firstSeen: string;
  /** When the person confirmed the safety number over these keys; cleared when a key is added. */
  verifiedAt?: string;
}

export interface TrustStore {
  get(username: string): Promise<TrustedUser | undefined>;
  put(user: TrustedUser): Promise<void>;
  list(): Promise<TrustedUser[]>;
}

/** Keeps trust in memory: for tests and for clients that have nowhere to keep it. */
export class MemoryTrustStore implements TrustStore {
  private readonly users = new Map<string, TrustedUser>();

  async get(username: string): Promise<TrustedUser | undefined> {
    const user = this.users.get(username);
    return user ? structuredClone(user) : undefined;
  }

  async put(user: TrustedUser): Promise<void> {
    this.users.set(user.username, structuredClone(user));
  }

  async list(): Promise<TrustedUser[]> {
    return [...this.users.values()].map((u) => structuredClone(u));
  }
}
