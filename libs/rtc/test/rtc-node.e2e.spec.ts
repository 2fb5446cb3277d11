import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RTCPeerConnection as PolyfillRTCPeerConnection } from 'node-datachannel/polyfill';
import { RtcError, standardPeerLinks } from '../src/index.js';
import type {
  Channel,
  Connection,
  ConnectionEvents,
  ConnectionPath,
  ConnectionState,
  RtcNode,
  RtcNodeEvents,
} from '../src/index.js';
import {
  befriend,
  heldSignalling,
  makeNode,
  newDevice,
  newUser,
  nextEvent,
  recordingLinks,
  startCoordinator,
} from './support.js';
import type { TestDevice } from './support.js';

/** Two (or more) RtcNodes in this process, signalling through a real coordinator process. */
describe('RtcNode against a real coordinator', () => {
  let coordinator: { url: string; stop(): Promise<void> };
  const nodes: RtcNode[] = [];
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    coordinator = await startCoordinator();
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
    for (const d of devices.splice(0)) d.signalling.close();
  });
  afterAll(async () => {
    await coordinator?.stop();
  });

  const pair = async (options: { a?: Parameters<typeof makeNode>[1]; b?: Parameters<typeof makeNode>[1] } = {}) => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const a = await newDevice(coordinator.url, alice);
    const b = await newDevice(coordinator.url, bob);
    devices.push(a, b);
    const nodeA = makeNode(a, options.a);
    const nodeB = makeNode(b, options.b);
    nodes.push(nodeA, nodeB);
    return { a, b, nodeA, nodeB };
  };

  const echo = (node: RtcNode, label = 'echo') =>
    node.handle(label, (channel) => channel.on('message', (data) => channel.send(data)));

  const roundTrip = async (channel: Channel, data: string | Uint8Array) => {
    const reply = nextEvent<string | Uint8Array>((l) => channel.on('message', l));
    channel.send(data);
    return reply;
  };

  it('opens a data channel that echoes text and bytes, and reports the host/UDP path it took', async () => {
    const { a, b, nodeA, nodeB } = await pair();
    echo(nodeB);
    const incoming = nextEvent<Connection>((l) => nodeB.on('connection', l));
    const connection = await nodeA.connect(b.deviceId);
    expect(connection.state).toBe('connected');
    const channel = await connection.openChannel('echo');
    expect(await roundTrip(channel, 'hello')).toBe('hello');
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(Buffer.from((await roundTrip(channel, bytes)) as Uint8Array).equals(Buffer.from(bytes))).toBe(true);

    const path = connection.path ?? (await nextEvent<ConnectionPath>((l) => connection.on('path', l)));
    expect(path).toMatchObject({
      kind: 'direct host',
      protocol: 'udp',
      local: { type: 'host', protocol: 'udp' },
      remote: { type: 'host', protocol: 'udp' },
    });
    expect(path.rttMs).toBeGreaterThanOrEqual(0);
    expect(await connection.ping()).toBeGreaterThanOrEqual(0);
    // The other side reports the same kind of path, and knows who connected.
    const theirs = await incoming;
    expect(theirs.peer).toMatchObject({ deviceId: a.deviceId, username: a.user.username });
    const theirPath = theirs.path ?? (await nextEvent<ConnectionPath>((l) => theirs.on('path', l)));
    expect(theirPath.kind).toBe('direct host');
    // The caller told the coordinator how its attempt ended, for /metrics.
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
      expect(metrics).toMatch(
        /^shoal_peer_connections_total\{outcome="connected",path="direct-host",protocol="udp"[^}]*\} [1-9]/m,
      );
    });
  });

  it('connects a node on standard RTCPeerConnection links (as in browsers) with one on node-datachannel', async () => {
    const RTCPeerConnection = PolyfillRTCPeerConnection as unknown as typeof globalThis.RTCPeerConnection;
    const { b, nodeA, nodeB } = await pair({ a: { links: standardPeerLinks({ RTCPeerConnection }) } });
    echo(nodeB);
    const connection = await nodeA.connect(b.deviceId);
    expect(await roundTrip(await connection.openChannel('echo'), 'across implementations')).toBe(
      'across implementations',
    );
    const path = connection.path ?? (await nextEvent<ConnectionPath>((l) => connection.on('path', l)));
    expect(path).toMatchObject({ kind: 'direct host', local: { type: 'host' }, remote: { type: 'host' } });
  });

  it('reuses one connection per remote device for every channel', async () => {
    const { b, nodeA, nodeB } = await pair();
    echo(nodeB, 'one');
    echo(nodeB, 'two');
    const [first, second] = await Promise.all([nodeA.connect(b.deviceId), nodeA.connect(b.deviceId)]);
    expect(second).toBe(first);
    const one = await first!.openChannel('one');
    const two = await (await nodeA.connect(b.deviceId)).openChannel('two');
    expect(await roundTrip(one, 'x')).toBe('x');
    expect(await roundTrip(two, 'y')).toBe('y');
    expect(nodeA.connections()).toHaveLength(1);
    expect(nodeB.connections()).toHaveLength(1);
  });

  it('settles glare deterministically: both offer at once, one link, the lower device id offered it', async () => {
    const alice = await newUser(coordinator.url, 'alice');
    const bob = await newUser(coordinator.url, 'bob');
    await befriend(alice, bob);
    const a = await newDevice(coordinator.url, alice);
    const b = await newDevice(coordinator.url, bob);
    devices.push(a, b);
    const heldA = heldSignalling(a.signalling);
    const heldB = heldSignalling(b.signalling);
    const nodeA = makeNode(a, { signalling: heldA.port });
    const nodeB = makeNode(b, { signalling: heldB.port });
    nodes.push(nodeA, nodeB);
    echo(nodeA);
    echo(nodeB);
    const both = Promise.all([nodeA.connect(b.deviceId), nodeB.connect(a.deviceId)]);
    // Neither sees the other's offer before sending its own.
    const offerOf = (sent: { kind: string; session: string }[]) => sent.find((s) => s.kind === 'offer')?.session;
    await vi.waitFor(() => expect(offerOf(heldA.sent) && offerOf(heldB.sent)).toBeTruthy());
    heldA.release();
    heldB.release();
    const [ab, ba] = await both;
    const [winner, loser] = a.deviceId < b.deviceId ? [heldA, heldB] : [heldB, heldA];
    // The decision: the higher device id dropped its own offer and answered the lower one's; the
    // lower one never answered the other offer.
    expect(loser.sent.find((s) => s.kind === 'answer')?.session).toBe(offerOf(winner.sent));
    expect(winner.sent.filter((s) => s.kind === 'answer' && s.session === offerOf(loser.sent))).toEqual([]);
    // One link, the same on both sides. (libdatachannel, with both peers in one process, now and
    // then fails that first DTLS handshake; the connection then renegotiates a new session.)
    expect(ab.state).toBe('connected');
    expect(ba.state).toBe('connected');
    expect(ab.session).toBe(ba.session);
    expect(await roundTrip(await ab.openChannel('echo'), 'from a')).toBe('from a');
    expect(await roundTrip(await ba.openChannel('echo'), 'from b')).toBe('from b');
  });

  it('reconnects when the remote side loses its link, over a new session', async () => {
    const links = recordingLinks();
    const { b, nodeA, nodeB } = await pair({ b: { links } });
    echo(nodeB);
    const connection = await nodeA.connect(b.deviceId);
    const before = connection.session;
    const states: string[] = [];
    connection.on('state', (s) => states.push(s));
    // Bob's side of the link dies (as when its network goes away); Alice's connection notices.
    links.created.at(-1)!.close();
    await nextEvent<ConnectionState>(
      (l) => connection.on('state', l),
      (s) => s === 'reconnecting',
    );
    await connection.ready(30_000);
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(connection.session).not.toBe(before);
    expect(await roundTrip(await connection.openChannel('echo'), 'again')).toBe('again');
    expect(nodeB.connections()).toHaveLength(1);
  });

  it('hangs up: the other side closes too and does not reconnect', async () => {
    const { b, nodeA, nodeB } = await pair();
    const incoming = nextEvent<Connection>((l) => nodeB.on('connection', l));
    const connection = await nodeA.connect(b.deviceId);
    const theirs = await incoming;
    await theirs.ready();
    const closed = nextEvent<ConnectionEvents['closed']>((l) => theirs.on('closed', l));
    await connection.close();
    expect(await closed).toEqual({});
    expect(theirs.state).toBe('closed');
    expect(nodeB.connection(connection.deviceId)).toBeUndefined();
    await expect(connection.openChannel('echo')).rejects.toMatchObject({ code: 'RTC_CLOSED' });
  });

  it('refuses by policy: the caller is told, the callee reports it', async () => {
    const { a, b, nodeA, nodeB } = await pair({ b: { accept: () => false } });
    const refused = nextEvent<RtcNodeEvents['refused']>((l) => nodeB.on('refused', l));
    const error = await nodeA.connect(b.deviceId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RtcError);
    expect((error as RtcError).code).toBe('RTC_REFUSED');
    expect(await refused).toMatchObject({ from: { deviceId: a.deviceId }, error: { code: 'RTC_REFUSED' } });
  });
});
