import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatLab, NatLabUnavailableError, requireBinary } from '@shoal/testkit';
import { turnRestCredentials } from '@shoal/turn';
import type { NatLab } from '@shoal/testkit';
import { execFileSync } from 'node:child_process';
import {
  HTTP_PORT,
  startLabCoordinator,
  startLabCoturn,
  STUN_PORT,
  stunProbe,
  teardown,
  TURN_SECRET,
  waitForUdpEcho,
} from './support.js';
import type { LabCoordinator, LabCoturn } from './support.js';

const ECHO_PORT = 3490;

const namespacesNow = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');

/**
 * The lab itself: each home's router really behaves as its NAT type says, seen from the
 * coordinator's STUN (and coturn's, as a second destination) on the public segment.
 */
describe('NAT lab: homes behind NAT routers, seen from the public segment', () => {
  let lab: NatLab | undefined;
  let coordinator: LabCoordinator | undefined;
  let coturn: LabCoturn | undefined;
  const coordinatorStun = () => ({ address: lab!.public.addresses[0]!, port: STUN_PORT });
  const coturnStun = () => ({ address: lab!.public.addresses[1]!, port: STUN_PORT });

  beforeAll(async () => {
    lab = await createNatLab({
      homes: [
        { name: 'cone', nat: 'endpoint-independent' },
        { name: 'sym', nat: 'symmetric' },
        { name: 'blocked', nat: 'udp-blocked' },
      ],
    });
    // The TURN tests relay to turnutils_peer on the public host's own loopback.
    coordinator = await startLabCoordinator(lab, { TURN_ALLOW_LOOPBACK_PEERS: '1' });
    coturn = await startLabCoturn(lab.public, lab.public.addresses[1]!);
    lab.public.spawn(requireBinary('turnutils_peer', 'coturn'), ['-L', '127.0.0.1', '-p', String(ECHO_PORT)]);
    await waitForUdpEcho(lab.public, '127.0.0.1', ECHO_PORT);
  }, 120_000);

  afterAll(async () => {
    await teardown(lab, coordinator, coturn);
  });

  it('gives each home a LAN address, and its router one on the public segment', () => {
    for (const home of lab!.homes) {
      expect(home.address).toMatch(/^10\.\d+\.0\.2$/);
      expect(home.publicAddress).toMatch(/^198\.18\.\d+\.1$/);
      expect(home.router.address).toMatch(/^10\.\d+\.0\.1$/);
    }
    expect(coordinator!.url).toBe(`http://${lab!.public.address}:${HTTP_PORT}`);
  });

  it.each(['cone', 'sym'])(
    'turnutils_stunclient in home "%s" is told the router\'s public address, not its LAN address',
    async (name) => {
      const home = lab!.home(name);
      const stunclient = requireBinary('turnutils_stunclient', 'coturn');
      const { code, stdout, stderr } = await home.exec(stunclient, [
        '-p',
        String(STUN_PORT),
        coordinatorStun().address,
      ]);
      expect(code, stdout + stderr).toBe(0);
      // "UDP reflexive addr: 198.18.1.1:40000"
      const reflexive = /UDP reflexive addr:\s*([\d.]+):(\d+)/.exec(stdout);
      expect(reflexive, stdout).not.toBeNull();
      expect(reflexive![1]).toBe(home.publicAddress);
      expect(stdout).not.toContain(home.address);
    },
  );

  it('endpoint-independent: one socket has one mapping, whatever the destination', async () => {
    const home = lab!.home('cone');
    const results = await stunProbe(home, 'udp', [coordinatorStun(), coturnStun()]);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.local?.address).toBe(home.address);
      expect(r.mapped?.address).toBe(home.publicAddress);
    }
    const [viaCoordinator, viaCoturn] = results;
    expect(viaCoordinator!.mapped!.port).toBe(viaCoturn!.mapped!.port);
    // Linux keeps the source port when it is free: the mapping is the socket's own port.
    expect(viaCoordinator!.mapped!.port).toBe(viaCoordinator!.local!.port);
  });

  it('symmetric: the same socket gets a different external port for each destination', async () => {
    const home = lab!.home('sym');
    const results = await stunProbe(home, 'udp', [coordinatorStun(), coturnStun()]);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.mapped?.address).toBe(home.publicAddress);
    }
    const [viaCoordinator, viaCoturn] = results;
    expect(viaCoordinator!.local!.port).toBe(viaCoturn!.local!.port);
    expect(viaCoordinator!.mapped!.port).not.toBe(viaCoturn!.mapped!.port);
  });

  it('udp-blocked: no UDP answer comes back, but TCP reaches the coordinator (HTTP and STUN over TCP)', async () => {
    const home = lab!.home('blocked');
    const [udp] = await stunProbe(home, 'udp', [coordinatorStun()], 2_000);
    expect(udp!.mapped).toBeUndefined();
    expect(udp!.error).toMatch(/no answer/);

    const [tcp] = await stunProbe(home, 'tcp', [coordinatorStun()]);
    expect(tcp!.error).toBeUndefined();
    expect(tcp!.mapped?.address).toBe(home.publicAddress);

    const health = await home.execNode([
      '--input-type=module',
      '-e',
      `const r = await fetch(${JSON.stringify(`${coordinator!.url}/health/live`)}); console.log(r.status);`,
    ]);
    expect(health.stdout.trim(), health.stderr).toBe('200');
  });

  /** turnutils_uclient in `home`: allocates on the coordinator's TURN and relays to turnutils_peer. */
  const uclient = (home: string, flags: string[]) => {
    const { username, password } = turnRestCredentials(TURN_SECRET, `lab-${home}`, 600);
    return lab!
      .home(home)
      .exec(
        requireBinary('turnutils_uclient', 'coturn'),
        [
          ...flags,
          ...['-c', '-u', username, '-w', password, '-e', '127.0.0.1', '-r', String(ECHO_PORT)],
          ...['-p', String(STUN_PORT), '-n', '20', '-m', '1', '-l', '121', coordinatorStun().address],
        ],
        { timeoutMs: 60_000 },
      );
  };
  const relayedBothWays = (output: string) => {
    const totals = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/.exec(output.trim().split('\n').reverse().join('\n'));
    expect(totals, output).not.toBeNull();
    expect(Number(totals![1]), output).toBeGreaterThan(0);
    expect(totals![2], output).toBe(totals![1]);
  };

  it.each(['cone', 'sym'])(
    'the coordinator\'s TURN relays over UDP for home "%s", through its NAT (turnutils_uclient)',
    async (name) => {
      const { code, stdout, stderr } = await uclient(name, []);
      expect(code, stdout + stderr).toBe(0);
      relayedBothWays(stdout + stderr);
    },
  );

  it("udp-blocked: the coordinator's TURN relays over TCP (turnutils_uclient -t)", async () => {
    const { code, stdout, stderr } = await uclient('blocked', ['-t']);
    expect(code, stdout + stderr).toBe(0);
    relayedBothWays(stdout + stderr);
  });

  it("the other homes reach the coordinator over TCP too, from their router's address", async () => {
    for (const name of ['cone', 'sym']) {
      const home = lab!.home(name);
      const [tcp] = await stunProbe(home, 'tcp', [coordinatorStun()]);
      expect(tcp!.mapped?.address, name).toBe(home.publicAddress);
    }
  });
});

