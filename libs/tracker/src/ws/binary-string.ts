/**
 * The WebTorrent protocol sends 20-byte ids as JSON "binary strings": one character per byte,
 * code points 0..255.
 */
export function binaryStringToHex(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length !== 20) return undefined;
  for (let i = 0; i < 20; i++) if (value.charCodeAt(i) > 0xff) return undefined;
  return Buffer.from(value, 'latin1').toString('hex');
}

export function hexToBinaryString(hex: string): string {
  return Buffer.from(hex, 'hex').toString('latin1');
}
