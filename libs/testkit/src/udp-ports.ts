import { createSocket, type Socket } from 'node:dgram';

function bind(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve(socket));
  });
}

/** Two free UDP ports p, p + 1 on 127.0.0.1 (turnutils_peer listens on both). */
export async function freeUdpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bind(0);
    if (first === undefined) continue;
    const port = first.address().port;
    const second = port < 65535 ? await bind(port + 1) : undefined;
    first.close();
    second?.close();
    if (second !== undefined) return port;
  }
  throw new Error('no free pair of UDP ports on 127.0.0.1');
}

/** Resolves once something on 127.0.0.1:port echoes a datagram back. */
export async function waitForUdpEcho(port: number, timeoutMs = 10_000): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const echoed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 100);
        socket.once('message', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      socket.send(Buffer.from('ping'), port, '127.0.0.1');
      if (await echoed) return;
    }
    throw new Error(`nothing echoes on 127.0.0.1:${port}`);
  } finally {
    socket.close();
  }
}
