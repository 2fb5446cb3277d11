import { createHmac } from 'node:crypto';
import { freeUdpPortPair, ProcessGroup, requireBinary, waitForUdpEcho } from '@shoal/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startTestCoordinator, backends } from './harness.js';
import type { TestCoordinator } from './harness.js';
import { newUser } from './ws-device.js';

/**
 * The coordinator's built-in STUN/TURN, driven by coturn's clients with the credentials a user gets
 * from GET /api/v1/ice-servers.
 */
describe('STUN/TURN in the coordinator', () => {
  const processes = new ProcessGroup();
  let c: TestCoordinator;
  let peerPort: number;

  beforeAll(async () => {
    c = await startTestCoordinator(backends()[0]!);
    peerPort = await freeUdpPortPair();
    processes.start(requireBinary('turnutils_peer', 'coturn'), ['-L', '127.0.0.1', '-p', String(peerPort)]);
    await waitForUdpEcho(peerPort);
  });
  afterAll(async () => {
    processes.killAll();
    await c?.stop();
  });

  const iceServers = async () => {
    const user = await newUser(c.url, 'ice');
    const r = await request(c.url, 'GET', '/api/v1/ice-servers', { token: user.accessToken });
    expect(r.status).toBe(200);
    return {
      user,
      body: r.body as { iceServers: { urls: string[]; username?: string; credential?: string }[]; ttl: number },
    };
  };

  it('hands out our STUN and TURN with TURN REST credentials for the user', async () => {
    expect((await request(c.url, 'GET', '/api/v1/ice-servers')).body.code).toBe('AUTH_REQUIRED');
    const { user, body } = await iceServers();
    const [stun, turn] = body.iceServers;
    const port = /:(\d+)$/.exec(stun!.urls[0]!)?.[1];
    expect(stun!.urls).toEqual([`stun:127.0.0.1:${port}`]);
    expect(turn!.urls).toEqual([`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`]);
    const [expiry, userId] = turn!.username!.split(':');
    expect(userId).toBe(user.userId);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(body.ttl - 60);
    expect(turn!.credential).toBe(createHmac('sha1', c.config.turn.secret).update(turn!.username!).digest('base64'));
  });

  it('answers turnutils_stunclient', async () => {
    const { body } = await iceServers();
    const port = /:(\d+)$/.exec(body.iceServers[0]!.urls[0]!)![1]!;
    const { code, output } = await processes.run(requireBinary('turnutils_stunclient', 'coturn'), [
      '-p',
      port,
      '127.0.0.1',
    ]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/UDP reflexive addr: 127\.0\.0\.1:\d+/);
    const metrics = (await request(c.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(/shoal_turn_binding_requests_total\{[^}]*\} [1-9]/);
  });

  it.each([
    ['UDP', []],
    ['TCP', ['-t']],
  ])('relays turnutils_uclient over %s with the credentials from /api/v1/ice-servers', async (_name, flags) => {
    const { body } = await iceServers();
    const turn = body.iceServers[1]!;
    const port = /:(\d+)\?/.exec(turn.urls[0]!)![1]!;
    const { code, output } = await processes.run(requireBinary('turnutils_uclient', 'coturn'), [
      ...flags,
      '-c',
      '-u',
      turn.username!,
      '-w',
      turn.credential!,
      '-e',
      '127.0.0.1',
      '-r',
      String(peerPort),
      '-p',
      port,
      '-n',
      '20',
      '-m',
      '1',
      '-l',
      '121',
      '127.0.0.1',
    ]);
    expect(code, output).toBe(0);
    const totals = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s*$/m.exec(output.trim().split('\n').reverse().join('\n'));
    expect(totals, output).not.toBeNull();
    expect(Number(totals![1])).toBeGreaterThan(0);
    expect(totals![2]).toBe(totals![1]);
    const metrics = (await request(c.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(/shoal_turn_relayed_bytes_to_peers_total\{[^}]*\} [1-9]/);
  });

  it('refuses credentials for another secret', async () => {
    const { body } = await iceServers();
    const turn = body.iceServers[1]!;
    const port = /:(\d+)\?/.exec(turn.urls[0]!)![1]!;
    const { code } = await processes.run(requireBinary('turnutils_uclient', 'coturn'), [
      '-c',
      '-u',
      turn.username!,
      '-w',
      'wrong-password',
      '-e',
      '127.0.0.1',
      '-r',
      String(peerPort),
      '-p',
      port,
      '-n',
      '2',
      '127.0.0.1',
    ]);
    expect(code).not.toBe(0);
  });
});

describe('external TURN servers (TURN_URLS)', () => {
  it('are handed out with credentials from the same secret', async () => {
    const c = await startTestCoordinator(backends()[0]!, {
      turn: {
        port: 0,
        secret: 'shared-with-coturn-0123456789',
        allowLoopbackPeers: false,
        allowedPeers: [],
        externalUrls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349'],
        credentialTtlSeconds: 600,
      },
    });
    try {
      const user = await newUser(c.url);
      const r = await request(c.url, 'GET', '/api/v1/ice-servers', { token: user.accessToken });
      const turn = r.body.iceServers[1];
      expect(turn.urls).toEqual(['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349']);
      expect(turn.credential).toBe(
        createHmac('sha1', 'shared-with-coturn-0123456789').update(turn.username).digest('base64'),
      );
      expect(r.body.ttl).toBe(600);
    } finally {
      await c.stop();
    }
  });
});
