import { describe, expect, it } from 'vitest';
import { nonce } from './nonce.js';
import { realm } from './realm.js';
import { software } from './software.js';
import { username } from './username.js';

const context = { transactionId: Buffer.alloc(12) };

describe('USERNAME, REALM, NONCE, SOFTWARE', () => {
  it('carry UTF-8', () => {
    for (const codec of [username, realm, nonce, software]) {
      expect(codec.decode(codec.encode('マトリックス', context), context)).toBe('マトリックス');
    }
  });

  it('enforce their limits: USERNAME under 513 bytes, the others under 128 characters', () => {
    expect(() => username.encode('x'.repeat(514), context)).toThrow(/513/);
    expect(() => username.decode(Buffer.alloc(514), context)).toThrow(/513/);
    expect(username.decode(Buffer.alloc(513, 0x61), context)).toHaveLength(513);
    for (const codec of [realm, nonce, software]) {
      expect(() => codec.decode(Buffer.alloc(764), context)).toThrow(/763/);
    }
  });
});
