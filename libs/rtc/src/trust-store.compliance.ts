import { describe, expect, it } from 'vitest';
import type { TrustStore } from './trust-store.js';

/** What every TrustStore does; each implementation runs this suite. */
export function trustStoreCompliance(name: string, make: () => Promise<TrustStore>): void {
  describe(`${name} (TrustStore compliance)`, () => {
    const user = (username: string, devices: Record<string, string> = { ['a'.repeat(40)]: 'key-a' }) => ({
      username,
      devices,
      firstSeen: '2025-01-01T00:00:00.000Z',
    });

    it('returns nothing for a user it never saw', async () => {
      const store = await make();
      expect(await store.get('nobody')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('keeps what is put, per user, and replaces it on the next put', async () => {
      const store = await make();
      await store.put(user('alice'));
      await store.put(user('bob', { ['b'.repeat(40)]: 'key-b' }));
      await store.put({
        ...user('alice', { ['a'.repeat(40)]: 'key-a', ['c'.repeat(40)]: 'key-c' }),
        verifiedAt: 'now',
      });
      expect(await store.get('alice')).toEqual({
        ...user('alice', { ['a'.repeat(40)]: 'key-a', ['c'.repeat(40)]: 'key-c' }),
        verifiedAt: 'now',
      });
      expect((await store.list()).map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    });

    it('hands out copies: changing a result changes nothing stored', async () => {
      const store = await make();
      await store.put(user('alice'));
      const got = (await store.get('alice'))!;
      got.devices['d'.repeat(40)] = 'forged';
      expect(Object.keys((await store.get('alice'))!.devices)).toEqual(['a'.repeat(40)]);
    });

    it('keeps concurrent puts of different users', async () => {
      const store = await make();
      await Promise.all(['u1', 'u2', 'u3', 'u4'].map((n) => store.put(user(n))));
      expect((await store.list()).length).toBe(4);
    });
  });
}
