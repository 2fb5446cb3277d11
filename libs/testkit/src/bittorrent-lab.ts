import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Real BitTorrent clients we did not write (Debian's aria2, transmission-cli, mktorrent), driven
 * by tests of the tracker, the coordinator and the peer agent. Callers check the binaries with
 * requireBinary first: a missing client fails the test, never skips it.
 */

/** Polls until `condition` holds; the test's own timeout is the only limit. */
export async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A temp dir with a random file and a torrent for it (mktorrent), plus clean-up of everything started. */
export class BitTorrentLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'shoal-tracker-interop-'));
  readonly seedDir = join(this.dir, 'seed');
  readonly fileName = 'payload.bin';
  readonly payload = randomBytes(384 * 1024 + 123);
  private readonly children: ChildProcess[] = [];
  readonly logs = new Map<string, string[]>();

  constructor() {
    mkdirSync(this.seedDir);
    writeFileSync(join(this.seedDir, this.fileName), this.payload);
  }

  makeTorrent(announceUrl: string, name: string): string {
    const torrent = join(this.dir, `${name}.torrent`);
    // 32 KiB pieces: several pieces, so the transfer is a real piece exchange.
    const made = spawnSync(
      'mktorrent',
      ['-l', '15', '-a', announceUrl, '-o', torrent, join(this.seedDir, this.fileName)],
      {
        encoding: 'utf8',
      },
    );
    if (made.status !== 0) throw new Error(`mktorrent failed: ${made.stderr}`);
    return torrent;
  }

  /** aria2 seeding the payload: verifies the file, then seeds until killed. */
  startAria2Seeder(torrent: string, port: number): ChildProcess {
    return this.start('aria2-seed', 'aria2c', [
      '--enable-dht=false',
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=false',
      '--check-integrity=true',
      '--seed-ratio=0.0',
      `--listen-port=${port}`,
      '--bt-tracker-interval=1',
      '--summary-interval=0',
      '--console-log-level=notice',
      `--dir=${this.seedDir}`,
      torrent,
    ]);
  }

  /**
   * aria2 downloading into a fresh dir. aria2 speaks UDP trackers only through its DHT socket, so
   * `udpTrackers` turns DHT on, with no entry point and a private state file: it can reach nobody.
   */
  startAria2Leecher(
    torrent: string,
    port: number,
    name: string,
    udpTrackers?: { dhtPort: number },
  ): { child: ChildProcess; dir: string } {
    const dir = join(this.dir, name);
    mkdirSync(dir);
    const dht = udpTrackers
      ? [
          '--enable-dht=true',
          `--dht-listen-port=${udpTrackers.dhtPort}`,
          `--dht-file-path=${join(this.dir, `${name}-dht.dat`)}`,
        ]
      : ['--enable-dht=false'];
    const child = this.start(name, 'aria2c', [
      ...dht,
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=false',
      '--seed-time=0',
      `--listen-port=${port}`,
      // Re-announce every second, so it meets a seeder that announced after it did.
      '--bt-tracker-interval=1',
      '--summary-interval=0',
      '--console-log-level=notice',
      `--dir=${dir}`,
      torrent,
    ]);
    return { child, dir };
  }

  /** transmission-cli downloading into a fresh dir, with DHT, LPD and PEX off so only the tracker can introduce peers. */
  startTransmission(torrent: string, port: number, name: string, seed = false): { child: ChildProcess; dir: string } {
    const dir = seed ? this.seedDir : join(this.dir, name);
    const config = join(this.dir, `${name}-config`);
    if (!seed) mkdirSync(dir);
    mkdirSync(config);
    writeFileSync(
      join(config, 'settings.json'),
      JSON.stringify({
        'dht-enabled': false,
        'lpd-enabled': false,
        'pex-enabled': false,
        'port-forwarding-enabled': false,
        'utp-enabled': false,
        'rename-partial-files': true,
        'peer-port': port,
        encryption: 0,
      }),
    );
    const child = this.start(name, 'transmission-cli', ['-g', config, '-w', dir, '-p', String(port), '-M', torrent]);
    return { child, dir };
  }

  /** Resolves once `dir` holds the payload byte for byte; polls the file, never the clock. */
  async waitForPayload(dir: string, child: ChildProcess, who: string): Promise<void> {
    const path = join(dir, this.fileName);
    const want = createHash('sha256').update(this.payload).digest('hex');
    for (;;) {
      if (child.exitCode !== null && !existsSync(path)) {
        throw new Error(`${who} exited (${child.exitCode}) without the file:\n${this.tail(who)}`);
      }
      if (existsSync(path)) {
        const got = readFileSync(path);
        if (got.length === this.payload.length && createHash('sha256').update(got).digest('hex') === want) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  tail(who: string): string {
    return (this.logs.get(who) ?? []).join('').split('\n').slice(-30).join('\n');
  }

  async cleanup(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private start(who: string, command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    this.logs.set(who, log);
    child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    this.children.push(child);
    return child;
  }
}
