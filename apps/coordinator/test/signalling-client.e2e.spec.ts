import { sdpFingerprints, signalSignatureMessage, verify } from '@shoal/identity';
import { SignallingClient } from '@shoal/sdk';
import type { SignalDeliveryFrame } from '@shoal/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestCoordinator } from './harness.js';
import type { TestCoordinator } from './harness.js';
import { FAKE_SDP, newDevice, newUser } from './ws-device.js';

/** The SDK's signalling client against a real coordinator. */
describe.each(backends())('SignallingClient ($name)', (backend) => {
  let c: TestCoordinator;
  const clients: SignallingClient[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator(backend);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await c?.stop();
  });

  const connect = async (prefix: string) => {
    const user = await newUser(c.url, prefix);
    const device = await newDevice(user);
    const client = new SignallingClient({
      baseUrl: c.url,
      token: () => user.client.bearer(),
      device: { deviceId: device.deviceId, userId: user.userId, signingSecretKey: device.keys.signing.secretKey },
      minDelayMs: 50,
    });
    clients.push(client);
    await client.connect();
    return { user, device, client };
  };

  const nextSignal = (client: SignallingClient) =>
    new Promise<SignalDeliveryFrame>((resolve) => client.once('signal', resolve));

  it('signs offers so that the receiver can verify them against the registered key', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const received = nextSignal(bob.client);
    alice.client.signal({ to: bob.device.deviceId, session: 'session-abc', kind: 'offer', sdp: FAKE_SDP() });
    const offer = await received;
    const keys = await bob.user.client.devices.ofUser(alice.user.username);
    const key = keys.devices.find((d) => d.id === offer.from.deviceId)!.publicKey;
    const message = signalSignatureMessage({
      session: offer.session,
      from: offer.from.deviceId,
      to: bob.device.deviceId,
      kind: 'offer',
      fingerprints: sdpFingerprints(offer.sdp!),
      timestamp: offer.timestamp!,
    });
    expect(verify(key, message, offer.signature!)).toBe(true);
  });

  it('reconnects by itself and resumes without losing signals sent meanwhile', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const got: string[] = [];
    bob.client.on('signal', (s) => got.push(s.candidate!.candidate));
    const states: string[] = [];
    bob.client.on('state', (s) => states.push(s));
    // Cut Bob's socket from the server side, as a network drop would.
    const reconnected = new Promise((resolve) => bob.client.once('ready', resolve));
    const socket = (bob.client as unknown as { socket: WebSocket }).socket;
    socket.close(4000, 'simulated drop');
    for (let n = 0; n < 5; n++) {
      alice.client.signal({
        to: bob.device.deviceId,
        session: 'session-resume',
        kind: 'candidate',
        candidate: { candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${6000 + n} typ host` },
      });
    }
    await reconnected;
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(5);
    expect(got).toEqual([0, 1, 2, 3, 4].map((n) => `candidate:${n} 1 udp 1 127.0.0.1 ${6000 + n} typ host`));
    expect(states).toContain('reconnecting');
  });

  it('reports errors for signals that cannot be delivered', async () => {
    const alice = await connect('alice');
    const error = new Promise((resolve) => alice.client.once('error', resolve));
    alice.client.signal({ to: 'f'.repeat(40), session: 'session-x', kind: 'hangup', ref: 'nobody' });
    expect(await error).toMatchObject({ code: 'SIGNAL_UNKNOWN_DEVICE', ref: 'nobody' });
  });

  it('fails to connect with a clear error when the token is refused', async () => {
    const client = new SignallingClient({
      baseUrl: c.url,
      token: () => 'not-a-token',
      device: {
        deviceId: 'a'.repeat(40),
        userId: '00000000-0000-4000-8000-000000000000',
        signingSecretKey: new Uint8Array(32),
      },
    });
    await expect(client.connect()).rejects.toThrow(/cannot open signalling/);
    expect(client.state).toBe('closed');
  });
});
