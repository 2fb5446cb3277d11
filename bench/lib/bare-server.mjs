// The baseline for memory: a bare Node HTTP server, started the same way as the coordinator
// (same Node binary, PORT=0, one JSON line on stdout announcing its URL) and answering the same
// tiny JSON body that GET /health/live answers.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok' });
const server = createServer((req, res) => {
  // Drain any request body, as a real endpoint would, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  const url = `http://${address}:${port}`;
  process.stdout.write(`${JSON.stringify({ msg: `bare server listening on ${url}`, url, port })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
