import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess } from '@shoal/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, request, uniqueName } from './harness.js';

/** Sends a request whose body arrives in two parts, calling `between` after the first part. */
function slowPost(
  url: string,
  path: string,
  body: string,
  between: () => Promise<void>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    void between().then(() => req.end(body.slice(half)), reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the coordinator process (embedded default)', () => {
  let dataDir: string;
  let running: CoordinatorProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoal-coord-'));
  });
  afterEach(async () => {
    await running?.stop('SIGKILL');
    running = undefined;
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates missing secrets once, says so, and keeps them in the data dir', async () => {
    running = await startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir });
    const generated = running.lines.filter((l) => l.includes('was not set: generated one'));
    expect(generated.map((l) => JSON.parse(l).secret).sort()).toEqual(['jwtSecret', 'turnSecret']);
    const secretsFile = path.join(dataDir, 'secrets.json');
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(await readFile(secretsFile, 'utf8')) as Record<string, string>;
    expect(secrets.jwtSecret!.length).toBeGreaterThanOrEqual(32);
    expect(await running.stop()).toBe(0);

    running = await startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir });
    expect(running.lines.some((l) => l.includes('was not set: generated one'))).toBe(false);
    expect(JSON.parse(await readFile(secretsFile, 'utf8'))).toEqual(secrets);
  });

  it('finishes an open request on SIGTERM, exits 0, and keeps its data across a restart', async () => {
    running = await startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir });
    const username = uniqueName();
    expect(
      (await request(running.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } }))
        .status,
    ).toBe(201);

    const proc = running;
    const answer = await slowPost(
      proc.url,
      '/api/v1/auth/login',
      JSON.stringify({ username, password: GOOD_PASSWORD }),
      async () => {
        // The request is in flight (headers and half the body sent) when the signal arrives.
        await sleep(300);
        proc.child.kill('SIGTERM');
        await sleep(300);
      },
    );
    expect(answer.status).toBe(200);
    const tokens = JSON.parse(answer.body) as { accessToken: string };
    expect(await proc.exited).toBe(0);
    expect(proc.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    running = await startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir });
    // Same user, same session, same JWT secret: the token issued before the restart still works.
    const me = await request(running.url, 'GET', '/api/v1/me', { token: tokens.accessToken });
    expect(me).toMatchObject({ status: 200, body: { username } });
    const login = await request(running.url, 'POST', '/api/v1/auth/login', {
      body: { username, password: GOOD_PASSWORD },
    });
    expect(login.status).toBe(200);
  });

  it('refuses to open a data dir another coordinator is using', async () => {
    running = await startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir });
    await expect(startCoordinatorProcess({ SHOAL_DATA_DIR: dataDir })).rejects.toThrow(
      /another coordinator \(pid \d+\) is using/,
    );
    expect((await request(running.url, 'GET', '/health/ready')).status).toBe(200);
  });

  it('stops at start-up with a message that names a bad variable', () => {
    const main = path.join(repoRoot(), 'apps', 'coordinator', 'dist', 'main.js');
    const result = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, SHOAL_DATA_DIR: dataDir, PORT: 'eighty', DATABASE_URL: 'mysql://x' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT:');
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });
});
