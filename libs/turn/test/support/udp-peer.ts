import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { TransportAddress } from '@shoal/turn';

/** A plain UDP peer on 127.0.0.1: records what it receives, can send, can echo. */
export class UdpPeer {
  readonly received: { data: Buffer; from: RemoteInfo }[] = [];
  private waiters: (() => void)[] = [];
  echo = false;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data, from) => {
      this.received.push({ data, from });
      if (this.echo) socket.send(data, from.port, from.address);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async start(options: { echo?: boolean } = {}): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const peer = new UdpPeer(socket);
    peer.echo = options.echo ?? false;
    return peer;
  }

  get address(): TransportAddress {
    const { address, port } = this.socket.address();
    return { family: 'IPv4', address, port };
  }

  send(data: Buffer, to: TransportAddress): void {
    this.socket.send(data, to.port, to.address);
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`peer received ${this.received.length} of ${count}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
