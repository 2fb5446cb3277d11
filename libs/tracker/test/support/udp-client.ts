import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

/** A throwaway UDP client: send datagrams, await answers in order. */
export class UdpTestClient {
  private readonly socket: Socket;
  private readonly inbox: Buffer[] = [];
  private waiting: ((msg: Buffer) => void) | undefined;

  private constructor(
    readonly family: 4 | 6,
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = createSocket(family === 4 ? 'udp4' : 'udp6');
    this.socket.on('message', (msg) => {
      const waiter = this.waiting;
      this.waiting = undefined;
      if (waiter) waiter(msg);
      else this.inbox.push(msg);
    });
  }

  static async open(port: number, family: 4 | 6 = 4): Promise<UdpTestClient> {
    const client = new UdpTestClient(family, family === 4 ? '127.0.0.1' : '::1', port);
    await new Promise<void>((resolve) => client.socket.bind(0, family === 4 ? '127.0.0.1' : '::1', resolve));
    return client;
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  send(packet: Uint8Array): void {
    this.socket.send(packet, this.port, this.host);
  }

  /** The next datagram; rejects after `ms` so a silent tracker fails the test instead of hanging it. */
  next(ms = 5000): Promise<Buffer> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error('no UDP answer'));
      }, ms);
      this.waiting = (msg) => {
        clearTimeout(timer);
        resolve(msg);
      };
    });
  }

  async request(packet: Uint8Array): Promise<Buffer> {
    this.send(packet);
    return this.next();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
