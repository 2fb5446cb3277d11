import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from './coordinator-config.js';
import { ConfigError, parseEnv } from './env.schema.js';
import { resolveSecrets } from './secrets.js';

describe('environment', () => {
  it('has the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      TURN_PORT: 3478,
      TRACKER_UDP_PORT: 6969,
      SHOAL_DATA_DIR: '.shoal',
    });
    const config = configFromEnv(env, { jwtSecret: 'j'.repeat(32), turnSecret: 't'.repeat(16) });
    expect(config.database).toEqual({ kind: 'embedded', path: path.resolve('.shoal', 'db') });
  });

  it('switches to PostgreSQL and Redis when their URLs are set', () => {
    const env = parseEnv({ DATABASE_URL: 'postgresql://u@db:5432/shoal', REDIS_URL: 'redis://cache:6379' });
    const config = configFromEnv(env, { jwtSecret: 'j'.repeat(32), turnSecret: 't'.repeat(16) });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://u@db:5432/shoal' });
    expect(config.redisUrl).toBe('redis://cache:6379');
  });

  it('accepts port 0 and treats empty variables as unset', () => {
    expect(parseEnv({ PORT: '0', TURN_PORT: '0', DATABASE_URL: '' })).toMatchObject({ PORT: 0, TURN_PORT: 0 });
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: '70000', REDIS_URL: 'http://x', JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'REDIS_URL', 'JWT_SECRET', 'LOG_LEVEL']) expect(message).toContain(`${name}:`);
  });
});

describe('secrets', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('generates what was not given once, keeps it private, and prefers the environment', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-secrets-'));
    dirs.push(dir);
    const first = await resolveSecrets(dir, {});
    expect(first.generated.sort()).toEqual(['jwtSecret', 'turnSecret']);
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    const second = await resolveSecrets(dir, {});
    expect(second.generated).toEqual([]);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    const given = await resolveSecrets(dir, { jwtSecret: 'from-the-environment-0123456789abcdef' });
    expect(given.jwtSecret).toBe('from-the-environment-0123456789abcdef');
    expect(JSON.parse(await readFile(first.file, 'utf8')).jwtSecret).toBe(first.jwtSecret);
  });

  it('refuses a damaged secrets file instead of silently replacing it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-secrets-'));
    dirs.push(dir);
    await (await import('node:fs/promises')).writeFile(path.join(dir, 'secrets.json'), '{not json');
    await expect(resolveSecrets(dir, {})).rejects.toThrow(/cannot read/);
  });
});
