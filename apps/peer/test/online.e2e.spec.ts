import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot, runShoal, startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess } from '@shoal/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery staple';

/** `shoal daemon` as a process: its JSON event lines, and a way to wait for one. */
class Daemon {
  readonly events: Record<string, any>[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  private readonly waiters = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn(
      process.execPath,
      [path.join(repoRoot(), 'apps', 'peer', 'bin', 'shoal.js'), 'daemon', ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffer = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.events.push(JSON.parse(buffer.slice(0, nl)) as Record<string, any>);
        buffer = buffer.slice(nl + 1);
        for (const w of this.waiters) w();
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve(code ?? signal ?? -1);
        for (const w of this.waiters) w();
      });
    });
  }

  waitFor(match: (e: Record<string, any>) => boolean, timeoutMs = 30_000): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found) finish(() => resolve(found));
        else if (this.child.exitCode !== null || this.child.signalCode !== null)
          finish(() => reject(new Error(`daemon exited: ${this.stderr}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`not seen; events ${JSON.stringify(this.events.map((e) => e.event))}`))),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        then();
      };
      this.waiters.add(check);
      check();
    });
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

describe('shoal daemon, ping, speedtest and contacts (CLI against a real coordinator process)', () => {
  let coordinator: CoordinatorProcess;
  let tmp: string;
  const daemons: Daemon[] = [];
  const suffix = randomBytes(3).toString('hex');
  const users = {
    alice: { username: `alice${suffix}`, deviceId: '' },
    bob: { username: `bob${suffix}`, deviceId: '' },
    carol: { username: `carol${suffix}`, deviceId: '' },
  };
  const dir = (name: string) => path.join(tmp, name);
  const shoal = (dataDir: string, ...args: string[]) =>
    runShoal([...args, '--data-dir', dir(dataDir)], { timeoutMs: 90_000 });
  const lines = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
  const daemon = async (dataDir: string, ...args: string[]) => {
    const d = new Daemon(['--json', '--data-dir', dir(dataDir), ...args]);
    daemons.push(d);
    await d.waitFor((e) => e.event === 'ready');
    return d;
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'shoal-online-'));
    coordinator = await startCoordinatorProcess({
      SHOAL_DATA_DIR: dir('coordinator'),
      TURN_PORT: '0',
      TRACKER_UDP_PORT: '0',
    });
    for (const [name, user] of Object.entries(users)) {
      const r = await runShoal(
        ['account', 'register', '--username', user.username, '--password', PASSWORD, '--json'].concat([
          '--coordinator',
          coordinator.url,
          '--data-dir',
          dir(name),
        ]),
      );
      expect(r.code, r.stderr).toBe(0);
      user.deviceId = lines(r.stdout)[0]!.deviceId as string;
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    await coordinator?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('has help for each new command', async () => {
    for (const [args, words] of [
      [
        ['daemon', '--help'],
        [/SIGINT or SIGTERM/, /--accept-from/, /--json/],
      ],
      [
        ['ping', '--help'],
        [/round-trip/, /--count/, /direct host, direct server-reflexive, relayed/],
      ],
      [
        ['speedtest', '--help'],
        [/--bytes/, /SHA-256/],
      ],
      [
        ['contacts', '--help'],
        [/list/, /add/, /accept/, /remove/, /block/, /unblock/, /verify/],
      ],
      [
        ['contacts', 'verify', '--help'],
        [/safety number/, /--confirm/],
      ],
    ] as const) {
      const r = await runShoal([...args]);
      expect(r.code).toBe(0);
      for (const word of words) expect(r.stdout).toMatch(word);
    }
  });

  it('manages contacts: request, accept, list, block, unblock, remove', async () => {
    const { alice, bob, carol } = users;
    const add = await shoal('alice', 'contacts', 'add', `@${bob.username}`, '--json');
    expect(lines(add.stdout)[0]).toMatchObject({ username: bob.username, action: 'add', state: 'outgoing' });
    const incoming = lines((await shoal('bob', 'contacts', '--json')).stdout);
    expect(incoming).toEqual([expect.objectContaining({ username: alice.username, state: 'incoming' })]);
    expect((await shoal('bob', 'contacts', 'accept', `@${alice.username}`)).stdout).toContain('is now a contact');
    const listed = await shoal('alice', 'contacts', 'list');
    expect(listed.stdout).toMatch(new RegExp(`^${bob.username}\\s+contact \\(since \\d{4}-\\d{2}-\\d{2}\\)$`, 'm'));

    expect((await shoal('alice', 'contacts', 'block', `@${carol.username}`)).code).toBe(0);
    expect(lines((await shoal('alice', 'contacts', '--json')).stdout)).toContainEqual(
      expect.objectContaining({ username: carol.username, state: 'blocked' }),
    );
    expect((await shoal('alice', 'contacts', 'unblock', `@${carol.username}`)).code).toBe(0);
    expect((await shoal('carol', 'contacts', 'add', `@${alice.username}`)).code).toBe(0);
    expect((await shoal('carol', 'contacts', 'remove', `@${alice.username}`)).code).toBe(0);
    expect(lines((await shoal('alice', 'contacts', '--json')).stdout).map((c) => c.username)).toEqual([bob.username]);

    const bad = await shoal('alice', 'contacts', 'add', '@no such user!');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a user/);
  });

  it('pings a device kept online by `shoal daemon`: path and round-trip time', async () => {
    const { alice, bob } = users;
    const bobDaemon = await daemon('bob');
    const r = await shoal('alice', 'ping', `@${bob.username}`, '--count', '2');
    expect(r.code, r.stderr).toBe(0);
    const pongs = r.stdout.trim().split('\n');
    expect(pongs).toHaveLength(2);
    for (const pong of pongs) {
      expect(pong).toMatch(
        new RegExp(
          `^pong from ${bob.username} \\(${bob.deviceId.slice(0, 12)}\\) via direct host UDP \\S+:\\d+ in [0-9.]+ ms$`,
        ),
      );
    }
    expect(r.stderr).toMatch(/1 device/);
    const json = await shoal('alice', 'ping', `@${bob.username}`, '--count', '1', '--json');
    expect(lines(json.stdout)).toEqual([
      expect.objectContaining({
        deviceId: bob.deviceId,
        path: 'direct host',
        protocol: 'udp',
        local: expect.objectContaining({ type: 'host' }),
        remote: expect.objectContaining({ type: 'host' }),
        rttMs: expect.any(Number),
      }),
    ]);
    // The daemon logged the incoming connection and the path it took.
    await bobDaemon.waitFor(
      (e) => e.event === 'connection' && e.deviceId === alice.deviceId && e.direction === 'incoming',
    );
    await bobDaemon.waitFor(
      (e) => e.event === 'connected' && e.deviceId === alice.deviceId && e.path === 'direct host',
    );
  });

  it('sends data with `shoal speedtest`; both sides hash the same bytes', async () => {
    const { alice, bob } = users;
    const bobDaemon = daemons[0]!;
    const r = await shoal('alice', 'speedtest', `@${bob.username}`, '--bytes', '8M', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [result] = lines(r.stdout);
    expect(result).toMatchObject({ bytes: 8 * 1024 * 1024, match: true, deviceId: bob.deviceId });
    const received = await bobDaemon.waitFor((e) => e.event === 'speedtest' && e.deviceId === alice.deviceId);
    expect(received).toMatchObject({ bytes: 8 * 1024 * 1024, sha256: result!.sha256 });
  });

  it('reports devices that are offline or refuse', async () => {
    const { bob, carol } = users;
    // Carol's device has never been online.
    const offline = await shoal('bob', 'ping', `@${carol.username}`, '--count', '1');
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(new RegExp(`^no pong from ${carol.username} \\(\\w{12}\\): .*not online`, 'm'));
    // Carol is not a contact: she cannot see Bob's presence, tries his devices, and his daemon refuses.
    const refused = await shoal('carol', 'ping', `@${bob.username}`, '--count', '1', '--json');
    expect(refused.code).toBe(1);
    expect(lines(refused.stdout)).toEqual([
      expect.objectContaining({ deviceId: bob.deviceId, error: expect.objectContaining({ code: 'RTC_REFUSED' }) }),
    ]);
    await daemons[0]!.waitFor((e) => e.event === 'refused' && e.deviceId === carol.deviceId);
  });

  it('shows the same safety number on both sides, and remembers a confirmation', async () => {
    const { alice, bob } = users;
    const a = await shoal('alice', 'contacts', 'verify', `@${bob.username}`, '--json');
    const b = await shoal('bob', 'contacts', 'verify', `@${alice.username}`, '--json');
    const [mine] = lines(a.stdout);
    const [theirs] = lines(b.stdout);
    expect(mine!.safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(mine!.safetyNumber).toBe(theirs!.safetyNumber);
    expect(mine!.verified).toBe(false);
    const text = await shoal('alice', 'contacts', 'verify', `@${bob.username}`, '--confirm');
    expect(text.stdout).toContain(`Safety number for ${alice.username} and ${bob.username}:`);
    expect(text.stdout).toContain(`Marked ${bob.username} verified (1 device key)`);
    const trust = JSON.parse(await readFile(path.join(dir('alice'), 'trust.json'), 'utf8'));
    expect(trust.users[bob.username]).toMatchObject({ devices: { [bob.deviceId]: expect.any(String) } });
    expect(trust.users[bob.username].verifiedAt).toEqual(expect.any(String));
    expect((await stat(path.join(dir('alice'), 'trust.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a device key it never saw for a known user until the safety number is confirmed', async () => {
    const { bob } = users;
    const login = await runShoal(
      ['account', 'login', '--username', bob.username, '--password', PASSWORD, '--json'].concat([
        '--coordinator',
        coordinator.url,
        '--data-dir',
        dir('bob2'),
      ]),
    );
    expect(login.code, login.stderr).toBe(0);
    const second = lines(login.stdout)[0]!.deviceId as string;
    await daemon('bob2');
    const r = await shoal('alice', 'ping', `@${bob.username}`, '--count', '1', '--json');
    const byDevice = new Map(lines(r.stdout).map((l) => [l.deviceId, l]));
    expect(byDevice.get(bob.deviceId)).toMatchObject({ path: 'direct host' });
    expect(byDevice.get(second)).toMatchObject({ error: { code: 'RTC_KEY_CHANGED' } });
    expect(r.code).toBe(0);
    const verify = await shoal('alice', 'contacts', 'verify', `@${bob.username}`, '--json');
    expect(lines(verify.stdout)[0]).toMatchObject({ newDevices: [second], verified: false });
    await shoal('alice', 'contacts', 'verify', `@${bob.username}`, '--confirm');
    const again = await shoal('alice', 'ping', `@${bob.username}`, '--count', '1', '--json');
    expect(
      new Set(
        lines(again.stdout)
          .filter((l) => l.rttMs !== undefined)
          .map((l) => l.deviceId),
      ),
    ).toEqual(new Set([bob.deviceId, second]));
  });

  it('runs ping through the daemon of its data dir, and stops cleanly on SIGTERM and SIGINT', async () => {
    const { bob } = users;
    const aliceDaemon = await daemon('alice');
    const r = await shoal('alice', 'ping', `@${bob.username}`, '--count', '1');
    expect(r.code, r.stderr).toBe(0);
    await aliceDaemon.waitFor((e) => e.event === 'request' && e.command === 'ping');
    // The daemon kept its signalling socket: no second process took the device over.
    expect(aliceDaemon.events.filter((e) => e.event === 'ready')).toHaveLength(1);
    expect(await aliceDaemon.stop('SIGINT')).toBe(0);
    expect(aliceDaemon.events).toContainEqual(expect.objectContaining({ event: 'stopping', signal: 'SIGINT' }));
    expect(await daemons[0]!.stop('SIGTERM')).toBe(0);
  });
});
