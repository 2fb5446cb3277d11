/**
 * A bencode encoder for tracker responses. Written here rather than taken from `bencode` because
 * scrape answers need binary dictionary keys sorted by raw bytes, and the hot path wants Buffers.
 */

export type BencodeValue =
  | number
  | string
  | Uint8Array
  | readonly BencodeValue[]
  | ReadonlyMap<string | Uint8Array, BencodeValue>
  | { readonly [key: string]: BencodeValue | undefined };

export function bencode(value: BencodeValue): Buffer {
  const parts: Buffer[] = [];
  write(parts, value);
  return Buffer.concat(parts);
}

const D = Buffer.from('d');
const L = Buffer.from('l');
const E = Buffer.from('e');

function write(parts: Buffer[], value: BencodeValue): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode integers must be safe integers, got ${value}`);
    parts.push(Buffer.from(`i${value}e`));
  } else if (typeof value === 'string') {
    writeBytes(parts, Buffer.from(value, 'utf8'));
  } else if (value instanceof Uint8Array) {
    writeBytes(parts, value);
  } else if (Array.isArray(value)) {
    parts.push(L);
    for (const item of value as readonly BencodeValue[]) write(parts, item);
    parts.push(E);
  } else if (value instanceof Map) {
    const entries = [...(value as ReadonlyMap<string | Uint8Array, BencodeValue>)].map(
      ([key, item]) => [typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key), item] as const,
    );
    writeDict(parts, entries);
  } else {
    const entries: (readonly [Buffer, BencodeValue])[] = [];
    for (const [key, item] of Object.entries(value as { readonly [key: string]: BencodeValue | undefined })) {
      if (item !== undefined) entries.push([Buffer.from(key, 'utf8'), item]);
    }
    writeDict(parts, entries);
  }
}

function writeBytes(parts: Buffer[], bytes: Uint8Array): void {
  parts.push(Buffer.from(`${bytes.byteLength}:`), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function writeDict(parts: Buffer[], entries: (readonly [Buffer, BencodeValue])[]): void {
  entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  parts.push(D);
  for (const [key, item] of entries) {
    writeBytes(parts, key);
    write(parts, item);
  }
  parts.push(E);
}
