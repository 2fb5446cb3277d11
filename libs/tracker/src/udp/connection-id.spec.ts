import { describe, expect, it } from 'vitest';
import { TrackerError } from '../errors.js';
import { ConnectionIds } from './connection-id.js';

describe('ConnectionIds', () => {
  it('accepts an id from the same address and port for at least two minutes, at most three', () => {
    for (const offset of [0, 1, 30_000, 59_999]) {
      let now = 10 * 60_000 + offset;
      const ids = new ConnectionIds({ secret: 'x'.repeat(32), now: () => now });
      const id = ids.issue('10.0.0.1', 5000);
      expect(id).toHaveLength(8);
      now += 120_000;
      expect(ids.verify(id, '10.0.0.1', 5000)).toBe(true);
      now += 60_000;
      expect(ids.verify(id, '10.0.0.1', 5000)).toBe(false);
    }
  });

  it('refuses the id from another address or port, or from another secret', () => {
    const now = () => 1_000_000;
    const ids = new ConnectionIds({ secret: 'x'.repeat(32), now });
    const id = ids.issue('10.0.0.1', 5000);
    expect(ids.verify(id, '10.0.0.2', 5000)).toBe(false);
    expect(ids.verify(id, '10.0.0.1', 5001)).toBe(false);
    expect(new ConnectionIds({ secret: 'y'.repeat(32), now }).verify(id, '10.0.0.1', 5000)).toBe(false);
    expect(new ConnectionIds({ secret: 'x'.repeat(32), now }).verify(id, '10.0.0.1', 5000)).toBe(true);
    expect(ids.verify(id.subarray(0, 7), '10.0.0.1', 5000)).toBe(false);
  });

  it('needs no state: a fresh instance with the same secret (another replica) verifies', () => {
    const secret = Buffer.alloc(32, 7);
    const id = new ConnectionIds({ secret }).issue('::1', 1);
    expect(new ConnectionIds({ secret }).verify(id, '::1', 1)).toBe(true);
  });

  it('refuses a short secret', () => {
    expect(() => new ConnectionIds({ secret: 'short' })).toThrow(TrackerError);
  });
});
