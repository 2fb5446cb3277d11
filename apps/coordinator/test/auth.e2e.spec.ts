import { SignJWT } from 'jose';
import { ShoalApiError, ShoalClient } from '@shoal/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, GOOD_PASSWORD, request, startTestCoordinator, TEST_JWT_SECRET, uniqueName } from './harness.js';
import type { TestCoordinator } from './harness.js';

async function apiError(promise: Promise<unknown>): Promise<ShoalApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ShoalApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(backends())('auth ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator(backend);
  });
  afterAll(() => c?.stop());

  const userCount = () => c.database.prisma.user.count();

  it('registers, logs in, reads /me, refreshes and logs out', async () => {
    const username = uniqueName('Alice');
    const client = new ShoalClient({ baseUrl: c.url });
    const user = await client.auth.register({ username, password: GOOD_PASSWORD });
    expect(user.username).toBe(username.toLowerCase());
    const tokens = await client.auth.login({ username: username.toUpperCase(), password: GOOD_PASSWORD });
    expect(tokens.expiresIn).toBe(900);
    const me = await client.me();
    expect(me).toMatchObject({ id: user.id, username: user.username, role: 'user', auth: { kind: 'session' } });

    const first = client.session!;
    await client.auth.refresh();
    const second = client.session!;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await client.me()).id).toBe(user.id);

    await client.auth.logout();
    const after = await request(c.url, 'GET', '/api/v1/me', { token: second.accessToken });
    expect(after).toMatchObject({ status: 401, body: { code: 'AUTH_SESSION_REVOKED' } });
    const refreshAfter = await request(c.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: second.refreshToken },
    });
    expect(refreshAfter).toMatchObject({ status: 401, body: { code: 'AUTH_SESSION_REVOKED' } });
  });

  it('stores an argon2id hash, never the password', async () => {
    const username = uniqueName();
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    const row = await c.database.prisma.user.findUniqueOrThrow({ where: { username } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain(GOOD_PASSWORD);
  });

  it('revokes the whole session family when a rotated refresh token is used again', async () => {
    const username = uniqueName();
    const client = new ShoalClient({ baseUrl: c.url });
    await client.auth.register({ username, password: GOOD_PASSWORD });
    const original = await client.auth.login({ username, password: GOOD_PASSWORD });
    const rotated = await client.auth.refresh();

    const replay = await request(c.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: original.refreshToken },
    });
    expect(replay).toMatchObject({ status: 401, body: { code: 'AUTH_REFRESH_TOKEN_REUSED' } });
    // The legitimate holder's newer tokens die with the family.
    const newer = await request(c.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: rotated.refreshToken },
    });
    expect(newer).toMatchObject({ status: 401, body: { code: 'AUTH_SESSION_REVOKED' } });
    const access = await request(c.url, 'GET', '/api/v1/me', { token: rotated.accessToken });
    expect(access).toMatchObject({ status: 401, body: { code: 'AUTH_SESSION_REVOKED' } });
    // Other sessions of the same user are untouched.
    const other = new ShoalClient({ baseUrl: c.url });
    await other.auth.login({ username, password: GOOD_PASSWORD });
    expect((await other.me()).username).toBe(username);
  });

  it('lets exactly one of two racing refreshes with the same token win', async () => {
    const username = uniqueName();
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    const login = await request(c.url, 'POST', '/api/v1/auth/login', { body: { username, password: GOOD_PASSWORD } });
    const refreshToken = login.body.refreshToken as string;
    const results = await Promise.all(
      [0, 1, 2].map(() => request(c.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401]);
    for (const r of results.filter((x) => x.status === 401)) {
      expect(['AUTH_REFRESH_TOKEN_REUSED', 'AUTH_SESSION_REVOKED']).toContain(r.body.code);
    }
  });

  it('answers duplicate usernames with 409, also when registrations race', async () => {
    const username = uniqueName();
    const before = await userCount();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r).toMatchObject({ status: 409, body: { code: 'AUTH_USERNAME_TAKEN' } });
    }
    const again = await request(c.url, 'POST', '/api/v1/auth/register', {
      body: { username: username.toUpperCase(), password: GOOD_PASSWORD },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'AUTH_USERNAME_TAKEN' } });
    expect(await userCount()).toBe(before + 1);
  });

  it.each([
    ['empty', ''],
    ['short', 'abc123!'],
    ['common', 'password123'],
    ['repetitive', 'aaaaaaaaaaaa'],
  ])('refuses a %s password with AUTH_WEAK_PASSWORD and creates nothing', async (_kind, password) => {
    const before = await userCount();
    const r = await request(c.url, 'POST', '/api/v1/auth/register', { body: { username: uniqueName(), password } });
    expect(r).toMatchObject({ status: 400, body: { code: 'AUTH_WEAK_PASSWORD' } });
    expect(typeof r.body.message).toBe('string');
    expect(await userCount()).toBe(before);
  });

  it('refuses a password that contains the username', async () => {
    const username = uniqueName('mallory');
    const r = await request(c.url, 'POST', '/api/v1/auth/register', {
      body: { username, password: `${username}-is-great` },
    });
    expect(r).toMatchObject({ status: 400, body: { code: 'AUTH_WEAK_PASSWORD' } });
  });

  it.each([
    ['missing fields', { body: {} }, 400, 'VALIDATION_FAILED'],
    ['unknown field', { body: { username: 'bob1', password: GOOD_PASSWORD, admin: true } }, 400, 'VALIDATION_FAILED'],
    ['wrong types', { body: { username: 42, password: ['x'] } }, 400, 'VALIDATION_FAILED'],
    ['a username with spaces', { body: { username: 'a b c', password: GOOD_PASSWORD } }, 400, 'VALIDATION_FAILED'],
    ['an array body', { body: [1, 2] }, 400, 'VALIDATION_FAILED'],
    ['malformed JSON', { raw: '{"username": "bob", ' }, 400, 'MALFORMED_JSON'],
    ['an empty JSON body', { raw: '' }, 400, 'MALFORMED_JSON'],
    ['a text body', { raw: 'username=bob', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an oversized body', { body: { username: 'bob', password: 'x'.repeat(70 * 1024) } }, 413, 'PAYLOAD_TOO_LARGE'],
  ] as const)('answers %s with a stable code and writes nothing', async (_what, options, status, code) => {
    const before = await userCount();
    const r = await request(c.url, 'POST', '/api/v1/auth/register', options as Parameters<typeof request>[3]);
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
    expect(typeof r.body.message).toBe('string');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(js|ts):\d+/); // no stack traces
    expect(await userCount()).toBe(before);
    expect((await request(c.url, 'GET', '/health/live')).status).toBe(200);
  });

  it('answers wrong passwords and unknown users alike', async () => {
    const username = uniqueName();
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    const wrong = await request(c.url, 'POST', '/api/v1/auth/login', {
      body: { username, password: 'not the password' },
    });
    const unknown = await request(c.url, 'POST', '/api/v1/auth/login', {
      body: { username: uniqueName('ghost'), password: GOOD_PASSWORD },
    });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_CREDENTIALS' } });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_CREDENTIALS' } });
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  describe('bearer tokens', () => {
    let session: { userId: string; accessToken: string; sessionId: string };
    beforeAll(async () => {
      const username = uniqueName();
      const reg = await request(c.url, 'POST', '/api/v1/auth/register', {
        body: { username, password: GOOD_PASSWORD },
      });
      const login = await request(c.url, 'POST', '/api/v1/auth/login', { body: { username, password: GOOD_PASSWORD } });
      const accessToken = login.body.accessToken as string;
      const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
      session = { userId: reg.body.id, accessToken, sessionId: payload.sid };
    });

    const sign = (secret: string, claims: Record<string, unknown>, exp: number | string = '5m') =>
      new SignJWT({ sid: session.sessionId, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(session.userId)
        .setIssuer('shoal-coordinator')
        .setAudience('shoal-api')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));

    it('accepts the real token', async () => {
      expect((await request(c.url, 'GET', '/api/v1/me', { token: session.accessToken })).status).toBe(200);
    });

    it('refuses a missing token with AUTH_REQUIRED', async () => {
      expect(await request(c.url, 'GET', '/api/v1/me')).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
    });

    it('refuses alg:none', async () => {
      const [, payload] = session.accessToken.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
        const r = await request(c.url, 'GET', '/api/v1/me', { token });
        expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_TOKEN' } });
      }
    });

    it('refuses a token signed with another key', async () => {
      const token = await sign('another-secret-another-secret-another-secret', {});
      expect(await request(c.url, 'GET', '/api/v1/me', { token })).toMatchObject({
        status: 401,
        body: { code: 'AUTH_INVALID_TOKEN' },
      });
    });

    it('refuses a tampered payload', async () => {
      const [header, , signature] = session.accessToken.split('.');
      const forged = Buffer.from(
        JSON.stringify({ sub: '00000000-0000-4000-8000-000000000000', sid: session.sessionId }),
      ).toString('base64url');
      const r = await request(c.url, 'GET', '/api/v1/me', { token: `${header}.${forged}.${signature}` });
      expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_TOKEN' } });
    });

    it('refuses an expired token with AUTH_TOKEN_EXPIRED', async () => {
      const token = await sign(TEST_JWT_SECRET, {}, Math.floor(Date.now() / 1000) - 60);
      expect(await request(c.url, 'GET', '/api/v1/me', { token })).toMatchObject({
        status: 401,
        body: { code: 'AUTH_TOKEN_EXPIRED' },
      });
    });

    it('refuses a well-signed token for a session that does not exist', async () => {
      const token = await sign(TEST_JWT_SECRET, { sid: '00000000-0000-4000-8000-000000000000' });
      expect(await request(c.url, 'GET', '/api/v1/me', { token })).toMatchObject({
        status: 401,
        body: { code: 'AUTH_INVALID_TOKEN' },
      });
    });

    it('refuses garbage and malformed Authorization headers', async () => {
      for (const authorization of [
        'Bearer',
        'Bearer ',
        'Basic abc',
        'Bearer a.b.c',
        'Bearer \u00e9t\u00e9',
        'x'.repeat(5000),
      ]) {
        const r = await request(c.url, 'GET', '/api/v1/me', { headers: { authorization } });
        expect(r.status).toBe(401);
        expect(['AUTH_INVALID_TOKEN', 'AUTH_REQUIRED']).toContain(r.body.code);
      }
    });

    it('refuses unknown and used-up refresh tokens', async () => {
      const r = await request(c.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'rt_nope' } });
      expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_REFRESH_TOKEN' } });
    });
  });

  it('logs out with the bearer token alone, and a second logout is harmless', async () => {
    const username = uniqueName();
    const client = new ShoalClient({ baseUrl: c.url });
    await client.auth.register({ username, password: GOOD_PASSWORD });
    const tokens = await client.auth.login({ username, password: GOOD_PASSWORD });
    const out = await request(c.url, 'POST', '/api/v1/auth/logout', { token: tokens.accessToken });
    expect(out.status).toBe(204);
    const again = await request(c.url, 'POST', '/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } });
    expect(again.status).toBe(204);
    const err = await apiError(client.me());
    expect(err.code).toBe('AUTH_SESSION_REVOKED');
  });
});

describe.each(backends())('login rate limits ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator(backend, {
      rateLimits: {
        loginPerAccount: { points: 3, durationSeconds: 60 },
        loginPerAddress: { points: 8, durationSeconds: 60 },
        registerPerAddress: { points: 100, durationSeconds: 60 },
      },
    });
  });
  afterAll(() => c?.stop());

  it('limits attempts per account with 429 and Retry-After, even with the right password', async () => {
    const username = uniqueName();
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    for (let i = 0; i < 3; i++) {
      const r = await request(c.url, 'POST', '/api/v1/auth/login', { body: { username, password: 'wrong password!' } });
      expect(r.body.code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    const limited = await request(c.url, 'POST', '/api/v1/auth/login', { body: { username, password: GOOD_PASSWORD } });
    expect(limited).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('limits attempts per address across accounts', async () => {
    // The previous test spent 4 of this address's 8 attempts.
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(
        await request(c.url, 'POST', '/api/v1/auth/login', {
          body: { username: uniqueName(), password: 'wrong password!' },
        }),
      );
    }
    expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
