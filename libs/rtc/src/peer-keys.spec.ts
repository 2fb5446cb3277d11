import { deviceIdFromPublicKey, generateDeviceKeys, toBase64Url } from '@shoal/identity';
import type { UserDeviceKeys } from '@shoal/protocol';
import { describe, expect, it } from 'vitest';
import { PeerKeys } from './peer-keys.js';
import type { KeyChange } from './peer-keys.js';
import { MemoryTrustStore } from './trust-store.js';

const device = () => {
  const publicKey = toBase64Url(generateDeviceKeys().signing.publicKey);
  return { id: deviceIdFromPublicKey(publicKey), publicKey };
};

function directory(devices: { id: string; publicKey: string }[]) {
  const calls: string[] = [];
  return {
    calls,
    devices,
    ofUser: async (username: string): Promise<UserDeviceKeys> => {
      calls.push(username);
      return {
        username,
        devices: devices.map((d) => ({
          ...d,
          name: 'd',
          exchangeKey: d.publicKey,
          createdAt: new Date().toISOString(),
        })),
      };
    },
  };
}

describe('PeerKeys (trust on first use)', () => {
  it('fetches a user once, remembers every listed device, and answers later from memory', async () => {
    const d1 = device();
    const d2 = device();
    const dir = directory([d1, d2]);
    const trust = new MemoryTrustStore();
    const keys = new PeerKeys(
      dir,
      trust,
      () => false,
      () => undefined,
    );
    expect(await keys.keyOf({ deviceId: d1.id, username: 'bob' })).toBe(d1.publicKey);
    expect(await keys.keyOf({ deviceId: d2.id, username: 'bob' })).toBe(d2.publicKey);
    expect(dir.calls).toEqual(['bob']);
    // Even if the coordinator later says otherwise, the remembered key is the one used.
    dir.devices.splice(0, 2, { id: d1.id, publicKey: device().publicKey });
    expect(await keys.keyOf({ deviceId: d1.id, username: 'bob' })).toBe(d1.publicKey);
  });

  it('ignores a key that does not hash to its device id', async () => {
    const real = device();
    const forged = { id: real.id, publicKey: device().publicKey };
    const keys = new PeerKeys(
      directory([forged]),
      new MemoryTrustStore(),
      () => true,
      () => undefined,
    );
    await expect(keys.keyOf({ deviceId: real.id, username: 'bob' })).rejects.toMatchObject({ code: 'RTC_UNKNOWN_KEY' });
  });

  it('reports a new device of a known user and refuses it unless the policy accepts', async () => {
    const d1 = device();
    const d2 = device();
    const dir = directory([d1]);
    const trust = new MemoryTrustStore();
    const reported: KeyChange[] = [];
    let allow = false;
    const keys = new PeerKeys(
      dir,
      trust,
      () => allow,
      (c) => reported.push(c),
    );
    await keys.keyOf({ deviceId: d1.id, username: 'bob' });
    await trust.put({ ...(await trust.get('bob'))!, verifiedAt: 'yesterday' });
    dir.devices.push(d2);
    await expect(keys.keyOf({ deviceId: d2.id, username: 'bob' })).rejects.toMatchObject({ code: 'RTC_KEY_CHANGED' });
    expect(reported).toEqual([
      { username: 'bob', deviceId: d2.id, publicKey: d2.publicKey, knownDevices: [d1.id], wasVerified: true },
    ]);
    allow = true;
    expect(await keys.keyOf({ deviceId: d2.id, username: 'bob' })).toBe(d2.publicKey);
    expect(await trust.get('bob')).toMatchObject({ devices: { [d1.id]: d1.publicKey, [d2.id]: d2.publicKey } });
    expect((await trust.get('bob'))!.verifiedAt).toBeUndefined();
  });

  it('says so when the coordinator cannot be asked or does not know the device', async () => {
    const failing = new PeerKeys(
      { ofUser: async () => Promise.reject(new Error('offline')) },
      new MemoryTrustStore(),
      () => true,
      () => undefined,
    );
    await expect(failing.keyOf({ deviceId: 'a'.repeat(40), username: 'bob' })).rejects.toMatchObject({
      code: 'RTC_UNKNOWN_KEY',
      message: expect.stringMatching(/offline/),
    });
    const unknown = new PeerKeys(
      directory([device()]),
      new MemoryTrustStore(),
      () => true,
      () => undefined,
    );
    await expect(unknown.keyOf({ deviceId: 'a'.repeat(40), username: 'bob' })).rejects.toMatchObject({
      code: 'RTC_UNKNOWN_KEY',
    });
  });
});
