import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;

/**
 * Routes HTTP upgrades (WebSockets) by path: `/ws` for signalling, and later `/announce` for the
 * WebSocket tracker. Nest's gateways would each want the whole server; one router keeps one owner.
 */
export class UpgradeRouter {
  private readonly routes = new Map<string, UpgradeHandler>();

  register(path: string, handler: UpgradeHandler): void {
    if (this.routes.has(path)) throw new Error(`an upgrade handler for ${path} exists already`);
    this.routes.set(path, handler);
  }

  readonly handle = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const handler = this.routes.get(path);
    if (!handler) {
      const body = JSON.stringify({ code: 'NOT_FOUND', message: 'no WebSocket endpoint here' });
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    Promise.resolve(handler(request, socket, head)).catch(() => socket.destroy());
  };
}
