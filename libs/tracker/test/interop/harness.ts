import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleHttpAnnounce, handleHttpScrape } from '../../src/http/handle-http.js';
import type { Tracker } from '../../src/tracker.js';

// Interop tests drive real BitTorrent clients we did not write. A missing client is a failure
// with the install line, never a skip: a skipped interop test proves nothing.
export { requireBinary } from '@shoal/testkit';

/** A tiny node:http front for the tracker, as the coordinator will mount it. */
export async function startHttpTracker(tracker: Tracker): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const handler = path === '/announce' ? handleHttpAnnounce : path === '/scrape' ? handleHttpScrape : undefined;
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    void handler(tracker, query, req.socket.remoteAddress ?? '').then((answer) => {
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

export { BitTorrentLab as InteropLab, eventually, freePort } from '@shoal/testkit';
