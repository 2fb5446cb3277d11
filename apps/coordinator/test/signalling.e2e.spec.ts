import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, request, startTestCoordinator } from './harness.js';
import type { TestCoordinator } from './harness.js';
import { FAKE_SDP, newDevice, newUser, signedOffer, WsDevice } from './ws-device.js';
import type { TestUser } from './ws-device.js';

describe.each(backends())('signalling over /ws ($name)', (backend) => {
  let c: TestCoordinator;
  const sockets: WsDevice[] = [];
  const track = (ws: WsDevice) => (sockets.push(ws), ws);

  beforeAll(async () => {
    c = await startTestCoordinator(backend);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await c?.stop();
  });

  /** Two users who are accepted contacts, each with one device. */
  const friends = async () => {
    const alice = await newUser(c.url, 'alice');
    const bob = await newUser(c.url, 'bob');
    await alice.client.call((await import('@shoal/protocol')).api.contacts.add, { body: { username: bob.username } });
    await request(c.url, 'POST', `/api/v1/contacts/${alice.username}/accept`, { token: bob.accessToken });
    return { alice, bob, aliceDevice: await newDevice(alice), bobDevice: await newDevice(bob) };
  };

  it('refuses an upgrade without a valid token', async () => {
    await expect(WsDevice.open(c.url, undefined)).rejects.toThrow(/HTTP 401/);
    await expect(WsDevice.open(c.url, 'not-a-token')).rejects.toThrow(/HTTP 401/);
    const r = await fetch(`${c.url}/ws`);
    expect(r.status).toBe(404);
  });

  it("refuses a hello with a bad signature or another user's device", async () => {
    const alice = await newUser(c.url);
    const mallory = await newUser(c.url);
    const aliceDevice = await newDevice(alice);
    const malloryDevice = await newDevice(mallory);
    for (const [user, deviceId, keys] of [
      [mallory, aliceDevice.deviceId, malloryDevice.keys],
      [alice, aliceDevice.deviceId, malloryDevice.keys],
    ] as const) {
      const ws = track(await WsDevice.open(c.url, user.accessToken));
      const challenge = await ws.next('challenge');
      const { sign, deviceHelloMessage } = await import('@shoal/identity');
      ws.send({
        v: 1,
        type: 'hello',
        deviceId,
        signature: sign(
          keys.signing.secretKey,
          deviceHelloMessage({ nonce: challenge.nonce, deviceId, userId: user.userId }),
        ),
      });
      expect((await ws.next('error')).code).toBe('WS_HELLO_INVALID');
      expect((await ws.closed()).code).toBe(1008);
    }
  });

  it('answers bad frames with error frames and keeps serving the socket', async () => {
    const user = await newUser(c.url);
    const ws = track(await WsDevice.open(c.url, user.accessToken));
    await ws.next('challenge');
    ws.send({ v: 1, type: 'signal', ref: 'early', to: '0'.repeat(40), session: 'session1', kind: 'hangup' });
    expect(await ws.next('error')).toMatchObject({ code: 'WS_NOT_READY', ref: 'early' });
    const device = await newDevice(user);
    const ready = track(await WsDevice.connect(c.url, user, device));
    const cases: [unknown, string][] = [
      ['{not json', 'WS_MALFORMED_FRAME'],
      ['[1,2,3]', 'WS_MALFORMED_FRAME'],
      [{ v: 1, type: 'teleport', ref: 'r1' }, 'WS_UNKNOWN_FRAME'],
      [{ v: 2, type: 'ping' }, 'WS_MALFORMED_FRAME'],
      [{ v: 1, type: 'signal', to: 'x', session: 'session1', kind: 'hangup' }, 'WS_MALFORMED_FRAME'],
      [{ v: 1, type: 'signal', to: '0'.repeat(40), session: 'session1', kind: 'offer' }, 'WS_MALFORMED_FRAME'],
      [{ v: 1, type: 'signal', to: '0'.repeat(40), session: 'session1', kind: 'hangup', x: 1 }, 'WS_MALFORMED_FRAME'],
      [JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(70_000) }), 'WS_FRAME_TOO_LARGE'],
      [{ v: 1, type: 'signal', to: '0'.repeat(40), session: 'session1', kind: 'hangup' }, 'SIGNAL_UNKNOWN_DEVICE'],
    ];
    for (const [frame, code] of cases) {
      ready.send(frame);
      expect((await ready.next('error')).code, JSON.stringify(frame).slice(0, 80)).toBe(code);
    }
    ready.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await ready.next('error')).code).toBe('WS_MALFORMED_FRAME');
    ready.send({ v: 1, type: 'ping', t: 42 });
    expect(await ready.next('pong')).toMatchObject({ t: 42 });
  });

  it('shows presence to accepted contacts only, online and then offline', async () => {
    const { alice, bob, aliceDevice, bobDevice } = await friends();
    const stranger = await newUser(c.url, 'stranger');
    const strangerWs = track(await WsDevice.connect(c.url, stranger, await newDevice(stranger)));
    const a = track(await WsDevice.connect(c.url, alice, aliceDevice));
    const b = track(await WsDevice.connect(c.url, bob, bobDevice));
    const online = await a.next('presence', (f) => f.deviceId === bobDevice.deviceId);
    expect(online).toMatchObject({ status: 'online', username: bob.username, userId: bob.userId });
    // Bob's ready snapshot already had Alice.
    b.close();
    const offline = await a.next('presence', (f) => f.deviceId === bobDevice.deviceId);
    expect(offline.status).toBe('offline');
    // The stranger saw nothing of either.
    expect(strangerWs.frames.filter((f) => f.type === 'presence')).toEqual([]);
    const listed = (await alice.client.devices.ofUser(bob.username)).devices;
    expect(listed.map((d) => d.id)).toContain(bobDevice.deviceId);
  });

  it('relays signed offers and answers, and a first contact becomes a contact request', async () => {
    const alice = await newUser(c.url, 'alice');
    const carol = await newUser(c.url, 'carol');
    const aliceDevice = await newDevice(alice);
    const carolDevice = await newDevice(carol);
    const a = track(await WsDevice.connect(c.url, alice, aliceDevice));
    const b = track(await WsDevice.connect(c.url, carol, carolDevice));
    const offer = signedOffer(aliceDevice, carolDevice.deviceId);
    a.send(offer);
    const got = await b.next('signal');
    expect(got).toMatchObject({
      kind: 'offer',
      session: offer.session,
      sdp: offer.sdp,
      signature: offer.signature,
      firstContact: true,
      from: { deviceId: aliceDevice.deviceId, userId: alice.userId, username: alice.username },
    });
    const contacts = await request(c.url, 'GET', '/api/v1/contacts', { token: carol.accessToken });
    expect(contacts.body.contacts).toEqual([expect.objectContaining({ username: alice.username, state: 'incoming' })]);

    b.send(signedOffer(carolDevice, aliceDevice.deviceId, { session: offer.session, kind: 'answer' }));
    expect(await a.next('signal')).toMatchObject({ kind: 'answer', firstContact: false });
    a.send({
      v: 1,
      type: 'signal',
      to: carolDevice.deviceId,
      session: offer.session,
      kind: 'candidate',
      candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 5000 typ host', sdpMid: '0' },
    });
    expect(await b.next('signal')).toMatchObject({ kind: 'candidate', candidate: { sdpMid: '0' } });
  });

  it('catches an offer whose DTLS fingerprint was changed after signing, and stale or forged signatures', async () => {
    const alice = await newUser(c.url);
    const bob = await newUser(c.url);
    const aliceDevice = await newDevice(alice);
    const bobDevice = await newDevice(bob);
    const a = track(await WsDevice.connect(c.url, alice, aliceDevice));
    const b = track(await WsDevice.connect(c.url, bob, bobDevice));
    const offer = signedOffer(aliceDevice, bobDevice.deviceId);
    a.send({ ...offer, ref: 'mitm', sdp: FAKE_SDP('66:66:66:66') });
    expect(await a.next('error')).toMatchObject({ code: 'SIGNAL_BAD_SIGNATURE', ref: 'mitm' });
    a.send({ ...signedOffer(aliceDevice, bobDevice.deviceId, { timestamp: Date.now() - 3_600_000 }), ref: 'old' });
    expect(await a.next('error')).toMatchObject({ code: 'SIGNAL_STALE', ref: 'old' });
    // Signed by Bob's key but sent from Alice's device.
    a.send({ ...signedOffer({ ...bobDevice, deviceId: aliceDevice.deviceId }, bobDevice.deviceId), ref: 'forged' });
    expect(await a.next('error')).toMatchObject({ code: 'SIGNAL_BAD_SIGNATURE', ref: 'forged' });
    a.send({ v: 1, type: 'ping' });
    await a.next('pong');
    expect(b.frames.filter((f) => f.type === 'signal')).toEqual([]);
  });

  it('tells a blocked user the same as for an offline device, and nothing of presence', async () => {
    const { alice, bob, aliceDevice, bobDevice } = await friends();
    const a = track(await WsDevice.connect(c.url, alice, aliceDevice));
    const b = track(await WsDevice.connect(c.url, bob, bobDevice));
    a.send({ v: 1, type: 'ping' });
    await a.next('pong');
    await request(c.url, 'POST', `/api/v1/contacts/${bob.username}/block`, { token: alice.accessToken });
    // Bob is told Alice is offline (he may have seen her online before)...
    expect(
      (await b.next('presence', (f) => f.deviceId === aliceDevice.deviceId && f.status === 'offline')).status,
    ).toBe('offline');
    b.send({ ...signedOffer(bobDevice, aliceDevice.deviceId), ref: 'blocked' });
    const blocked = await b.next('error');
    const offlineDevice = await newDevice(alice);
    b.send({ ...signedOffer(bobDevice, offlineDevice.deviceId), ref: 'offline' });
    const offline = await b.next('error');
    expect(blocked.code).toBe('SIGNAL_PEER_OFFLINE');
    expect(offline.code).toBe('SIGNAL_PEER_OFFLINE');
    expect(blocked.message.replace(aliceDevice.deviceId, 'X')).toBe(
      offline.message.replace(offlineDevice.deviceId, 'X'),
    );
    expect(a.frames.filter((f) => f.type === 'signal')).toEqual([]);
    // ...and a new socket of Bob's sees nothing of Alice.
    const b2Device = await newDevice(bob);
    const b2 = track(await WsDevice.connect(c.url, bob, b2Device));
    a.close();
    const a2 = track(await WsDevice.connect(c.url, alice, aliceDevice));
    a2.send({ v: 1, type: 'ping' });
    await a2.next('pong');
    expect(b2.frames.filter((f) => f.type === 'presence' && f.userId === alice.userId)).toEqual([]);
  });

  it('resumes after a short disconnect without losing frames sent meanwhile', async () => {
    const { alice, bob, aliceDevice, bobDevice } = await friends();
    const a = track(await WsDevice.connect(c.url, alice, aliceDevice));
    const b = track(await WsDevice.connect(c.url, bob, bobDevice));
    const session = 'resume-session';
    const candidate = (n: number) => ({
      v: 1,
      type: 'signal',
      to: bobDevice.deviceId,
      session,
      kind: 'candidate',
      candidate: { candidate: `candidate:${n} 1 UDP 1 127.0.0.1 ${5000 + n} typ host` },
    });
    a.send(candidate(0));
    await b.next('signal');
    const lastSeq = b.lastSeq;
    b.socket.terminate();
    await b.closed();
    // Bob's device is within its grace period: still online, frames are kept for him.
    for (let n = 1; n <= 5; n++) a.send(candidate(n));
    a.send({ v: 1, type: 'ping' });
    await a.next('pong');
    expect(a.frames.filter((f) => f.type === 'error')).toEqual([]);
    const back = track(await WsDevice.connect(c.url, bob, bobDevice, { lastSeq }));
    const got = [];
    for (let n = 1; n <= 5; n++) got.push((await back.next('signal')).candidate?.candidate);
    expect(got).toEqual([1, 2, 3, 4, 5].map((n) => `candidate:${n} 1 UDP 1 127.0.0.1 ${5000 + n} typ host`));
  });

  it('counts connection reports by path in /metrics', async () => {
    const user = await newUser(c.url);
    const ws = track(await WsDevice.connect(c.url, user, await newDevice(user)));
    ws.send({
      v: 1,
      type: 'report',
      session: 'session-r1',
      outcome: 'connected',
      path: { local: 'relay', remote: 'srflx', protocol: 'udp' },
      ms: 420,
    });
    ws.send({
      v: 1,
      type: 'report',
      session: 'session-r2',
      outcome: 'connected',
      path: { local: 'host', remote: 'host', protocol: 'udp' },
      ms: 30,
    });
    ws.send({ v: 1, type: 'report', session: 'session-r3', outcome: 'failed', ms: 30_000 });
    ws.send({ v: 1, type: 'report', session: 'session-r4', outcome: 'connected', ms: -5, ref: 'bad' });
    expect((await ws.next('error')).code).toBe('WS_MALFORMED_FRAME');
    const metrics = (await request(c.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(
      /shoal_peer_connections_total\{[^}]*outcome="connected",path="relayed",protocol="udp"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /shoal_peer_connections_total\{[^}]*outcome="connected",path="direct-host",protocol="udp"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/shoal_peer_connections_total\{[^}]*outcome="failed",path="none",protocol="none"[^}]*\} 1/);
    expect(metrics).toMatch(/shoal_peer_connection_setup_seconds_count\{[^}]*path="relayed"[^}]*\} 1/);
  });

  it('closes the older socket when the same device connects again', async () => {
    const user = await newUser(c.url);
    const device = await newDevice(user);
    const first = track(await WsDevice.connect(c.url, user, device));
    track(await WsDevice.connect(c.url, user, device));
    expect((await first.closed()).code).toBe(4002);
  });
});

