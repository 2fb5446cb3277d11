import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateDeviceKeys } from '@shoal/identity';
import type { DeviceKeys } from '@shoal/identity';
import type { SignalDeliveryFrame } from '@shoal/protocol';
import { ShoalClient, SignallingClient } from '@shoal/sdk';
import type { OutgoingSignal } from '@shoal/sdk';
import { startCoordinatorProcess } from '@shoal/testkit';
import type { CoordinatorProcess } from '@shoal/testkit';
import { nodePeerLinks, RtcNode } from '../src/index.js';
import type { PeerLink, PeerLinkFactory, RtcNodeOptions, SignallingPort } from '../src/index.js';

export const PASSWORD = 'correct horse battery staple';

/** A coordinator process on a free port with an embedded database in a temp dir. */
export async function startCoordinator(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-rtc-'));
  let coordinator: CoordinatorProcess;
  try {
    coordinator = await startCoordinatorProcess({
      SHOAL_DATA_DIR: dir,
      REGISTER_RATE_PER_ADDRESS: '1000',
      LOGIN_RATE_PER_ADDRESS: '1000',
      TURN_PORT: '0',
      TRACKER_UDP_PORT: '0',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: coordinator.url,
    stop: async () => {
      await coordinator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  username: string;
  userId: string;
  client: ShoalClient;
}

export interface TestDevice {
  user: TestUser;
  keys: DeviceKeys;
  deviceId: string;
  signalling: SignallingClient;
}

let counter = 0;
export async function newUser(base: string, prefix: string): Promise<TestUser> {
  counter += 1;
  const username = `${prefix}${counter}${randomBytes(3).toString('hex')}`;
  const client = new ShoalClient({ baseUrl: base });
  const user = await client.auth.register({ username, password: PASSWORD });
  await client.auth.login({ username, password: PASSWORD });
  return { username, userId: user.id, client };
}

/** Registers a device of `user` and opens its signalling (through `signallingUrl` if given). */
export async function newDevice(
  base: string,
  user: TestUser,
  options: { signallingUrl?: string; online?: boolean } = {},
): Promise<TestDevice> {
  const keys = generateDeviceKeys();
  const device = await user.client.devices.enroll(keys, 'test device');
  const signalling = new SignallingClient({
    baseUrl: options.signallingUrl ?? base,
    token: () => user.client.bearer(),
    device: { deviceId: device.id, userId: user.userId, signingSecretKey: keys.signing.secretKey },
    minDelayMs: 50,
  });
  if (options.online ?? true) await signalling.connect();
  return { user, keys, deviceId: device.id, signalling };
}

export async function befriend(a: TestUser, b: TestUser): Promise<void> {
  await a.client.contacts.add(b.username);
  await b.client.contacts.accept(a.username);
}

/** Peer links that the test can reach, to break them as a network fault would. */
export function recordingLinks(inner: PeerLinkFactory = nodePeerLinks()): PeerLinkFactory & { created: PeerLink[] } {
  const created: PeerLink[] = [];
  const factory = (config: Parameters<PeerLinkFactory>[0]) => {
    const link = inner(config);
    created.push(link);
    return link;
  };
  return Object.assign(factory, { created });
}

export function makeNode(device: TestDevice, options: Partial<RtcNodeOptions> = {}): RtcNode {
  return new RtcNode({
    deviceId: device.deviceId,
    signalling: device.signalling,
    keys: device.user.client.devices,
    links: nodePeerLinks(),
    ...options,
  });
}

/** Resolves with the next value an event delivers (matching `where`), or rejects after `timeoutMs`. */
export function nextEvent<V>(
  subscribe: (listener: (value: V) => void) => () => void,
  where: (value: V) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<V> {
  return new Promise<V>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = subscribe((value) => {
      if (!where(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/**
 * Holds back the signals a device receives until `release()`, so that a test can make both
 * sides send their offers before either sees the other's: real glare, every time.
 */
export function heldSignalling(client: SignallingClient): {
  port: SignallingPort;
  sent: OutgoingSignal[];
  release(): void;
} {
  const sent: OutgoingSignal[] = [];
  let held: SignalDeliveryFrame[] | undefined = [];
  const listeners = new Set<(frame: SignalDeliveryFrame) => void>();
  client.on('signal', (frame) => {
    if (held) held.push(frame);
    else for (const l of listeners) l(frame);
  });
  const port = {
    signal: (signal: OutgoingSignal) => {
      sent.push(signal);
      client.signal(signal);
    },
    on: (event: string, listener: (value: never) => void) => {
      if (event !== 'signal') return client.on(event as 'ready', listener as (value: unknown) => void);
      const l = listener as (frame: SignalDeliveryFrame) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as SignallingPort;
  return {
    port,
    sent,
    release: () => {
      const frames = held ?? [];
      held = undefined;
      for (const frame of frames) for (const l of listeners) l(frame);
    },
  };
}
