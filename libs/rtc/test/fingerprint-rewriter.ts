import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** What a coordinator in the middle would put instead of the real DTLS fingerprint. */
export const FORGED_FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

/**
 * A man in the middle for tests: a WebSocket proxy between one device and the coordinator's /ws
 * that rewrites the `a=fingerprint` lines of every offer and answer relayed to that device, as a
 * coordinator putting itself between two peers would. With `rewrite: false` it only relays.
 */
export async function startFingerprintRewriter(
  target: string,
  options: { rewrite?: boolean } = {},
): Promise<{ url: string; rewritten(): number; close(): Promise<void> }> {
  let rewritten = 0;
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const rewrite = (text: string): string => {
    if (options.rewrite === false) return text;
    const frame = JSON.parse(text) as { type?: string; sdp?: string };
    if (frame.type !== 'signal' || typeof frame.sdp !== 'string') return text;
    frame.sdp = frame.sdp.replace(/^a=fingerprint:(\S+) [^\r\n]*$/gm, (_line, algorithm: string) => {
      rewritten += 1;
      return `a=fingerprint:${algorithm} ${FORGED_FINGERPRINT}`;
    });
    return JSON.stringify(frame);
  };
  wss.on('connection', (client, request) => {
    const upstream = new WebSocket(target.replace(/^http/, 'ws') + (request.url ?? '/ws'));
    const pending: string[] = [];
    client.on('message', (data) => {
      const text = String(data);
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    upstream.on('message', (data) => client.send(rewrite(String(data))));
    upstream.on('close', (code, reason) => client.close(code === 1005 || code === 1006 ? 1011 : code, reason));
    upstream.on('error', () => client.terminate());
    client.on('close', () => upstream.close());
    client.on('error', () => upstream.terminate());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rewritten: () => rewritten,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
