import { UsageError } from '../output.js';

/** `@bob` or `bob` → `bob`. */
export function parseUserTarget(value: string): string {
  const name = value.trim().replace(/^@/, '');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    throw new UsageError(`not a user: ${JSON.stringify(value)} (give @username)`);
  return name;
}

/** `100M`, `5MB`, `1G`, `4096` → bytes (K, M, G are powers of 1024). */
export function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(i?b)?$/i.exec(value.trim());
  if (!match) throw new UsageError(`not a size: ${JSON.stringify(value)} (e.g. 100M)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`not a size: ${JSON.stringify(value)}`);
  return bytes;
}

/** The first characters of a device id, as people see it. */
export function shortId(deviceId: string): string {
  return deviceId.slice(0, 12);
}
