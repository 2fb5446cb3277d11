import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAC_LENGTH = 12;

/**
 * Stateless nonces (RFC 8489 §9.2): "<expiry ms, base 36>.<MAC>", the MAC binding the expiry to
 * the client's transport address under a key made at start-up. Nothing is stored per client, so a
 * flood of unauthenticated requests costs no memory; a nonce is refused once expired (438 Stale
 * Nonce), for another client, or forged.
 */
export class NonceIssuer {
  private readonly key = randomBytes(32);

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  issue(client: string): string {
    const expiry = (this.now() + this.lifetimeMs).toString(36);
    return `${expiry}.${this.mac(expiry, client).toString('base64url')}`;
  }

  isValid(nonce: string, client: string): boolean {
    const dot = nonce.indexOf('.');
    if (dot <= 0) return false;
    const expiry = nonce.slice(0, dot);
    const expiresAt = parseInt(expiry, 36);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return false;
    const mac = Buffer.from(nonce.slice(dot + 1), 'base64url');
    return mac.length === MAC_LENGTH && timingSafeEqual(mac, this.mac(expiry, client));
  }

  private mac(expiry: string, client: string): Buffer {
    return createHmac('sha256', this.key).update(`${expiry}|${client}`).digest().subarray(0, MAC_LENGTH);
  }
}
