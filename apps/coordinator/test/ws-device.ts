import { deviceHelloMessage, generateDeviceKeys, sdpFingerprints, sign, signalSignatureMessage } from '@shoal/identity';
import type { DeviceKeys } from '@shoal/identity';
import { ShoalClient } from '@shoal/sdk';
import type { ServerFrame } from '@shoal/protocol';
import WebSocket from 'ws';
import { GOOD_PASSWORD, uniqueName } from './harness.js';

export interface TestUser {
  username: string;
  userId: string;
  client: ShoalClient;
  accessToken: string;
}

export async function newUser(base: string, prefix = 'ws'): Promise<TestUser> {
  const username = uniqueName(prefix);
  const client = new ShoalClient({ baseUrl: base });
  const user = await client.auth.register({ username, password: GOOD_PASSWORD });
  const tokens = await client.auth.login({ username, password: GOOD_PASSWORD });
  return { username, userId: user.id, client, accessToken: tokens.accessToken };
}

export async function newDevice(user: TestUser): Promise<{ keys: DeviceKeys; deviceId: string }> {
  const keys = generateDeviceKeys();
  const device = await user.client.devices.enroll(keys, 'test device');
  return { keys, deviceId: device.id };
}

/** A raw /ws client for tests: every frame received is kept, in order. */
export class WsDevice {
  readonly frames: ServerFrame[] = [];
  lastSeq = 0;
  closeInfo: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: WebSocket,
    readonly deviceId: string,
  ) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if ('seq' in frame && typeof frame.seq === 'number') this.lastSeq = Math.max(this.lastSeq, frame.seq);
      this.frames.push(frame);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', (code, reason) => {
      this.closeInfo = { code, reason: String(reason) };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens the socket without saying hello. */
  static async open(base: string, token: string | undefined, deviceId = ''): Promise<WsDevice> {
    const url = base.replace(/^http/, 'ws') + '/ws';
    const socket = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const device = new WsDevice(socket, deviceId);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return device;
  }

  /** Opens, answers the challenge and waits for ready. */
  static async connect(
    base: string,
    user: TestUser,
    device: { keys: DeviceKeys; deviceId: string },
    resume?: { lastSeq: number },
  ): Promise<WsDevice> {
    const ws = await WsDevice.open(base, user.accessToken, device.deviceId);
    const challenge = await ws.next('challenge');
    const signature = sign(
      device.keys.signing.secretKey,
      deviceHelloMessage({ nonce: challenge.nonce, deviceId: device.deviceId, userId: user.userId }),
    );
    ws.send({ v: 1, type: 'hello', deviceId: device.deviceId, signature, ...(resume ? { resume } : {}) });
    const ready = await ws.next('ready');
    ws.lastSeq = ready.lastSeq;
    return ws;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame of `type` (matching `where`) not consumed yet; waits up to `timeoutMs`. */
  async next<T extends ServerFrame['type']>(
    type: T,
    where: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f.type === type && where(f as Extract<ServerFrame, { type: T }>));
      if (index >= 0) return this.frames.splice(index, 1)[0] as Extract<ServerFrame, { type: T }>;
      if (this.closeInfo)
        throw new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) before a ${type} frame`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves with the close code and reason. */
  async closed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closeInfo) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closeInfo;
  }

  close(): void {
    this.socket.close();
  }
}

export const FAKE_SDP = (fingerprint = 'AA:BB:CC:DD') =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    '',
  ].join('\r\n');

/** A correctly signed offer from `from` to `to`. */
export function signedOffer(
  from: { keys: DeviceKeys; deviceId: string },
  to: string,
  options: { session?: string; sdp?: string; timestamp?: number; kind?: 'offer' | 'answer' } = {},
) {
  const sdp = options.sdp ?? FAKE_SDP();
  const session = options.session ?? `s${Math.random().toString(36).slice(2, 12)}`;
  const timestamp = options.timestamp ?? Date.now();
  const kind = options.kind ?? 'offer';
  const signature = sign(
    from.keys.signing.secretKey,
    signalSignatureMessage({ session, from: from.deviceId, to, kind, fingerprints: sdpFingerprints(sdp), timestamp }),
  );
  return { v: 1, type: 'signal', to, session, kind, sdp, timestamp, signature };
}
