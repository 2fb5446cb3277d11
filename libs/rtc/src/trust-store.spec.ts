import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTrustStore } from './trust-store.file.js';
import { MemoryTrustStore } from './trust-store.js';
import { trustStoreCompliance } from './trust-store.compliance.js';

const dirs: string[] = [];
const tempFile = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-trust-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'trust.json');
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

trustStoreCompliance('MemoryTrustStore', async () => new MemoryTrustStore());
trustStoreCompliance('FileTrustStore', async () => new FileTrustStore(await tempFile()));

describe('FileTrustStore', () => {
  it('keeps trust across instances (processes) in a private file', async () => {
    const file = await tempFile();
    await new FileTrustStore(file).put({ username: 'alice', devices: { x: 'y' }, firstSeen: 'then' });
    expect(await new FileTrustStore(file).get('alice')).toEqual({
      username: 'alice',
      devices: { x: 'y' },
      firstSeen: 'then',
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('refuses a damaged file rather than trusting everyone anew', async () => {
    const file = await tempFile();
    await new FileTrustStore(file).put({ username: 'alice', devices: {}, firstSeen: 'then' });
    await writeFile(file, '{"version":1,"users":{"alice":{"devices":"nope"}}}');
    await expect(new FileTrustStore(file).get('alice')).rejects.toThrow(/damaged/);
  });
});
