import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Client from 'bittorrent-tracker';
import type { SimplePeer } from 'bittorrent-tracker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createTracker } from '../../src/tracker.js';
import type { Tracker } from '../../src/tracker.js';
import { attachWebSocketPeer } from '../../src/ws/ws-peer.js';
import { endIceGatheringPromptly } from '../support/prompt-ice.js';

const INFO_HASH = 'c0ffee'.padEnd(40, '7');

/**
 * Two clients of webtorrent's own tracker client library (bittorrent-tracker) announce to our
 * WebSocket tracker; it relays one's WebRTC offer to the other and the answer back, and they
 * open a data channel to each other over node-datachannel. Living in one process, the two clients
 * share one pooled WebSocket, so the tracker also serves two peer ids on one socket here.
 */
describe('WebSocket tracker with bittorrent-tracker clients', () => {
  let tracker: Tracker;
  let server: Server;
  let wss: WebSocketServer;
  let url: string;
  const clients: Client[] = [];
  const relays: string[] = [];

  beforeAll(async () => {
    endIceGatheringPromptly();
    tracker = createTracker({
      sweepIntervalSeconds: 0,
      hooks: { onRelay: (kind, ok) => relays.push(`${kind}:${ok}`) },
    });
    server = createServer();
    wss = new WebSocketServer({ server, maxPayload: 256 * 1024 });
    wss.on('connection', (socket, request) => {
      const query = request.url?.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      attachWebSocketPeer(tracker, socket, request.socket.remoteAddress ?? '', { rawQueryString: query });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/announce`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))));
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tracker.close();
  });

  function startClient(peerId: string): { client: Client; connected: Promise<SimplePeer> } {
    const client = new Client({ infoHash: INFO_HASH, peerId, announce: [url], port: 6881 });
    clients.push(client);
    const connected = new Promise<SimplePeer>((resolve, reject) => {
      client.on('error', reject);
      client.on('peer', (peer: SimplePeer) => {
        if (peer.connected) resolve(peer);
        else peer.once('connect', () => resolve(peer));
      });
    });
    return { client, connected };
  }

  it('relays offers and answers so two clients connect over WebRTC', async () => {
    const idA = Buffer.from('-WW0208-aaaaaaaaaaaa').toString('hex');
    const idB = Buffer.from('-WW0208-bbbbbbbbbbbb').toString('hex');
    const a = startClient(idA);
    const firstUpdate = new Promise((resolve) => a.client.once('update', resolve));
    a.client.start();
    // A is in the swarm before B offers, so B's offer has somewhere to go.
    expect(await firstUpdate).toMatchObject({ complete: 0, incomplete: 1 });
    const b = startClient(idB);
    b.client.start();

    const [peerOfA, peerOfB] = await Promise.all([a.connected, b.connected]);
    expect(peerOfA.id).toBe(idB);
    expect(peerOfB.id).toBe(idA);
    const received = new Promise<string>((resolve) =>
      peerOfA.once('data', (data: Uint8Array) => resolve(Buffer.from(data).toString())),
    );
    peerOfB.send('hello through a tracker we wrote');
    expect(await received).toBe('hello through a tracker we wrote');
    expect(relays).toContain('offer:true');
    expect(relays).toContain('answer:true');

    // The scrape half of the protocol, from the same client library.
    const scrape = new Promise((resolve) => b.client.once('scrape', resolve));
    b.client.scrape();
    expect(await scrape).toMatchObject({ complete: 0, incomplete: 2, downloaded: 0 });
  });
});
