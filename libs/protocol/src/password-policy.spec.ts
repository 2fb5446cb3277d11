import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describePasswordProblems, passwordProblems } from './password-policy.js';

describe('password policy', () => {
  it('accepts a long passphrase and refuses the usual suspects', () => {
    expect(passwordProblems('correct horse battery staple', 'alice')).toEqual([]);
    expect(passwordProblems('')).toEqual(['empty']);
    expect(passwordProblems('short1!')).toContain('too-short');
    expect(passwordProblems('Password123')).toContain('common');
    expect(passwordProblems('alice-rocks-2026', 'Alice')).toContain('contains-username');
    expect(passwordProblems('abababababab')).toContain('repetitive');
  });

  it('measures length in code points, not UTF-16 units', () => {
    expect(passwordProblems('🐟🐟🐠🐡🦈🐙🦑🦀')).not.toContain('too-short');
    expect(passwordProblems('🐟🐠🐡')).toContain('too-short');
  });

  it('never throws, and every problem has a description', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.option(fc.string({ maxLength: 40 })), (password, username) => {
        const problems = passwordProblems(password, username ?? undefined);
        const text = describePasswordProblems(problems);
        expect(problems.length === 0 ? text === '' : text.length > 0).toBe(true);
      }),
    );
  });
});
