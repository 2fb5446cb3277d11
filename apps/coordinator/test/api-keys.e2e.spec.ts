import { generateDeviceKeys } from '@shoal/identity';
import { ShoalClient } from '@shoal/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, GOOD_PASSWORD, request, startTestCoordinator, uniqueName } from './harness.js';
import type { TestCoordinator } from './harness.js';

describe.each(backends())('API keys ($name)', (backend) => {
  let c: TestCoordinator;
  let owner: ShoalClient;
  let username: string;

  beforeAll(async () => {
    c = await startTestCoordinator(backend);
    username = uniqueName();
    owner = new ShoalClient({ baseUrl: c.url });
    await owner.auth.register({ username, password: GOOD_PASSWORD });
    await owner.auth.login({ username, password: GOOD_PASSWORD });
  });
  afterAll(() => c?.stop());

  it('shows a key once, stores only its hash, and lists it without the secret', async () => {
    const created = await owner.apiKeys.create({ name: 'ci bot', scopes: ['profile:read'] });
    expect(created.key).toMatch(/^shoal_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix + '_')).toBe(true);
    const listed = await owner.apiKeys.list();
    const entry = listed.find((k) => k.id === created.id)!;
    expect(entry).toMatchObject({ name: 'ci bot', scopes: ['profile:read'], revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(-43));
    const row = await c.database.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.key.slice(-43));
  });

  it('authenticates as Bearer within its scopes only', async () => {
    const created = await owner.apiKeys.create({ name: 'reader', scopes: ['profile:read', 'devices:read'] });
    const bot = new ShoalClient({ baseUrl: c.url, apiKey: created.key });
    const me = await bot.me();
    expect(me).toMatchObject({ username, auth: { kind: 'api-key', scopes: ['profile:read', 'devices:read'] } });
    expect((await bot.devices.list()).devices).toEqual([]);

    const write = await request(c.url, 'POST', '/api/v1/devices/challenge', { token: created.key });
    expect(write).toMatchObject({ status: 403, body: { code: 'AUTH_INSUFFICIENT_SCOPE' } });
    await expect(bot.devices.enroll(generateDeviceKeys(), 'x')).rejects.toMatchObject({
      code: 'AUTH_INSUFFICIENT_SCOPE',
    });
  });

  it('cannot manage API keys or log out with an API key', async () => {
    const created = await owner.apiKeys.create({
      name: 'all',
      scopes: ['profile:read', 'devices:read', 'devices:write'],
    });
    const create = await request(c.url, 'POST', '/api/v1/api-keys', {
      token: created.key,
      body: { name: 'escalate', scopes: ['devices:write'] },
    });
    expect(create).toMatchObject({ status: 403, body: { code: 'AUTH_FORBIDDEN' } });
    const list = await request(c.url, 'GET', '/api/v1/api-keys', { token: created.key });
    expect(list).toMatchObject({ status: 403, body: { code: 'AUTH_FORBIDDEN' } });
    const logout = await request(c.url, 'POST', '/api/v1/auth/logout', { token: created.key });
    expect(logout).toMatchObject({ status: 403, body: { code: 'AUTH_FORBIDDEN' } });
  });

  it('stops working at once when revoked', async () => {
    const created = await owner.apiKeys.create({ name: 'temp', scopes: ['profile:read'] });
    expect((await request(c.url, 'GET', '/api/v1/me', { token: created.key })).status).toBe(200);
    await owner.apiKeys.revoke(created.id);
    const r = await request(c.url, 'GET', '/api/v1/me', { token: created.key });
    expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_API_KEY_REVOKED' } });
    expect((await owner.apiKeys.list()).find((k) => k.id === created.id)?.revokedAt).not.toBeNull();
  });

  it('refuses forged keys and keys of other shapes', async () => {
    const created = await owner.apiKeys.create({ name: 'real', scopes: ['profile:read'] });
    const forged = created.key.slice(0, -4) + (created.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const token of [forged, 'shoal_short_x', `shoal_${'A'.repeat(12)}_${'A'.repeat(43)}`]) {
      const r = await request(c.url, 'GET', '/api/v1/me', { token });
      expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_INVALID_TOKEN' } });
    }
  });

  it('validates creation requests and revocations', async () => {
    const token = owner.session!.accessToken;
    for (const body of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['root'] },
      { name: '', scopes: ['profile:read'] },
      { name: 'x', scopes: ['profile:read'], expiresInDays: 0 },
    ]) {
      const r = await request(c.url, 'POST', '/api/v1/api-keys', { token, body });
      expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    const missing = await request(c.url, 'DELETE', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', { token });
    expect(missing).toMatchObject({ status: 404, body: { code: 'API_KEY_NOT_FOUND' } });
  });

  it('expires keys created with a lifetime', async () => {
    const created = await owner.apiKeys.create({ name: 'short', scopes: ['profile:read'], expiresInDays: 1 });
    expect((await request(c.url, 'GET', '/api/v1/me', { token: created.key })).status).toBe(200);
    await c.database.prisma.apiKey.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const r = await request(c.url, 'GET', '/api/v1/me', { token: created.key });
    expect(r).toMatchObject({ status: 401, body: { code: 'AUTH_API_KEY_REVOKED' } });
  });
});
