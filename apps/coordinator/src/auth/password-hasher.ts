import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's first recommended profile (m=19 MiB, t=2, p=1). The numeric algorithm
// value stands in for @node-rs/argon2's `Algorithm.Argon2id`, an ambient const enum that
// isolated-module compilation cannot inline.
const ARGON2ID = 2;
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real verification, so that a login for an unknown username
   * cannot be told apart from a wrong password by its timing.
   */
  async verifyAgainstNothing(password: string): Promise<void> {
    this.dummyHash ??= this.hash('shoal-timing-equaliser');
    await this.verify(await this.dummyHash, password);
  }
}