describe('NAT lab: life cycle', () => {
  it('builds labs in parallel without collisions, and destroy() removes every namespace and process', async () => {
    const labs = await Promise.all([1, 2].map(() => createNatLab({ homes: [{ name: 'a', nat: 'symmetric' }] })));
    try {
      expect(labs[0]!.id).not.toBe(labs[1]!.id);
      for (const lab of labs) {
        expect(lab.namespaces).toHaveLength(3);
        for (const ns of lab.namespaces) expect(ns.length).toBeLessThanOrEqual(15);
      }
      // A process still running in a home must not keep the namespace (and its veths) alive.
      const sleeper = labs[0]!.home('a').spawn('sleep', ['600']);
      const exited = new Promise((resolve) => sleeper.once('exit', resolve));
      await labs[0]!.destroy();
      await exited;
      expect(namespacesNow().filter((ns) => ns.startsWith(`${labs[0]!.id}-`))).toEqual([]);
      expect(namespacesNow().filter((ns) => ns.startsWith(`${labs[1]!.id}-`))).toHaveLength(3);
    } finally {
      await Promise.all(labs.map((lab) => lab.destroy()));
    }
    for (const lab of labs) expect(namespacesNow().filter((ns) => ns.startsWith(`${lab.id}-`))).toEqual([]);
  });

  /**
   * createNatLab with an `ip` on PATH that fails (message `injected failure`) when its arguments
   * match the shell pattern `when`, and runs the real one otherwise.
   */
  const createWithFailingIp = async (when: string, message: string): Promise<unknown> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-nat-fake-ip-'));
    const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    const script = `#!/bin/sh\ncase "$*" in ${when}) echo "${message}" >&2; exit 1;; esac\nexec ${realIp} "$@"\n`;
    await writeFile(path.join(dir, 'ip'), script);
    await chmod(path.join(dir, 'ip'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath}`;
    try {
      await createNatLab({
        homes: [
          { name: 'a', nat: 'endpoint-independent' },
          { name: 'b', nat: 'endpoint-independent' },
        ],
      });
    } catch (error) {
      return error;
    } finally {
      process.env.PATH = savedPath;
      await rm(dir, { recursive: true, force: true });
    }
    throw new Error('createNatLab succeeded with a failing ip');
  };

  it('removes what it made when building fails halfway', async () => {
    // Fails when home 2's LAN link is made: namespaces, a bridge and links exist by then.
    const error = await createWithFailingIp('*-r2\\ link\\ add\\ lan*', 'injected failure');
    expect(String(error)).toMatch(/injected failure/);
    const id = /NAT lab (nl[0-9a-z]+)/.exec(String(error))?.[1];
    expect(id).toBeDefined();
    expect(namespacesNow().filter((ns) => ns.startsWith(`${id}-`))).toEqual([]);
  });

  it('says loudly that it cannot run where namespaces cannot be made (and the test fails)', async () => {
    const error = await createWithFailingIp(
      'netns\\ add*',
      'mount --make-shared /run/netns failed: Operation not permitted',
    );
    expect(error).toBeInstanceOf(NatLabUnavailableError);
    expect(String(error)).toMatch(/NAT LAB UNAVAILABLE: cannot create a network namespace.*Operation not permitted/);
    expect(String(error)).toMatch(/FAIL here on purpose rather than skip/);
  });
});
