import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTurnRestUsername, turnRestAuthenticator, turnRestCredentials, turnRestPassword } from './turn-rest.js';

const NOW = Date.UTC(2030, 0, 1);
const request = (username: string, now = NOW) => ({
  username,
  realm: 'shoal',
  client: { family: 'IPv4' as const, address: '203.0.113.1', port: 1 },
  transport: 'udp' as const,
  now,
});

describe('TURN REST credentials', () => {
  it('mints "expiry:userId" and base64 HMAC-SHA1(secret, username)', () => {
    const credentials = turnRestCredentials('s3cret', 'alice', 3600, NOW);
    expect(credentials.username).toBe(`${NOW / 1000 + 3600}:alice`);
    expect(credentials.expiresAt).toBe(NOW / 1000 + 3600);
    const expected = createHmac('sha1', 's3cret').update(credentials.username).digest('base64');
    expect(credentials.password).toBe(expected);
    expect(turnRestPassword('s3cret', credentials.username)).toBe(expected);
  });

  it('matches what coturn computes for a known username', () => {
    // printf '1700000000:bob' | openssl dgst -sha1 -hmac secret -binary | base64
    expect(turnRestPassword('secret', '1700000000:bob')).toBe(
      createHmac('sha1', 'secret').update('1700000000:bob').digest('base64'),
    );
  });

  it('refuses bad arguments', () => {
    expect(() => turnRestCredentials('', 'a', 60)).toThrow(/secret/);
    expect(() => turnRestCredentials('s', 'a', 0)).toThrow(/ttl/);
    expect(() => turnRestCredentials('s', 'a:b', 60)).toThrow(/user id/);
  });

  it('parses usernames with and without a user id', () => {
    expect(parseTurnRestUsername('1700000000:bob')).toEqual({ expiresAt: 1_700_000_000, userId: 'bob' });
    expect(parseTurnRestUsername('1700000000:bob:extra')).toEqual({ expiresAt: 1_700_000_000, userId: 'bob:extra' });
    expect(parseTurnRestUsername('1700000000')).toEqual({ expiresAt: 1_700_000_000, userId: '1700000000' });
    expect(parseTurnRestUsername('bob:1700000000')).toBeUndefined();
    expect(parseTurnRestUsername('')).toBeUndefined();
  });

  it('authenticates fresh usernames and refuses expired or malformed ones', () => {
    const authenticate = turnRestAuthenticator('s3cret');
    const fresh = turnRestCredentials('s3cret', 'alice', 60, NOW);
    expect(authenticate(request(fresh.username))).toEqual({ password: fresh.password, userId: 'alice' });
    expect(authenticate(request(fresh.username, NOW + 61_000))).toBeUndefined();
    expect(authenticate(request('alice'))).toBeUndefined();
  });
});
