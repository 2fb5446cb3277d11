import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runShoal, startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess } from '@shoal/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery staple';

describe('shoal account (CLI against a real coordinator process)', () => {
  let coordinator: CoordinatorProcess;
  let tmp: string;
  const username = `cli${Date.now().toString(36)}`;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'shoal-cli-'));
    coordinator = await startCoordinatorProcess({
      SHOAL_DATA_DIR: path.join(tmp, 'coordinator'),
      ACCESS_TOKEN_TTL_SECONDS: '2',
    });
  });
  afterAll(async () => {
    await coordinator?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const shoal = (dataDir: string, ...args: string[]) =>
    runShoal([...args, '--coordinator', coordinator.url, '--data-dir', path.join(tmp, dataDir)]);

  it('prints help with the commands it has', async () => {
    const help = await runShoal(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: shoal');
    expect(help.stdout).toMatch(/coordinator/);
    expect(help.stdout).toMatch(/account/);
    const sub = await runShoal(['account', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/register/);
    expect(sub.stdout).toMatch(/whoami/);
  });

  it('registers an account, logs in and registers this device, keeping keys and session private', async () => {
    const r = await shoal('laptop', 'account', 'register', '--username', username, '--password', PASSWORD);
    expect(r.stderr).toContain(`Created account ${username}`);
    expect(r.code).toBe(0);
    const deviceId = /this device is ([0-9a-f]{40})/.exec(r.stdout)?.[1];
    expect(deviceId).toBeDefined();
    for (const file of ['device-keys.json', 'session.json']) {
      expect((await stat(path.join(tmp, 'laptop', file))).mode & 0o777).toBe(0o600);
    }
    const keys = await readFile(path.join(tmp, 'laptop', 'device-keys.json'), 'utf8');
    const listed = (await (
      await fetch(`${coordinator.url}/api/v1/users/${username}/devices`, {
        headers: {
          authorization: `Bearer ${JSON.parse(await readFile(path.join(tmp, 'laptop', 'session.json'), 'utf8')).tokens.accessToken}`,
        },
      })
    ).json()) as { devices: { id: string; publicKey: string }[] };
    expect(listed.devices.map((d) => d.id)).toEqual([deviceId]);
    // The coordinator has the public key; the secret key never left the data dir.
    expect(keys).toContain(listed.devices[0]!.publicKey);
  });

  it('whoami answers as JSON, refreshing an expired access token by itself', async () => {
    const before = JSON.parse(await readFile(path.join(tmp, 'laptop', 'session.json'), 'utf8'));
    // The coordinator was started with 2-second access tokens.
    await new Promise((r) => setTimeout(r, 3_000));
    const r = await shoal('laptop', 'account', 'whoami', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(out).toMatchObject({ username, role: 'user', coordinator: coordinator.url });
    expect(out.deviceId).toMatch(/^[0-9a-f]{40}$/);
    const after = JSON.parse(await readFile(path.join(tmp, 'laptop', 'session.json'), 'utf8'));
    expect(after.tokens.refreshToken).not.toBe(before.tokens.refreshToken);
  });

  it('a second data dir is a second device of the same account', async () => {
    const r = await shoal('desktop', 'account', 'login', '--username', username, '--password', PASSWORD, '--json');
    expect(r.code).toBe(0);
    const second = JSON.parse(r.stdout.trim()) as { deviceId: string };
    const first = JSON.parse((await shoal('laptop', 'account', 'whoami', '--json')).stdout.trim()) as {
      deviceId: string;
    };
    expect(second.deviceId).not.toBe(first.deviceId);
    // Logging in again on the same device does not register it twice.
    const again = await shoal('desktop', 'account', 'login', '--username', username, '--password', PASSWORD, '--json');
    expect(JSON.parse(again.stdout.trim()).deviceId).toBe(second.deviceId);
  });

  it('fails clearly: wrong password, missing flags without a terminal, unreachable coordinator', async () => {
    const wrong = await shoal('other', 'account', 'login', '--username', username, '--password', 'not my password');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('AUTH_INVALID_CREDENTIALS');
    const missing = await shoal('other', 'account', 'login', '--username', username);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password');
    const weak = await shoal(
      'other',
      'account',
      'register',
      '--username',
      `${username}x`,
      '--password',
      'short',
      '--json',
    );
    expect(weak.code).toBe(1);
    expect(JSON.parse(weak.stdout.trim())).toMatchObject({ error: { code: 'AUTH_WEAK_PASSWORD' } });
    const down = await runShoal(['account', 'whoami', '--data-dir', path.join(tmp, 'nobody')]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('not logged in');
    const unreachable = await runShoal([
      'account',
      'login',
      '--username',
      username,
      '--password',
      PASSWORD,
      '--coordinator',
      'http://127.0.0.1:9',
      '--data-dir',
      path.join(tmp, 'other'),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('NETWORK_ERROR');
  });

  it('logs out: the session ends on the coordinator and is forgotten locally', async () => {
    const session = JSON.parse(await readFile(path.join(tmp, 'desktop', 'session.json'), 'utf8'));
    const r = await shoal('desktop', 'account', 'logout');
    expect(r.code).toBe(0);
    await expect(stat(path.join(tmp, 'desktop', 'session.json'))).rejects.toThrow();
    const refresh = await fetch(`${coordinator.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.tokens.refreshToken }),
    });
    expect(refresh.status).toBe(401);
    expect(((await refresh.json()) as { code: string }).code).toBe('AUTH_SESSION_REVOKED');
  });
});

describe('shoal coordinator', () => {
  it('runs the coordinator in the foreground and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoal-cli-coord-'));
    const child = spawn(
      process.execPath,
      [path.join(repoRoot(), 'apps/peer/bin/shoal.js'), 'coordinator', '--port', '0', '--data-dir', dataDir],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TURN_PORT: '0',
          TRACKER_UDP_PORT: '0',
          DHT_PORT: '0',
          DHT_BOOTSTRAP: 'none',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /coordinator listening on (http:\/\/[^"]+)"/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