describe.each(backends())('signalling limits ($name)', (backend) => {
  let c: TestCoordinator;
  let user: TestUser;
  beforeAll(async () => {
    c = await startTestCoordinator(backend);
    const { defaultSignallingLimits } = await import('../src/signalling/signalling-context.js');
    await c.stop();
    c = await startTestCoordinator(backend, {
      signalling: {
        limits: {
          ...defaultSignallingLimits,
          graceMs: 500,
          frameRatePerSecond: 5,
          frameBurst: 10,
          floodCloseAfter: 20,
          maxBufferedBytes: 32 * 1024,
        },
        userFramesPerMinute: 100_000,
      },
    });
    user = await newUser(c.url);
  });
  afterAll(() => c?.stop());

  it('rate-limits a flooding socket, then closes it', async () => {
    const ws = await WsDevice.connect(c.url, user, await newDevice(user));
    for (let i = 0; i < 60; i++) ws.send({ v: 1, type: 'ping' });
    const closed = await ws.closed();
    expect(closed).toEqual({ code: 1008, reason: 'RATE_LIMITED: flood' });
    expect(ws.frames.filter((f) => f.type === 'error' && f.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(ws.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(12);
    // The coordinator is fine.
    expect((await request(c.url, 'GET', '/health/live')).status).toBe(200);
  });
});

describe.each(backends())('per-user frame limit ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    const { defaultSignallingLimits } = await import('../src/signalling/signalling-context.js');
    c = await startTestCoordinator(backend, {
      signalling: { limits: defaultSignallingLimits, userFramesPerMinute: 30 },
    });
  });
  afterAll(() => c?.stop());

  it('counts the frames of all sockets of one user together', async () => {
    const user = await newUser(c.url);
    const one = await WsDevice.connect(c.url, user, await newDevice(user));
    const two = await WsDevice.connect(c.url, user, await newDevice(user));
    for (let i = 0; i < 20; i++) {
      one.send({ v: 1, type: 'ping' });
      two.send({ v: 1, type: 'ping' });
    }
    const answers = (ws: WsDevice) => ws.frames.filter((f) => f.type === 'pong' || f.type === 'error');
    await expect.poll(() => answers(one).length + answers(two).length, { timeout: 10_000 }).toBe(40);
    const all = [...answers(one), ...answers(two)];
    const pongs = all.filter((f) => f.type === 'pong').length;
    expect(all.filter((f) => f.type === 'error').map((f) => (f as { code: string }).code)).toEqual(
      Array(40 - pongs).fill('RATE_LIMITED'),
    );
    // Two hellos and 40 pings against 30 a minute: each socket alone was well within its own limit.
    expect(pongs).toBe(28);
    one.close();
    two.close();
  });
});

