// The baseline of the WebSocket tracker: bittorrent-tracker's own server (the package WebTorrent
// uses), WebSocket only, started like the coordinator (PORT=0, one JSON line with its URL).
// PEERS_PER_SWARM raises its per-swarm LRU (1,000 peers by default) so that no peer is evicted.
import { Server } from 'bittorrent-tracker';

const peersPerSwarm = Number(process.env.PEERS_PER_SWARM ?? 1000);
const server = new Server({
  http: false,
  udp: false,
  ws: true,
  stats: false,
  trustProxy: false,
  peersCacheLength: Math.max(1000, peersPerSwarm * 2),
});
// A client's bad request is a warning for the server, not a reason to stop.
server.on('warning', () => {});
server.on('error', (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.ws.address();
  const url = `ws://${address}:${port}`;
  process.stdout.write(`${JSON.stringify({ msg: `bittorrent-tracker listening on ${url}`, url, port })}\n`);
});

// Its close waits for every open socket; a benchmark that is done has nothing left to wait for.
process.on('SIGTERM', () => process.exit(0));
