import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, request, startTestCoordinator } from './harness.js';
import type { TestCoordinator } from './harness.js';
import { newUser } from './ws-device.js';
import type { TestUser } from './ws-device.js';

describe.each(backends())('contacts ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator(backend);
  });
  afterAll(() => c?.stop());

  const states = async (user: TestUser) =>
    Object.fromEntries((await user.client.contacts.list()).map((x) => [x.username, x.state]));

  it('requests, accepts and removes, keeping both sides consistent', async () => {
    const alice = await newUser(c.url, 'alice');
    const bob = await newUser(c.url, 'bob');
    expect((await alice.client.contacts.add(bob.username.toUpperCase())).state).toBe('outgoing');
    expect(await states(bob)).toEqual({ [alice.username]: 'incoming' });
    expect((await bob.client.contacts.accept(alice.username)).state).toBe('accepted');
    expect(await states(alice)).toEqual({ [bob.username]: 'accepted' });
    // Adding again is idempotent.
    expect((await alice.client.contacts.add(bob.username)).state).toBe('accepted');
    await bob.client.contacts.remove(alice.username);
    expect(await states(alice)).toEqual({});
    expect(await states(bob)).toEqual({});
  });

  it('accepts at once when both asked', async () => {
    const alice = await newUser(c.url, 'alice');
    const bob = await newUser(c.url, 'bob');
    await alice.client.contacts.add(bob.username);
    expect((await bob.client.contacts.add(alice.username)).state).toBe('accepted');
    expect(await states(alice)).toEqual({ [bob.username]: 'accepted' });
  });

  it('blocks without telling the blocked user', async () => {
    const alice = await newUser(c.url, 'alice');
    const mallory = await newUser(c.url, 'mallory');
    await alice.client.contacts.block(mallory.username);
    expect(await states(alice)).toEqual({ [mallory.username]: 'blocked' });
    // Mallory's request looks pending to Mallory; Alice sees nothing new.
    expect((await mallory.client.contacts.add(alice.username)).state).toBe('outgoing');
    expect(await states(alice)).toEqual({ [mallory.username]: 'blocked' });
    const self = await request(c.url, 'POST', '/api/v1/contacts', {
      token: alice.accessToken,
      body: { username: alice.username },
    });
    expect(self).toMatchObject({ status: 400, body: { code: 'CONTACT_SELF' } });
    const again = await request(c.url, 'POST', '/api/v1/contacts', {
      token: alice.accessToken,
      body: { username: mallory.username },
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'CONTACT_BLOCKED' } });
    await alice.client.contacts.unblock(mallory.username);
    expect(await states(alice)).toEqual({});
  });

  it('answers unknown users and missing requests with stable codes', async () => {
    const alice = await newUser(c.url, 'alice');
    const bob = await newUser(c.url, 'bob');
    const token = alice.accessToken;
    expect(
      await request(c.url, 'POST', '/api/v1/contacts', { token, body: { username: 'no-such-user' } }),
    ).toMatchObject({
      status: 404,
      body: { code: 'USER_NOT_FOUND' },
    });
    expect(await request(c.url, 'POST', `/api/v1/contacts/${bob.username}/accept`, { token })).toMatchObject({
      status: 404,
      body: { code: 'CONTACT_NOT_FOUND' },
    });
    expect(await request(c.url, 'DELETE', `/api/v1/contacts/${bob.username}`, { token })).toMatchObject({
      status: 404,
      body: { code: 'CONTACT_NOT_FOUND' },
    });
    expect(await request(c.url, 'DELETE', `/api/v1/contacts/${bob.username}/block`, { token })).toMatchObject({
      status: 404,
      body: { code: 'CONTACT_NOT_FOUND' },
    });
    expect(await request(c.url, 'POST', '/api/v1/contacts', { token, body: { username: 'x y' } })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
  });

  it('needs the contacts scope for API keys', async () => {
    const alice = await newUser(c.url, 'alice');
    const without = await alice.client.apiKeys.create({ name: 'x', scopes: ['profile:read'] });
    const withScope = await alice.client.apiKeys.create({ name: 'y', scopes: ['contacts'] });
    expect((await request(c.url, 'GET', '/api/v1/contacts', { token: without.key })).body.code).toBe(
      'AUTH_INSUFFICIENT_SCOPE',
    );
    expect((await request(c.url, 'GET', '/api/v1/contacts', { token: withScope.key })).status).toBe(200);
  });
});
