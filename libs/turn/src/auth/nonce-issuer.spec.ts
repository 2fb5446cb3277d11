import { describe, expect, it } from 'vitest';
import { NonceIssuer } from './nonce-issuer.js';

describe('NonceIssuer', () => {
  it('accepts its own nonce for the same client until it expires', () => {
    let now = 1_000_000;
    const issuer = new NonceIssuer(60_000, () => now);
    const nonce = issuer.issue('udp/203.0.113.1/5000');
    expect(nonce.length).toBeLessThan(128);
    expect(issuer.isValid(nonce, 'udp/203.0.113.1/5000')).toBe(true);
    now += 59_999;
    expect(issuer.isValid(nonce, 'udp/203.0.113.1/5000')).toBe(true);
    now += 1;
    expect(issuer.isValid(nonce, 'udp/203.0.113.1/5000')).toBe(false);
  });

  it('refuses nonces for another client, from another server and forged ones', () => {
    const issuer = new NonceIssuer(60_000, Date.now);
    const nonce = issuer.issue('udp/203.0.113.1/5000');
    expect(issuer.isValid(nonce, 'udp/203.0.113.1/5001')).toBe(false);
    expect(new NonceIssuer(60_000, Date.now).isValid(nonce, 'udp/203.0.113.1/5000')).toBe(false);
    const [expiry] = nonce.split('.');
    expect(issuer.isValid(`${expiry}.AAAAAAAAAAAAAAAA`, 'udp/203.0.113.1/5000')).toBe(false);
    expect(issuer.isValid('zzzzzzzzzzzzzzzzzzzz.x', 'udp/203.0.113.1/5000')).toBe(false);
    expect(issuer.isValid('', 'udp/203.0.113.1/5000')).toBe(false);
  });
});
