import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import {
  AttributeType,
  StunClass,
  StunMessageBuilder,
  StunMethod,
  TurnStreamFramer,
  channelNumber,
  data,
  decodeChannelData,
  decodeStunMessage,
  encodeChannelData,
  errorCode,
  lifetime,
  longTermKey,
  looksLikeChannelData,
  nonce,
  realm,
  requestedTransport,
  type StunMessage,
  type TransportAddress,
  TRANSPORT_UDP,
  username,
  xorPeerAddress,
} from '@shoal/turn';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface Received {
  readonly data: Buffer;
  readonly peer?: TransportAddress;
  readonly channel?: number;
}

type AddAttributes = (builder: StunMessageBuilder) => void;

/**
 * A small TURN client written for the tests, on the library's own codec (interop with clients we
 * did not write is in interop-coturn.spec.ts and node-datachannel.spec.ts).
 */
export class TestTurnClient {
  private readonly waiting = new Map<string, (message: StunMessage) => void>();
  private readonly inbox: Received[] = [];
  private readonly inboxWaiters: (() => void)[] = [];
  private realm: string | undefined;
  private nonce: string | undefined;
  readonly raw: Buffer[] = [];

  private constructor(
    private readonly sendBytes: (bytes: Buffer) => void,
    private readonly closeTransport: () => void,
    readonly transport: 'udp' | 'tcp',
    readonly local: TransportAddress,
    public credentials?: Credentials,
  ) {}

  static async udp(server: TransportAddress, credentials?: Credentials): Promise<TestTurnClient> {
    const socket: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { address, port } = socket.address();
    const client = new TestTurnClient(
      (bytes) => socket.send(bytes, server.port, server.address),
      () => socket.close(),
      'udp',
      { family: 'IPv4', address, port },
      credentials,
    );
    socket.on('message', (message) => client.onBytes(message));
    return client;
  }

  static async tcp(server: TransportAddress, credentials?: Credentials): Promise<TestTurnClient> {
    const socket: TcpSocket = connect({ host: server.address, port: server.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const client = new TestTurnClient(
      (bytes) => socket.write(bytes),
      () => socket.destroy(),
      'tcp',
      { family: 'IPv4', address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
      credentials,
    );
    const framer = new TurnStreamFramer((frame) => client.onBytes(frame));
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('error', () => undefined);
    client.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    return client;
  }

  socketClosed: Promise<void> = new Promise(() => undefined);

  close(): void {
    this.closeTransport();
  }

  sendRaw(bytes: Buffer): void {
    this.sendBytes(bytes);
  }

  /** Sends a message and resolves with the response carrying its transaction ID. */
  transact(builder: StunMessageBuilder, encoded: Buffer = builder.encode(), timeoutMs = 5000): Promise<StunMessage> {
    const id = builder.transactionId.toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no response to ${id}`));
      }, timeoutMs);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.sendBytes(encoded);
    });
  }

  /** Sends a request with long-term credentials, answering the 401 challenge and one 438 itself. */
  async request(method: number, add: AddAttributes = () => undefined): Promise<StunMessage> {
    const credentials = this.credentials;
    if (credentials === undefined) throw new Error('no credentials');
    for (let attempt = 0; attempt < 3; attempt++) {
      const builder = StunMessageBuilder.of(method, StunClass.Request);
      add(builder);
      if (this.realm === undefined || this.nonce === undefined) {
        const challenge = await this.transact(builder);
        if (challenge.get(errorCode)?.code !== 401) return challenge;
        this.realm = challenge.get(realm);
        this.nonce = challenge.get(nonce);
        continue;
      }
      builder.add(username, credentials.username).add(realm, this.realm).add(nonce, this.nonce);
      const key = longTermKey(credentials.username, this.realm, credentials.password);
      const encoded = builder.encode({ integrityKey: key, fingerprint: true });
      this.last = { builder, encoded };
      const response = await this.transact(builder, encoded);
      if (response.get(errorCode)?.code === 438) {
        this.nonce = response.get(nonce);
        continue;
      }
      return response;
    }
    throw new Error('could not authenticate');
  }

  private last: { builder: StunMessageBuilder; encoded: Buffer } | undefined;

  /** Sends the last authenticated request again, byte for byte, as a retransmission. */
  retransmitLast(): Promise<StunMessage> {
    if (this.last === undefined) throw new Error('nothing sent yet');
    return this.transact(this.last.builder, this.last.encoded);
  }

  async allocate(add: AddAttributes = () => undefined): Promise<StunMessage> {
    return this.request(StunMethod.Allocate, (builder) => {
      builder.add(requestedTransport, TRANSPORT_UDP);
      add(builder);
    });
  }

  createPermission(...peers: TransportAddress[]): Promise<StunMessage> {
    return this.request(StunMethod.CreatePermission, (builder) => {
      for (const peer of peers) builder.add(xorPeerAddress, peer);
    });
  }

  channelBind(channel: number, peer: TransportAddress): Promise<StunMessage> {
    return this.request(StunMethod.ChannelBind, (builder) =>
      builder.add(channelNumber, channel).add(xorPeerAddress, peer),
    );
  }

  refresh(seconds?: number): Promise<StunMessage> {
    return this.request(StunMethod.Refresh, (builder) => {
      if (seconds !== undefined) builder.add(lifetime, seconds);
    });
  }

  sendIndication(peer: TransportAddress, payload: Buffer): void {
    const builder = StunMessageBuilder.of(StunMethod.Send, StunClass.Indication);
    builder.add(xorPeerAddress, peer).add(data, payload);
    this.sendBytes(builder.encode());
  }

  sendChannelData(channel: number, payload: Buffer): void {
    this.sendBytes(encodeChannelData(channel, payload, { pad: this.transport === 'tcp' }));
  }

  /** The next relayed payload (Data indication or ChannelData). */
  async receive(timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('nothing relayed to the client');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.inboxWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.inbox.shift() as Received;
  }

  get pendingReceived(): number {
    return this.inbox.length;
  }

  private onBytes(bytes: Buffer): void {
    this.raw.push(Buffer.from(bytes));
    if (looksLikeChannelData(bytes)) {
      const { channel, data: payload } = decodeChannelData(bytes);
      this.deliver({ channel, data: Buffer.from(payload) });
      return;
    }
    const message = decodeStunMessage(Buffer.from(bytes));
    if (message.method === StunMethod.Data && message.messageClass === StunClass.Indication) {
      const payload = message.get(data);
      const peer = message.get(xorPeerAddress);
      if (payload !== undefined && peer !== undefined) this.deliver({ data: Buffer.from(payload), peer });
      return;
    }
    this.waiting.get(message.transactionId.toString('hex'))?.(message);
    this.waiting.delete(message.transactionId.toString('hex'));
  }

  private deliver(received: Received): void {
    this.inbox.push(received);
    for (const wake of this.inboxWaiters.splice(0)) wake();
  }
}

export function errorOf(message: StunMessage): number | undefined {
  return message.get(errorCode)?.code;
}

export function isSuccess(message: StunMessage): boolean {
  return message.messageClass === StunClass.SuccessResponse;
}

export { AttributeType };
