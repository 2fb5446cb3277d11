// The baseline of the signalling benchmark: a bare `ws` relay. A client connects to
// `/?id=<its id>&to=<peer id>`; every text frame it sends is forwarded, untouched, to the socket
// of `to`. No authentication, no parsing, no queue: the cheapest relay Node and `ws` can do.
// Started like the coordinator (PORT=0, one JSON line with its URL).
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const sockets = new Map();
const server = createServer((_req, res) => {
  res.writeHead(426).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws, request) => {
  const query = new URL(request.url ?? '/', 'http://relay').searchParams;
  const id = query.get('id') ?? '';
  const to = query.get('to') ?? '';
  sockets.set(id, ws);
  ws.on('message', (data, isBinary) => {
    const peer = sockets.get(to);
    if (peer && peer.readyState === 1) peer.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    if (sockets.get(id) === ws) sockets.delete(id);
  });
  ws.on('error', () => ws.terminate());
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  const url = `ws://${address}:${port}`;
  process.stdout.write(`${JSON.stringify({ msg: `ws relay listening on ${url}`, url, port })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
