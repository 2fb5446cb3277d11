import { deserializeDeviceKeys, deviceIdFromPublicKey, generateDeviceKeys, serializeDeviceKeys } from '@shoal/identity';
import type { DeviceKeys, SerializedDeviceKeys } from '@shoal/identity';
import type { DataDir } from './data-dir.js';

const KEYS_FILE = 'device-keys.json';

/** This device's keys, made on first use and kept in the data dir; they never leave it. */
export async function loadOrCreateDeviceKeys(
  dir: DataDir,
): Promise<{ keys: DeviceKeys; deviceId: string; created: boolean }> {
  const stored = (await dir.readJson(KEYS_FILE)) as SerializedDeviceKeys | undefined;
  if (stored) {
    const keys = deserializeDeviceKeys(stored);
    return { keys, deviceId: deviceIdFromPublicKey(keys.signing.publicKey), created: false };
  }
  const keys = generateDeviceKeys();
  await dir.writeJson(KEYS_FILE, serializeDeviceKeys(keys));
  return { keys, deviceId: deviceIdFromPublicKey(keys.signing.publicKey), created: true };
}
