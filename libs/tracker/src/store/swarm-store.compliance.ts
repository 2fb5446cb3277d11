import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnnounceEvent } from '../announce-request.js';
import type { PeerAnnounce, PeerKind, SwarmStore } from './swarm-store.js';

/**
 * The one behaviour every SwarmStore must have. Each implementation's spec calls this with a
 * factory; a new store is done when this suite passes against it unchanged.
 */
export interface ComplianceFactory {
  create(options: { swarmRetentionMs: number }): Promise<SwarmStore>;
  destroy?(store: SwarmStore): Promise<void>;
}

const RETENTION = 60_000;
const TTL = 30_000;

export const hex = (n: number, prefix = 'a'): string => `${prefix}${n.toString(16)}`.padStart(40, '0');
const H = hex(1, 'b');
const H2 = hex(2, 'b');
const H3 = hex(3, 'b');

export function describeSwarmStoreCompliance(name: string, factory: ComplianceFactory): void {
  describe(`SwarmStore compliance: ${name}`, () => {
    let store: SwarmStore;
    // Real time as the base, since Redis expires keys by its own clock relative to the TTL.
    const t0 = Date.now();

    beforeEach(async () => {
      store = await factory.create({ swarmRetentionMs: RETENTION });
    });
    afterEach(async () => {
      await factory.destroy?.(store);
      await store.close();
    });

    const announce = (
      peer: number,
      fields: Partial<Omit<PeerAnnounce, 'peerId'>> & { event?: AnnounceEvent } = {},
    ): ReturnType<SwarmStore['announce']> => {
      const now = fields.now ?? t0;
      return store.announce({
        infoHash: H,
        kind: 'tcp',
        peerId: hex(peer),
        ip: `10.0.0.${peer % 250}`,
        port: 6000 + peer,
        uploaded: 0,
        downloaded: 0,
        left: 100,
        event: 'started',
        numwant: 50,
        now,
        expiresAt: now + TTL,
        ...fields,
      });
    };

    it('adds a first peer and hands it nobody, not even itself', async () => {
      const result = await announce(1);
      expect(result).toEqual({ seeders: 0, leechers: 1, completed: 0, peers: [] });
    });

    it('hands out other peers with their addresses, never the announcer, never twice', async () => {
      for (let i = 1; i <= 5; i++) await announce(i);
      const result = await announce(6, { numwant: 10 });
      expect(result.leechers).toBe(6);
      expect(result.peers).toHaveLength(5);
      expect(new Set(result.peers.map((p) => p.peerId)).size).toBe(5);
      expect(result.peers.map((p) => p.peerId)).not.toContain(hex(6));
      const three = result.peers.find((p) => p.peerId === hex(3));
      expect(three).toMatchObject({ ip: '10.0.0.3', port: 6003, seeder: false });
      expect(three?.route).toBeUndefined();
    });

    it('bounds the answer by numwant, and numwant 0 means none', async () => {
      for (let i = 1; i <= 20; i++) await announce(i);
      expect((await announce(21, { numwant: 7 })).peers).toHaveLength(7);
      expect((await announce(22, { numwant: 0 })).peers).toEqual([]);
    });

    it('picks at random, so every peer is eventually handed out', async () => {
      for (let i = 1; i <= 4; i++) await announce(i);
      const seen = new Set<string>();
      for (let round = 0; round < 80 && seen.size < 3; round++) {
        for (const peer of (await announce(4, { numwant: 1, event: 'update' })).peers) seen.add(peer.peerId);
      }
      expect(seen).toEqual(new Set([hex(1), hex(2), hex(3)]));
    });

    it('gives seeders only leechers, and leechers both in proportion', async () => {
      for (let i = 1; i <= 10; i++) await announce(i, { left: 0 });
      for (let i = 11; i <= 20; i++) await announce(i);
      const forSeeder = await announce(1, { left: 0, event: 'update', numwant: 50 });
      expect(forSeeder.peers).toHaveLength(10);
      expect(forSeeder.peers.every((p) => !p.seeder)).toBe(true);
      const forLeecher = await announce(21, { numwant: 4 });
      expect(forLeecher).toMatchObject({ seeders: 10, leechers: 11 });
      expect(forLeecher.peers.filter((p) => p.seeder)).toHaveLength(2);
      expect(forLeecher.peers.filter((p) => !p.seeder)).toHaveLength(2);
    });

    it('forgets a peer on stopped, and a stop from a stranger changes nothing', async () => {
      await announce(1);
      await announce(2);
      expect(await announce(2, { event: 'stopped' })).toMatchObject({ leechers: 1, peers: [] });
      expect((await announce(3, { numwant: 10 })).peers.map((p) => p.peerId)).toEqual([hex(1)]);
      expect(await store.announce({ ...stop(H2, 9), now: t0, expiresAt: t0 + TTL })).toEqual({
        seeders: 0,
        leechers: 0,
        completed: 0,
        peers: [],
      });
      expect(await store.getSwarm(H2, t0)).toBeUndefined();
    });

    it('counts completed once per peer and moves it from leechers to seeders', async () => {
      await announce(1);
      await announce(2);
      const done = await announce(1, { left: 0, event: 'completed' });
      expect(done).toMatchObject({ seeders: 1, leechers: 1, completed: 1 });
      // A client repeating itself, or a seeder announcing completed again, is not another download.
      expect(await announce(1, { left: 0, event: 'completed' })).toMatchObject({ completed: 1 });
      expect(await announce(2, { left: 0, event: 'completed' })).toMatchObject({ seeders: 2, completed: 2 });
      // A seeder that starts leeching again (new files selected) moves back.
      expect(await announce(1, { left: 5, event: 'update' })).toMatchObject({ seeders: 1, leechers: 1 });
    });

    it('refreshes a peer that moved to another address', async () => {
      await announce(1);
      await announce(1, { ip: '192.0.2.7', port: 7777, event: 'update' });
      const result = await announce(2);
      expect(result.leechers).toBe(2);
      expect(result.peers).toEqual([{ peerId: hex(1), ip: '192.0.2.7', port: 7777, seeder: false }]);
    });

    it('keeps IPv6 addresses intact', async () => {
      await announce(1, { ip: '2001:db8::1' });
      const result = await announce(2, { ip: '::1' });
      expect(result.peers).toEqual([{ peerId: hex(1), ip: '2001:db8::1', port: 6001, seeder: false }]);
    });

    it('stops counting and handing out a peer once its expiry passes', async () => {
      await announce(1, { now: t0, expiresAt: t0 + 1000 });
      await announce(2, { now: t0, expiresAt: t0 + 5000 });
      const later = t0 + 2000;
      expect(await store.scrape([H], later)).toEqual([{ seeders: 0, leechers: 1, completed: 0 }]);
      const result = await announce(3, { now: later });
      expect(result.leechers).toBe(2);
      expect(result.peers.map((p) => p.peerId)).toEqual([hex(2)]);
      // Sweeping after both expired removes what is left.
      expect(await store.removeExpired(t0 + 60_000)).toBeGreaterThanOrEqual(1);
      expect(await store.scrape([H], t0 + 60_000)).toEqual([{ seeders: 0, leechers: 0, completed: 0 }]);
    });

    it('keeps TCP and WebRTC peers apart but counts them in one swarm', async () => {
      await announce(1);
      await announce(2, { kind: 'webrtc', route: 'replica-a', port: 0 });
      const web = await announce(3, { kind: 'webrtc', route: 'replica-b', port: 0 });
      expect(web).toMatchObject({ leechers: 3 });
      expect(web.peers).toEqual([{ peerId: hex(2), ip: '10.0.0.2', port: 0, seeder: false, route: 'replica-a' }]);
      const tcp = await announce(4);
      expect(tcp.peers.map((p) => p.peerId)).toEqual([hex(1)]);
      // The same peer id may be both kinds; they are different peers.
      await announce(1, { kind: 'webrtc', route: 'replica-a', port: 0 });
      expect((await store.scrape([H], t0))[0]).toMatchObject({ leechers: 5 });
    });

    it('removes a single peer at once (a closed WebSocket)', async () => {
      await announce(1, { kind: 'webrtc', route: 'r' });
      await announce(2, { kind: 'webrtc', route: 'r' });
      expect(await store.removePeer(H, 'webrtc', hex(1), t0)).toBe(true);
      expect(await store.removePeer(H, 'webrtc', hex(1), t0)).toBe(false);
      expect(await store.removePeer(H, 'tcp', hex(2), t0)).toBe(false);
      expect((await store.scrape([H], t0))[0]).toMatchObject({ leechers: 1 });
    });

    it('scrapes many swarms in the order asked, unknown ones as zero', async () => {
      await announce(1, { left: 0 });
      await announce(2, { infoHash: H3 });
      expect(await store.scrape([H3, H2, H], t0)).toEqual([
        { seeders: 0, leechers: 1, completed: 0 },
        { seeders: 0, leechers: 0, completed: 0 },
        { seeders: 1, leechers: 0, completed: 0 },
      ]);
      expect(await store.scrape([], t0)).toEqual([]);
    });

    it('sums reported bytes over the increments between announces', async () => {
      await announce(1, { uploaded: 100, downloaded: 1000 });
      await announce(1, { uploaded: 250, downloaded: 1500, event: 'update' });
      await announce(2, { uploaded: 10, downloaded: 0 });
      // A restarted client reports smaller totals: nothing is subtracted.
      await announce(1, { uploaded: 5, downloaded: 5, event: 'update' });
      const stats = await store.getSwarm(H, t0);
      expect(stats).toEqual({
        infoHash: H,
        seeders: 0,
        leechers: 2,
        completed: 0,
        uploaded: 260,
        downloaded: 1500,
        lastAnnounceAt: t0,
      });
    });

    it('lists swarms for an admin, most recently announced first, a page at a time', async () => {
      await announce(1, { infoHash: H, now: t0 });
      await announce(2, { infoHash: H2, now: t0 + 10 });
      await announce(3, { infoHash: H3, now: t0 + 20, left: 0 });
      const first = await store.listSwarms({ offset: 0, limit: 2 }, t0 + 30);
      expect(first.total).toBe(3);
      expect(first.swarms.map((s) => s.infoHash)).toEqual([H3, H2]);
      expect(first.swarms[0]).toMatchObject({ seeders: 1, leechers: 0, lastAnnounceAt: t0 + 20 });
      const second = await store.listSwarms({ offset: 2, limit: 2 }, t0 + 30);
      expect(second.swarms.map((s) => s.infoHash)).toEqual([H]);
      expect(await store.totals(t0 + 30)).toEqual({ swarms: 3, seeders: 1, leechers: 2 });
    });

    it('removes a swarm with its peers and counters', async () => {
      await announce(1, { left: 0, event: 'completed' });
      expect(await store.removeSwarm(H)).toBe(true);
      expect(await store.removeSwarm(H)).toBe(false);
      expect(await store.getSwarm(H, t0)).toBeUndefined();
      expect(await store.scrape([H], t0)).toEqual([{ seeders: 0, leechers: 0, completed: 0 }]);
      expect((await store.listSwarms({ offset: 0, limit: 10 }, t0)).total).toBe(0);
      // The swarm starts afresh.
      expect(await announce(2)).toMatchObject({ leechers: 1, completed: 0 });
    });

    it('forgets a swarm nobody completed with its last peer; keeps one with downloads until retention', async () => {
      await announce(1);
      await announce(1, { event: 'stopped' });
      expect(await store.getSwarm(H, t0)).toBeUndefined();

      await announce(2, { infoHash: H2, left: 0, event: 'completed' });
      await announce(2, { infoHash: H2, event: 'stopped' });
      expect(await store.getSwarm(H2, t0)).toMatchObject({ seeders: 0, leechers: 0, completed: 1 });
      await store.removeExpired(t0 + RETENTION / 2);
      expect(await store.getSwarm(H2, t0 + RETENTION / 2)).toMatchObject({ completed: 1 });
      await store.removeExpired(t0 + RETENTION + TTL + 1);
      expect((await store.listSwarms({ offset: 0, limit: 10 }, t0 + RETENTION + TTL + 1)).total).toBe(0);
    });

    it('serves concurrent announces without losing any', async () => {
      await Promise.all(Array.from({ length: 100 }, (_, i) => announce(i + 1, { left: i % 2 === 0 ? 0 : 10 })));
      expect(await store.scrape([H], t0)).toEqual([{ seeders: 50, leechers: 50, completed: 0 }]);
      expect(await store.totals(t0)).toEqual({ swarms: 1, seeders: 50, leechers: 50 });
    });
  });
}

function stop(infoHash: string, peer: number, kind: PeerKind = 'tcp'): Omit<PeerAnnounce, 'now' | 'expiresAt'> {
  return {
    infoHash,
    kind,
    peerId: hex(peer),
    ip: '10.0.0.1',
    port: 1,
    uploaded: 0,
    downloaded: 0,
    left: 0,
    event: 'stopped',
    numwant: 50,
  };
}
