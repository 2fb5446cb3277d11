// A closed-loop UDP load generator: `clients` sockets, each with one request in flight, sending
// its next request as soon as the previous one was answered (or timed out). The protocol is the
// caller's: `setup` runs once per client (BEP 15's connect, say), `request` makes the next datagram
// and `answer` classifies what came back.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

/**
 * @param {object} options
 * @param {string} options.host
 * @param {number} options.port
 * @param {number} options.clients sockets, one request in flight each
 * @param {number} options.durationS
 * @param {(client: object) => Promise<void>} [options.setup] once per client, before the clock starts;
 *   `client.exchange(buffer, accept)` sends and resolves with the first datagram `accept` takes
 * @param {(client: object) => Buffer} options.request the next request of this client
 * @param {(client: object, message: Buffer) => 'ok' | 'error' | 'reset' | 'ignore'} options.answer
 *   'ok' counts; 'error' is an answer that does not count; 'reset' also runs `setup` again (an
 *   expired connection id); 'ignore' is a stale datagram, still waiting
 * @param {number} [options.timeoutMs] a request unanswered this long counts as lost, and the client goes on
 */
export async function udpClosedLoop({ host, port, clients, durationS, setup, request, answer, timeoutMs = 1_000 }) {
  const all = [];
  try {
    for (let i = 0; i < clients; i += 1) {
      const socket = createSocket('udp4');
      // A refused datagram (ICMP port unreachable) is an error event on a connected socket; the
      // request it was is then lost and the sweeper moves on.
      socket.on('error', () => {});
      socket.connect(port, host);
      await once(socket, 'connect');
      const client = {
        index: i,
        socket,
        inFlight: false,
        sentAt: 0,
        exchange: (buffer, accept) => exchange(socket, buffer, accept, timeoutMs),
      };
      all.push(client);
    }
    if (setup) await Promise.all(all.map((client) => setup(client)));

    const latenciesMs = [];
    let ok = 0;
    let errors = 0;
    let lost = 0;
    let resets = 0;
    let running = true;
    const t0 = performance.now();
    const until = t0 + durationS * 1000;
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    let active = all.length;

    const sendNext = (client) => {
      if (!running || performance.now() >= until) {
        client.inFlight = false;
        active -= 1;
        if (active === 0) finish();
        return;
      }
      client.inFlight = true;
      client.sentAt = performance.now();
      client.socket.send(request(client));
    };
    const resetThenSend = (client) => {
      resets += 1;
      client.socket.off('message', client.onMessage);
      setup(client)
        .catch(() => undefined)
        .finally(() => {
          client.socket.on('message', client.onMessage);
          sendNext(client);
        });
    };
    for (const client of all) {
      client.onMessage = (message) => {
        if (!client.inFlight) return;
        const verdict = answer(client, message);
        if (verdict === 'ignore') return;
        client.inFlight = false;
        if (verdict === 'ok') {
          ok += 1;
          latenciesMs.push(performance.now() - client.sentAt);
        } else {
          errors += 1;
        }
        if (verdict === 'reset' && setup) resetThenSend(client);
        else sendNext(client);
      };
      client.socket.on('message', client.onMessage);
    }
    // Lost datagrams: one timer for all clients rather than one per request.
    const sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const client of all) {
          if (client.inFlight && now - client.sentAt > timeoutMs) {
            client.inFlight = false;
            lost += 1;
            sendNext(client);
          }
        }
      },
      Math.min(100, timeoutMs / 2),
    );
    for (const client of all) sendNext(client);
    await finished;
    running = false;
    clearInterval(sweeper);
    const seconds = (performance.now() - t0) / 1000;
    return { clients, seconds, ok, errors, lost, resets, perSecond: ok / seconds, latenciesMs };
  } finally {
    for (const client of all) client.socket.close();
  }
}

/** Sends `buffer` on a connected socket until `accept(message)` takes an answer (3 tries). */
async function exchange(socket, buffer, accept, timeoutMs) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const answer = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        resolve(undefined);
      }, timeoutMs);
      const onMessage = (message) => {
        if (!accept(message)) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(message);
      };
      socket.on('message', onMessage);
      socket.send(buffer);
    });
    if (answer !== undefined) return answer;
  }
  throw new Error(`no answer from ${socket.remoteAddress().address}:${socket.remoteAddress().port} after 3 tries`);
}

/** Several runs of the same load, taken together (as `summarise` does for HTTP). */
export function summariseUdp(runs) {
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const ok = runs.reduce((sum, r) => sum + r.ok, 0);
  return {
    clients: runs[0].clients,
    runs: runs.length,
    seconds: Math.round(seconds * 100) / 100,
    ok,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    lost: runs.reduce((sum, r) => sum + r.lost, 0),
    resets: runs.reduce((sum, r) => sum + r.resets, 0),
    perSecond: ok / seconds,
    latenciesMs: runs.flatMap((r) => r.latenciesMs),
  };
}

/** Problems worth printing next to a UDP figure, or []. */
export function udpProblems(run) {
  const problems = [];
  if (run.errors > 0) problems.push(`${run.errors} error answers (${run.resets} reconnects)`);
  if (run.lost > 0) problems.push(`${run.lost} requests unanswered within the timeout`);
  return problems;
}
