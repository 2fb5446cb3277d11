import { TrackerError } from '../errors.js';

/** Longer than any honest announce or scrape (64 hashes × 60 characters fits easily). */
export const MAX_QUERY_LENGTH = 8192;

/**
 * Splits a raw query string into parameters whose values are bytes. BitTorrent clients
 * percent-encode binary info hashes and peer ids that are not UTF-8, so no framework's decoding
 * can be trusted with them. `+` stays a literal byte: clients encode spaces as `%20`, and a raw
 * `+` inside a binary value means 0x2B.
 */
export function parseQueryString(raw: string): Map<string, Buffer[]> {
  if (raw.length > MAX_QUERY_LENGTH) throw TrackerError.malformed('query string too long');
  const params = new Map<string, Buffer[]>();
  if (raw.length === 0) return params;
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq)).toString('latin1');
    const value = percentDecode(eq < 0 ? '' : pair.slice(eq + 1));
    const values = params.get(name);
    if (values === undefined) params.set(name, [value]);
    else values.push(value);
  }
  return params;
}

export function percentDecode(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25) {
      const high = hexValue(text.charCodeAt(i + 1));
      const low = hexValue(text.charCodeAt(i + 2));
      if (high < 0 || low < 0) throw TrackerError.malformed('bad percent-encoding');
      out[length++] = (high << 4) | low;
      i += 2;
    } else if (code > 0xff) {
      // A server hands the request line over as latin1: anything wider was not sent by a client.
      throw TrackerError.malformed('non-byte character in query string');
    } else {
      out[length++] = code;
    }
  }
  return out.subarray(0, length);
}

/** The inverse, used by tests and the fixture tools: every byte outside RFC 3986's unreserved set. */
export function percentEncode(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    text += unreserved ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return text;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}
