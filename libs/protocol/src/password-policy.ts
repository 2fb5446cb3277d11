import { PASSWORD_MAX, PASSWORD_MIN } from './common.js';

// A short list of the passwords every breach list starts with. The server is the authority;
// clients use the same function to warn before a round trip.
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  '87654321',
  '11111111',
  '00000000',
  'qwertyui',
  'qwertyuiop',
  'qwerty123',
  'qwerty12',
  '1q2w3e4r',
  '1q2w3e4r5t',
  'zaq12wsx',
  'asdfghjk',
  'asdfghjkl',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'welcome123',
  'letmein1',
  'letmein123',
  'admin123',
  'administrator',
  'trustno1',
  'superman',
  'starwars',
  'whatever',
  'dragon123',
  'monkey123',
  'abc12345',
  'abcd1234',
  'abcdefgh',
  'changeme',
  'changeme1',
  'secret123',
  'shoal123',
  'shoalshoal',
]);

export type PasswordProblem = 'empty' | 'too-short' | 'too-long' | 'common' | 'contains-username' | 'repetitive';

/** What is wrong with a password, or an empty list when it is acceptable. */
export function passwordProblems(password: string, username?: string): PasswordProblem[] {
  if (password.length === 0) return ['empty'];
  const problems: PasswordProblem[] = [];
  // Count code points, not UTF-16 units, so that emoji passwords are measured fairly.
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push('too-short');
  if (password.length > PASSWORD_MAX) problems.push('too-long');
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push('common');
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    problems.push('contains-username');
  }
  if (new Set(password).size <= 2) problems.push('repetitive');
  return problems;
}

export function describePasswordProblems(problems: PasswordProblem[]): string {
  const text: Record<PasswordProblem, string> = {
    empty: 'the password is empty',
    'too-short': `the password needs at least ${PASSWORD_MIN} characters`,
    'too-long': `the password has more than ${PASSWORD_MAX} characters`,
    common: 'the password is one of the most common passwords',
    'contains-username': 'the password contains the username',
    repetitive: 'the password repeats one or two characters',
  };
  return problems.map((p) => text[p]).join('; ');
}
