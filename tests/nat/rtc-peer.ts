/**
 * One peer of the NAT tests, run inside a home's namespace (Node 24 runs this file as it is):
 * registers an account and a device on the lab's coordinator, goes online, and then does what the
 * test asks on stdin, one JSON command a line, answering one JSON line on stdout per command:
 *
 *   {"id":1,"cmd":"add-contact","username":"bob"}    {"id":1,"ok":true}
 *   {"id":2,"cmd":"connect","deviceId":"..."}          {"id":2,"ok":true,"path":{...},"rttMs":1.2}
 *   {"id":3,"cmd":"exit"}
 *
 * Unprompted lines: {"event":"ready",...} once online, {"event":"path",...} for every connection's
 * path (incoming ones too), {"event":"log",...} for libdatachannel's warnings.
 */
import readline from 'node:readline';
import { generateDeviceKeys } from '@shoal/identity';
import { nodePeerLinks, RtcNode } from '@shoal/rtc';
import type { Connection, ConnectionPath, IceServer } from '@shoal/rtc';
import { ShoalClient, SignallingClient } from '@shoal/sdk';
import { initLogger } from 'node-datachannel';

interface PeerConfig {
  coordinator: string;
  username: string;
  password: string;
  /** `relay`: TURN paths only. */
  iceTransportPolicy?: 'all' | 'relay';
  connectTimeoutMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PeerConfig;
const out = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);

initLogger((process.env.NAT_PEER_LOG ?? 'Warning') as 'Warning', (level, message) =>
  out({ event: 'log', level, message }),
);

const client = new ShoalClient({ baseUrl: config.coordinator });
const user = await client.auth.register({ username: config.username, password: config.password });
await client.auth.login({ username: config.username, password: config.password });
const keys = generateDeviceKeys();
const device = await client.devices.enroll(keys, `nat lab ${config.username}`);

// What the coordinator hands out, fetched per connection attempt (the TURN credentials expire).
const iceServers = async (): Promise<IceServer[]> => {
  const response = await fetch(`${config.coordinator}/api/v1/ice-servers`, {
    headers: { authorization: `Bearer ${await client.bearer()}` },
  });
  if (!response.ok) throw new Error(`GET /api/v1/ice-servers: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { iceServers: IceServer[] }).iceServers;
};

const signalling = new SignallingClient({
  baseUrl: config.coordinator,
  token: () => client.bearer(),
  device: { deviceId: device.id, userId: user.id, signingSecretKey: keys.signing.secretKey },
  minDelayMs: 50,
});
const node = new RtcNode({
  deviceId: device.id,
  signalling,
  keys: client.devices,
  links: nodePeerLinks(config.iceTransportPolicy ? { iceTransportPolicy: config.iceTransportPolicy } : {}),
  iceServers,
  connectTimeoutMs: config.connectTimeoutMs ?? 20_000,
  reconnect: false,
});
node.handle('echo', (channel) => channel.on('message', (data) => channel.send(data)));
node.on('connection', (connection) => {
  connection.on('path', (path) => out({ event: 'path', deviceId: connection.deviceId, path }));
});
await signalling.connect();
out({
  event: 'ready',
  userId: user.id,
  deviceId: device.id,
  iceServers: (await iceServers()).map((s) => s.urls),
});

const pathOf = (connection: Connection): Promise<ConnectionPath> =>
  connection.path
    ? Promise.resolve(connection.path)
    : new Promise((resolve) => {
        const off = connection.on('path', (path) => {
          off();
          resolve(path);
        });
      });

async function run(command: Record<string, unknown>): Promise<object> {
  switch (command.cmd) {
    case 'add-contact':
      await client.contacts.add(String(command.username));
      return {};
    case 'accept-contact':
      await client.contacts.accept(String(command.username));
      return {};
    case 'connect': {
      const connection = await node.connect(String(command.deviceId));
      const channel = await connection.openChannel('echo');
      const text = `hello through the NAT from ${config.username}`;
      const echoed = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000);
        channel.on('message', (data) => {
          clearTimeout(timer);
          resolve(typeof data === 'string' ? data : new TextDecoder().decode(data));
        });
        channel.send(text);
      });
      const path = await pathOf(connection);
      return { path, echoed: echoed === text, rttMs: await connection.ping() };
    }
    case 'exit':
      await node.close();
      signalling.close();
      setTimeout(() => process.exit(0), 100);
      return {};
    default:
      throw new Error(`unknown command ${String(command.cmd)}`);
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let command: Record<string, unknown>;
  try {
    command = JSON.parse(line) as Record<string, unknown>;
  } catch {
    out({ event: 'bad-command', line });
    return;
  }
  run(command).then(
    (result) => out({ id: command.id, ok: true, ...result }),
    (error: unknown) =>
      out({
        id: command.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        code: (error as { code?: string }).code,
      }),
  );
});
process.stdin.on('end', () => process.exit(0));
