// A closed-loop HTTP load generator that opens a new TCP connection for every request
// (`Connection: close`), as BitTorrent clients announcing minutes apart do, and as opentracker
// forces anyway (it closes after every answer).
//
// Why not autocannon here: against a server that closes after each answer, autocannon 9 writes
// the next request onto the closing socket and keeps it queued, so its latencies grow without
// bound; and its `reconnectRate` option skips counting the answer it reconnects after
// (lib/httpClient.js, kOnMessageComplete returns before emitting 'response').
import { connect } from 'node:net';

/**
 * `connections` loops, each: connect, send `GET <nextPath()>`, read the whole answer, close; again
 * until `durationS` passed (or `amount` requests were made). Answers the same raw shape as
 * `measureRaw` of lib/load.mjs, so `summarise` and `runProblems` apply. An answer counts when its
 * status is `expectStatus` and `verifyBody(body)` (latin1 text) is true.
 */
export async function measureOneShot({
  url,
  nextPath,
  connections = 10,
  durationS = 5,
  amount,
  expectStatus = 200,
  verifyBody = () => true,
  timeoutMs = 10_000,
}) {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const latenciesMs = [];
  const statuses = {};
  let mismatches = 0;
  let errors = 0;
  let timeouts = 0;
  let started = 0;
  const t0 = performance.now();
  const until = t0 + durationS * 1000;
  const more = () => (amount !== undefined ? started < amount : performance.now() < until);

  const once = (path) =>
    new Promise((resolve) => {
      const sentAt = performance.now();
      const socket = connect({ host, port: Number(port), noDelay: true });
      const chunks = [];
      let settled = false;
      const finish = (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ timeout: true }), timeoutMs);
      socket.on('connect', () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`);
      });
      socket.on('data', (chunk) => {
        chunks.push(chunk);
        const answer = parseAnswer(Buffer.concat(chunks));
        if (answer) finish({ ...answer, ms: performance.now() - sentAt });
      });
      socket.on('end', () => finish(parseAnswer(Buffer.concat(chunks), true) ?? { error: true }));
      socket.on('error', () => finish({ error: true }));
    });

  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (more()) {
        started += 1;
        const outcome = await once(nextPath());
        if (outcome.timeout) timeouts += 1;
        if (outcome.error || outcome.timeout) {
          errors += 1;
          continue;
        }
        statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
        if (outcome.status !== expectStatus) continue;
        latenciesMs.push(outcome.ms);
        if (!verifyBody(outcome.body)) mismatches += 1;
      }
    }),
  );
  return {
    method: 'GET',
    path: 'one connection per request',
    connections,
    durationS: (performance.now() - t0) / 1000,
    latenciesMs,
    statuses,
    mismatches,
    errors,
    timeouts,
  };
}

/** Status and body once the answer is complete (Content-Length, or the connection's end). */
function parseAnswer(bytes, ended = false) {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = bytes.toString('latin1', 0, headerEnd);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const body = bytes.subarray(headerEnd + 4);
  if (length && body.length >= Number(length[1])) {
    return { status, body: body.toString('latin1', 0, Number(length[1])) };
  }
  return ended ? { status, body: body.toString('latin1') } : undefined;
}
