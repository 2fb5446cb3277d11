import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnServer, type TurnServer } from '@shoal/turn';
import { freeUdpPortPair, waitForUdpEcho } from '@shoal/testkit';
import { ProcessGroup, requireBinary } from '@shoal/testkit';

/*
 * Clients we did not write: coturn's turnutils_stunclient and turnutils_uclient (Debian package
 * coturn) against our server on loopback, with coturn's turnutils_peer as the echoing peer. A
 * missing binary fails the test with the reason; every process is killed in afterAll.
 */

const SECRET = 'interop-shared-secret';

/** The last "tot_send_msgs=N, tot_recv_msgs=M" summary line of uclient. */
function totals(output: string): { sent: number; received: number } | undefined {
  const lines = output.split('\n').filter((line) => /tot_send_msgs=\d+, tot_recv_msgs=\d+\s*$/.test(line));
  const match = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/.exec(lines.at(-1) ?? '');
  return match === null ? undefined : { sent: Number(match[1]), received: Number(match[2]) };
}

describe('interop with coturn clients', () => {
  const processes = new ProcessGroup();
  let server: TurnServer;
  let port: number;
  let peerPort: number;
  const users = new Set<string>();

  beforeAll(async () => {
    server = createTurnServer({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      realm: 'shoal.test',
      allowLoopbackPeers: true,
    });
    server.on('allocationCreated', (info) => users.add(info.userId));
    port = (await server.listen()).udp?.port ?? 0;
    const peer = requireBinary('turnutils_peer', 'coturn');
    peerPort = await freeUdpPortPair();
    processes.start(peer, ['-L', '127.0.0.1', '-p', String(peerPort)]);
    await waitForUdpEcho(peerPort);
  });

  afterAll(async () => {
    processes.killAll();
    await server?.close();
  });

  it('a missing client binary fails the test with how to install it', () => {
    expect(() => requireBinary('turnutils_not_a_binary', 'coturn')).toThrow(/apt-get install -y coturn/);
  });

  it('turnutils_stunclient gets its mapped address from our STUN', async () => {
    const stunclient = requireBinary('turnutils_stunclient', 'coturn');
    const { code, output } = await processes.run(stunclient, ['-p', String(port), '127.0.0.1'], 30_000);
    expect(code, output).toBe(0);
    const mapped = /UDP reflexive addr: (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(output);
    expect(mapped, output).not.toBeNull();
    expect(mapped?.[1]).toBe('127.0.0.1');
    expect(Number(mapped?.[2])).toBeGreaterThan(0);
  });

  // Each run is its own user (-u is the user id of the TURN REST username), so that runs side by
  // side do not share the per-user allocation quota.
  const uclient = async (user: string, flags: readonly string[]): Promise<string> => {
    const binary = requireBinary('turnutils_uclient', 'coturn');
    const args = [...flags, '-u', user, '-W', SECRET, '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(port)];
    const { code, output } = await processes.run(binary, [...args, '-n', '20', '-m', '2', '-l', '121', '127.0.0.1']);
    expect(code, output).toBe(0);
    return output;
  };

  const expectAllDelivered = (output: string): void => {
    const counted = totals(output);
    expect(counted, output).toBeDefined();
    expect(counted?.sent, output).toBeGreaterThan(0);
    expect(counted?.received, output).toBe(counted?.sent);
    expect(output).toMatch(/Total lost packets 0 \(/);
  };

  // uclient mostly waits (its own pacing and linger), so the runs go side by side.
  it.concurrent.each([
    ['UDP, channels, RTP + RTCP (EVEN-PORT with a RESERVATION-TOKEN)', []],
    ['UDP, channels', ['-c']],
    ['UDP, Send/Data indications', ['-c', '-s']],
    ['TCP, channels, RTP + RTCP', ['-t']],
    ['TCP, Send/Data indications', ['-c', '-t', '-s']],
    ['TCP, channels with mandatory padding', ['-c', '-t', '-D']],
  ])('turnutils_uclient relays through us: %s', async (_name, flags) => {
    const before = server.stats();
    const user = `uclient${flags.join('')}`;
    expectAllDelivered(await uclient(user, flags));
    // uclient made "<expiry>:<user>" usernames from the shared secret; quotas counted them by user.
    expect(users).toContain(user);
    const after = server.stats();
    expect(after.packetsToPeers).toBeGreaterThan(before.packetsToPeers);
    expect(after.packetsToClients).toBeGreaterThan(before.packetsToClients);
  });

  it('turnutils_uclient with a wrong secret is refused', async () => {
    const binary = requireBinary('turnutils_uclient', 'coturn');
    const failures = server.stats().authFailures;
    const { code } = await processes.run(binary, [
      '-c',
      '-W',
      'not-the-secret',
      '-e',
      '127.0.0.1',
      '-r',
      String(peerPort),
      '-p',
      String(port),
      '-n',
      '2',
      '127.0.0.1',
    ]);
    expect(code).not.toBe(0);
    expect(server.stats().authFailures).toBeGreaterThan(failures);
  });
});
