/** Binds the listening sockets; errors are the raw Node errors, for the caller to wrap. */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server as TcpServer } from 'node:net';
import type { IpFamily } from '../codec/ip-address.js';

export function listenUdp(host: string, port: number, family: IpFamily): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4' });
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

export function listenTcp(host: string, port: number): Promise<TcpServer> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
