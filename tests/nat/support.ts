import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import readline from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, requireBinary, startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess, LabHost, NatLab, PublicHost } from '@shoal/testkit';
import type { ProbeResult } from './stun-probe.js';

export type { ProbeResult };

const here = path.dirname(fileURLToPath(import.meta.url));
/** Scripts the tests run inside lab namespaces, with Node 24 (which runs TypeScript files as they are). */
export const STUN_PROBE = path.join(here, 'stun-probe.ts');
export const RTC_PEER = path.join(here, 'rtc-peer.ts');

/** Shared by the coordinator and coturn, so that coturn accepts the coordinator's TURN credentials. */
export const TURN_SECRET = 'nat-lab-turn-secret-0123456789';
/** Every service in the lab has its namespace to itself, so the default ports are free. */
export const HTTP_PORT = 8080;
export const STUN_PORT = 3478;

export interface LabCoordinator {
  process: CoordinatorProcess;
  /** `http://198.18.0.1:8080`: reachable from every home (and not from this machine). */
  url: string;
  stop(): Promise<void>;
}

/**
 * A coordinator on the lab's public host, with the embedded database (a PostgreSQL or Redis on
 * this machine's loopback is out of the namespace's reach, so DATABASE_URL/REDIS_URL are not passed).
 */
