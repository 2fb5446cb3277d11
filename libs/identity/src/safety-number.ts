import { sha512 } from '@noble/hashes/sha2.js';
import { fromBase64Url } from './base64url.js';

const encoder = new TextEncoder();

// Many rounds make a chosen-key collision of the displayed digits expensive to search for, as in
// Signal's safety numbers.
const ROUNDS = 5200;

function fingerprint(username: string, publicKeys: string[]): Uint8Array {
  const keys = [...publicKeys].sort().map((k) => fromBase64Url(k));
  let digest = concat([encoder.encode(`shoal/safety/v1\n${username}\n`), ...keys]);
  for (let i = 0; i < ROUNDS; i++) digest = sha512(concat([digest, ...keys]));
  return digest;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function digits(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    // 5 bytes per group, reduced to 5 decimal digits.
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + bytes[i * 5 + j]!;
    groups.push(String(n % 100_000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/**
 * A number two people compare (read aloud, or side by side) to be sure that the device keys each
 * one's client uses for the other are the real ones. It covers all active device keys of both
 * users, and is the same on both sides.
 */
export function safetyNumber(
  a: { username: string; publicKeys: string[] },
  b: { username: string; publicKeys: string[] },
): string {
  const [first, second] = a.username <= b.username ? [a, b] : [b, a];
  return `${digits(fingerprint(first.username, first.publicKeys))} ${digits(fingerprint(second.username, second.publicKeys))}`;
}
