import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP load balancer for tests: each connection goes to the first target in the list that
 * accepts it. Like a Kubernetes Service, it keeps sending to a dead replica until its health
 * check removes it: the test does that with `setTargets`.
 */
export async function startFailoverProxy(targets: number[]): Promise<{
  url: string;
  /** Where each accepted connection went, in order. */
  routed: number[];
  setTargets(ports: number[]): void;
  close(): Promise<void>;
}> {
  let current = [...targets];
  const routed: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const tryTarget = (index: number) => {
      const port = current[index];
      if (port === undefined) {
        client.destroy();
        return;
      }
      const upstream = net.createConnection({ host: '127.0.0.1', port });
      upstream.once('error', () => {
        upstream.destroy();
        // Refused: like a dead pod behind a Service, the connection fails; the client retries.
        client.destroy();
      });
      upstream.once('connect', () => {
        routed.push(port);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryTarget(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    setTargets: (ports) => {
      current = [...ports];
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