export async function startLabCoordinator(
  lab: NatLab,
  env: Record<string, string | undefined> = {},
): Promise<LabCoordinator> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-nat-'));
  let coordinator: CoordinatorProcess;
  try {
    coordinator = await startCoordinatorProcess(
      {
        HOST: lab.public.address,
        PORT: String(HTTP_PORT),
        TURN_PORT: String(STUN_PORT),
        TURN_SECRET,
        SHOAL_DATA_DIR: dir,
        REGISTER_RATE_PER_ADDRESS: '1000',
        LOGIN_RATE_PER_ADDRESS: '1000',
        ...env,
      },
      { netns: lab.public.namespace, timeoutMs: 60_000 },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    process: coordinator,
    url: coordinator.url,
    stop: async () => {
      try {
        await coordinator.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface LabCoturn {
  address: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * coturn (Debian's) on another address of the public host: a second STUN destination, and a TURN
 * server that accepts the coordinator's credentials (TURN REST scheme, same secret).
 */
export async function startLabCoturn(host: PublicHost, address: string): Promise<LabCoturn> {
  const turnserver = requireBinary('turnserver', 'coturn');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-nat-coturn-'));
  const child = host.spawn(turnserver, [
    '-n',
    `--listening-ip=${address}`,
    `--relay-ip=${address}`,
    `--listening-port=${STUN_PORT}`,
    '--use-auth-secret',
    `--static-auth-secret=${TURN_SECRET}`,
    '--realm=shoal',
    '--fingerprint',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--no-rfc5780',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
    `--userdb=${path.join(dir, 'turndb')}`,
    '--allowed-peer-ip=198.18.0.0-198.18.255.255',
    ...(process.env.NAT_COTURN_VERBOSE ? ['--verbose'] : []),
  ]);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const target = { address, port: STUN_PORT };
  for (let attempt = 0; ; attempt++) {
    const [result] = await stunProbe(host, 'udp', [target], 500);
    if (result?.mapped) break;
    if (attempt === 20 || child.exitCode !== null) {
      await stop();
      throw new Error(`coturn did not answer STUN on ${address}:${STUN_PORT}:\n${output}`);
    }
  }
  return { address, port: STUN_PORT, output: () => output, stop };
}

/** Runs `stun-probe.ts` in `host`'s namespace: Binding requests from one socket to each target. */
export async function stunProbe(
  host: LabHost,
  transport: 'udp' | 'tcp',
  targets: { address: string; port: number }[],
  timeoutMs = 3_000,
): Promise<ProbeResult[]> {
  ensureBuilt(); // the probe imports @shoal/turn's dist
  const request = { transport, targets, timeoutMs, bindAddress: host.address };
  const result = await host.execNode([STUN_PROBE, JSON.stringify(request)], {
    timeoutMs: targets.length * timeoutMs + 15_000,
  });
  if (result.code !== 0) throw new Error(`stun-probe in ${host.name} failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ProbeResult[];
}

/** Stops what started, in reverse, and always destroys the lab, even when a stop throws. */
export async function teardown(lab: NatLab | undefined, ...services: ({ stop(): Promise<void> } | undefined)[]) {
  const errors: unknown[] = [];
  for (const service of services.reverse()) {
    try {
      await service?.stop();
    } catch (error) {
      errors.push(error);
    }
  }
  try {
    await lab?.destroy();
  } catch (error) {
    errors.push(error);
  }
  if (errors.length > 0) throw new AggregateError(errors, 'NAT lab teardown failed');
}

export interface PeerPath {
  kind: 'direct host' | 'direct server-reflexive' | 'direct peer-reflexive' | 'relayed';
  protocol: 'udp' | 'tcp';
  local: { type: string; protocol: string; address: string; port: number };
  remote: { type: string; protocol: string; address: string; port: number };
  rttMs?: number;
}

interface PeerReply {
  id: number;
  ok: boolean;
  error?: string;
  code?: string;
  path?: PeerPath;
  echoed?: boolean;
  rttMs?: number;
}

/**
 * A `rtc-peer.ts` process in a home's namespace, driven over its stdin/stdout: a separate Node
 * process per peer, as on two machines.
 */
export class LabPeer {
  /** Everything the process printed: JSON lines and anything else (stderr too), for failure messages. */
  readonly output: string[] = [];
  readonly events: Record<string, unknown>[] = [];
  private readonly waiting = new Map<number, (reply: PeerReply) => void>();
  private nextId = 1;
  private readonly exited: Promise<number | string>;

  private constructor(
    readonly home: LabHost,
    readonly username: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) =>
      readline.createInterface({ input: stream }).on('line', onLine);
    lines(child.stderr!, (line) => this.output.push(`[stderr] ${line}`));
    lines(child.stdout!, (line) => {
      this.output.push(line);
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof value.id === 'number') this.waiting.get(value.id)?.(value as unknown as PeerReply);
      else this.events.push(value);
    });
  }

  static async start(
    home: LabHost,
    coordinatorUrl: string,
    username: string,
    options: { iceTransportPolicy?: 'all' | 'relay'; connectTimeoutMs?: number } = {},
  ): Promise<LabPeer & { deviceId: string; userId: string }> {
    ensureBuilt(); // the peer runs @shoal/rtc's, @shoal/sdk's and @shoal/identity's dist
    const child = home.spawnNode(
      [RTC_PEER, JSON.stringify({ coordinator: coordinatorUrl, username, password: 'nat lab password 1', ...options })],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const peer = new LabPeer(home, username, child);
    const ready = await peer.event('ready', 60_000);
    return Object.assign(peer, { deviceId: String(ready.deviceId), userId: String(ready.userId) });
  }

  /** The first event of `name` (already printed or to come) that `where` accepts. */
  async event(
    name: string,
    timeoutMs = 30_000,
    where: (event: Record<string, unknown>) => boolean = () => true,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === name && where(e));
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`peer ${this.username} in ${this.home.name}: no "${name}" event\n${this.output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends a command and resolves with its answer (`ok: false` carries the error). */
  request(command: Record<string, unknown>, timeoutMs = 60_000): Promise<PeerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`peer ${this.username}: no answer to ${JSON.stringify(command)}\n${this.output.join('\n')}`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(reply);
      });
      this.child.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  /** libdatachannel's warnings, as the peer logged them. */
  logs(): string[] {
    return this.events.filter((e) => e.event === 'log').map((e) => String(e.message));
  }

  /** Paths of this peer's connections, as reported (incoming ones too), by remote device. */
  paths(): { deviceId: string; path: PeerPath }[] {
    return this.events
      .filter((e) => e.event === 'path')
      .map((e) => ({ deviceId: String(e.deviceId), path: e.path as PeerPath }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin!.write(`${JSON.stringify({ id: this.nextId++, cmd: 'exit' })}\n`);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** Makes `a` and `b` contacts (a asks, b accepts). */
export async function befriend(a: LabPeer, b: LabPeer): Promise<void> {
  for (const [peer, command] of [
    [a, { cmd: 'add-contact', username: b.username }],
    [b, { cmd: 'accept-contact', username: a.username }],
  ] as const) {
    const reply = await peer.request(command);
    if (!reply.ok) throw new Error(`${peer.username} ${command.cmd} ${command.username}: ${reply.error}`);
  }
}

/** Waits until something in `host` echoes UDP datagrams sent to `address:port` (turnutils_peer). */
export async function waitForUdpEcho(host: LabHost, address: string, port: number, timeoutMs = 10_000): Promise<void> {
  const script = `
    const s = require('node:dgram').createSocket('udp4');
    const send = () => s.send('ping', ${port}, ${JSON.stringify(address)});
    s.on('message', () => process.exit(0));
    setInterval(send, 100); send();
    setTimeout(() => process.exit(1), ${timeoutMs});`;
  const result = await host.execNode(['-e', script], { timeoutMs: timeoutMs + 5_000 });
  if (result.code !== 0) throw new Error(`nothing echoes on ${address}:${port} in ${host.name}: ${result.stderr}`);
}
