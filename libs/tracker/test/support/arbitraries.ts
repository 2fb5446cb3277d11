import fc from 'fast-check';
import { TrackerError } from '../../src/errors.js';

export const bytes20 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b));
export const hex20 = bytes20.map((b) => b.toString('hex'));

/** Runs `parse` and fails the property if it throws anything but a TrackerError. */
export function onlyTrackerErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof TrackerError))
      throw new Error(`threw a non-TrackerError: ${String(error)}`, { cause: error });
    if (typeof error.code !== 'string' || error.message.length === 0) {
      throw new Error('TrackerError without code or message', { cause: error });
    }
  }
}

/** Strings a hostile or broken client might send: binary, unicode, and near-miss query syntax. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 100 }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'info_hash',
          'peer_id',
          'port',
          'left',
          'numwant',
          'event',
          'ipv6',
          'ip',
          'key',
          'compact',
          'passkey',
          'constructor',
          '__proto__',
          '%',
          '',
        ),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('%', '%G0', '%e', '-1', '0', '65536', '99999999999999999999999', 'started', '[::1]:80'),
        ),
      ),
      { maxLength: 10 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
);