describe.each(backends())('slow consumers ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    const { defaultSignallingLimits } = await import('../src/signalling/signalling-context.js');
    c = await startTestCoordinator(backend, {
      signalling: { limits: { ...defaultSignallingLimits, maxBufferedBytes: 64 * 1024 }, userFramesPerMinute: 100_000 },
    });
  });
  afterAll(() => c?.stop());

  it('cuts off a socket that does not read, instead of buffering without bound', async () => {
    const alice = await newUser(c.url, 'alice');
    const bob = await newUser(c.url, 'bob');
    const aliceDevice = await newDevice(alice);
    const bobDevice = await newDevice(bob);
    const a = await WsDevice.connect(c.url, alice, aliceDevice);
    const b = await WsDevice.connect(c.url, bob, bobDevice);
    // Bob stops reading from his TCP socket; the coordinator's send buffer to him fills up.
    (b.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const padding = Array.from({ length: 1000 }, (_, i) => `a=x-padding:${String(i).padStart(30, '0')}`).join('\r\n');
    const sdp = `${FAKE_SDP()}${padding}\r\n`;
    const cutOff = async () =>
      /shoal_ws_errors_total\{[^}]*code="WS_SLOW_CONSUMER"[^}]*\} [1-9]/.test(
        (await request(c.url, 'GET', '/metrics')).body as string,
      );
    let sent = 0;
    while (sent < 1_000 && !(await cutOff())) {
      for (let i = 0; i < 25; i++, sent++) a.send(signedOffer(aliceDevice, bobDevice.deviceId, { sdp }));
      a.send({ v: 1, type: 'ping' });
      await a.next('pong');
      const errors = a.frames.filter((f) => f.type === 'error');
      expect(errors, JSON.stringify(errors[0])).toEqual([]);
    }
    expect(await cutOff()).toBe(true);
    (b.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await b.closed(20_000)).toMatchObject({ code: 1013, reason: 'WS_SLOW_CONSUMER' });
    a.close();
    expect((await request(c.url, 'GET', '/health/live')).status).toBe(200);
  });
});
