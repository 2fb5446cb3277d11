import {
  deviceIdFromPublicKey,
  deviceRegistrationMessage,
  generateDeviceKeys,
  sign,
  toBase64Url,
} from '@shoal/identity';
import { ShoalApiError, ShoalClient } from '@shoal/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, GOOD_PASSWORD, request, startTestCoordinator, uniqueName } from './harness.js';
import type { TestCoordinator } from './harness.js';

describe.each(backends())('devices ($name)', (backend) => {
  let c: TestCoordinator;
  let alice: ShoalClient;
  let aliceId: string;
  let bob: ShoalClient;
  let bobName: string;

  const newUser = async () => {
    const username = uniqueName();
    const client = new ShoalClient({ baseUrl: c.url });
    const user = await client.auth.register({ username, password: GOOD_PASSWORD });
    await client.auth.login({ username, password: GOOD_PASSWORD });
    return { client, user };
  };

  /** A registration body signed by `keys`, for the caller to corrupt. */
  const signedBody = async (client: ShoalClient, userId: string, keys = generateDeviceKeys()) => {
    const { challenge } = await client.devices.challenge();
    const publicKey = toBase64Url(keys.signing.publicKey);
    const exchangeKey = toBase64Url(keys.exchange.publicKey);
    const signature = sign(
      keys.signing.secretKey,
      deviceRegistrationMessage({ userId, challenge, publicKey, exchangeKey }),
    );
    return { name: 'laptop', publicKey, exchangeKey, challenge, signature };
  };

  const deviceCount = () => c.database.prisma.device.count();

  beforeAll(async () => {
    c = await startTestCoordinator(backend);
    const a = await newUser();
    alice = a.client;
    aliceId = a.user.id;
    const b = await newUser();
    bob = b.client;
    bobName = b.user.username;
  });
  afterAll(() => c?.stop());

  it('registers a device key proven by a signed challenge, lists and revokes it', async () => {
    const keys = generateDeviceKeys();
    const device = await alice.devices.enroll(keys, 'phone');
    expect(device.id).toBe(deviceIdFromPublicKey(keys.signing.publicKey));
    expect(device.exchangeKey).toBe(toBase64Url(keys.exchange.publicKey));
    expect((await alice.devices.list()).devices.map((d) => d.id)).toContain(device.id);

    await alice.devices.revoke(device.id);
    const listed = (await alice.devices.list()).devices.find((d) => d.id === device.id);
    expect(listed?.revokedAt).not.toBeNull();
    // Revoking twice is harmless.
    await alice.devices.revoke(device.id);
  });

  it("lets another user fetch a user's active device keys, and only those", async () => {
    const active = await bob.devices.enroll(generateDeviceKeys(), 'desktop');
    const revoked = await bob.devices.enroll(generateDeviceKeys(), 'old laptop');
    await bob.devices.revoke(revoked.id);
    const seen = await alice.devices.ofUser(bobName.toUpperCase());
    expect(seen.username).toBe(bobName);
    expect(seen.devices.map((d) => d.id)).toEqual([active.id]);
    expect(seen.devices[0]!.publicKey).toBe(active.publicKey);
    const missing = await request(c.url, 'GET', '/api/v1/users/nobody-here/devices', {
      token: alice.session!.accessToken,
    });
    expect(missing).toMatchObject({ status: 404, body: { code: 'USER_NOT_FOUND' } });
  });

  it('refuses a replayed challenge', async () => {
    const body = await signedBody(alice, aliceId);
    const first = await request(c.url, 'POST', '/api/v1/devices', { body, token: alice.session!.accessToken });
    expect(first.status).toBe(201);
    const before = await deviceCount();
    // Same challenge, a different (validly signed) key: the challenge is spent.
    const keys = generateDeviceKeys();
    const publicKey = toBase64Url(keys.signing.publicKey);
    const exchangeKey = toBase64Url(keys.exchange.publicKey);
    const replay = {
      ...body,
      publicKey,
      exchangeKey,
      signature: sign(
        keys.signing.secretKey,
        deviceRegistrationMessage({ userId: aliceId, challenge: body.challenge, publicKey, exchangeKey }),
      ),
    };
    const r = await request(c.url, 'POST', '/api/v1/devices', { body: replay, token: alice.session!.accessToken });
    expect(r).toMatchObject({ status: 400, body: { code: 'DEVICE_CHALLENGE_INVALID' } });
    expect(await deviceCount()).toBe(before);
  });

  it("refuses another user's challenge", async () => {
    const body = await signedBody(bob, aliceId);
    const r = await request(c.url, 'POST', '/api/v1/devices', { body, token: alice.session!.accessToken });
    expect(r).toMatchObject({ status: 400, body: { code: 'DEVICE_CHALLENGE_INVALID' } });
  });

  it('refuses a key that does not match its signature, and keeps the challenge usable', async () => {
    const before = await deviceCount();
    const body = await signedBody(alice, aliceId);
    const impostor = toBase64Url(generateDeviceKeys().signing.publicKey);
    const r = await request(c.url, 'POST', '/api/v1/devices', {
      body: { ...body, publicKey: impostor },
      token: alice.session!.accessToken,
    });
    expect(r).toMatchObject({ status: 400, body: { code: 'DEVICE_SIGNATURE_INVALID' } });
    // A signature over another user id does not verify either.
    const keys = generateDeviceKeys();
    const other = await signedBody(alice, '00000000-0000-4000-8000-000000000000', keys);
    const r2 = await request(c.url, 'POST', '/api/v1/devices', { body: other, token: alice.session!.accessToken });
    expect(r2).toMatchObject({ status: 400, body: { code: 'DEVICE_SIGNATURE_INVALID' } });
    expect(await deviceCount()).toBe(before);
    // Nothing was written: the honest request with the first challenge still succeeds.
    const ok = await request(c.url, 'POST', '/api/v1/devices', { body, token: alice.session!.accessToken });
    expect(ok.status).toBe(201);
  });

  it('refuses a key that is already registered', async () => {
    const keys = generateDeviceKeys();
    await alice.devices.enroll(keys, 'tablet');
    const err = await bob.devices.enroll(keys, 'stolen').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShoalApiError);
    expect((err as ShoalApiError).code).toBe('DEVICE_KEY_IN_USE');
    expect((err as ShoalApiError).status).toBe(409);
  });

  it.each([
    ['a short public key', { publicKey: 'abc' }],
    ['a non-base64url signature', { signature: '!'.repeat(86) }],
    ['an empty name', { name: '' }],
    ['an unknown field', { admin: true }],
  ])('answers %s with VALIDATION_FAILED', async (_what, patch) => {
    const body = { ...(await signedBody(alice, aliceId)), ...patch };
    const r = await request(c.url, 'POST', '/api/v1/devices', { body, token: alice.session!.accessToken });
    expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it("cannot revoke another user's device", async () => {
    const device = await bob.devices.enroll(generateDeviceKeys(), 'bob-only');
    const r = await request(c.url, 'DELETE', `/api/v1/devices/${device.id}`, { token: alice.session!.accessToken });
    expect(r).toMatchObject({ status: 404, body: { code: 'DEVICE_NOT_FOUND' } });
    expect((await bob.devices.list()).devices.find((d) => d.id === device.id)?.revokedAt).toBeNull();
    const bad = await request(c.url, 'DELETE', '/api/v1/devices/not-a-device-id', {
      token: alice.session!.accessToken,
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
