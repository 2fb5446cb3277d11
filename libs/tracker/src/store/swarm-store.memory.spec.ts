import { describe, expect, it } from 'vitest';
import { describeSwarmStoreCompliance, hex } from './swarm-store.compliance.js';
import { MemorySwarmStore } from './swarm-store.memory.js';

describeSwarmStoreCompliance('memory', {
  create: async (options) => new MemorySwarmStore(options),
});

describe('MemorySwarmStore at scale', () => {
  it('holds 50,000 peers in one swarm and still answers each announce with numwant peers', async () => {
    const store = new MemorySwarmStore();
    const infoHash = hex(1, 'c');
    const now = 1_000_000;
    for (let i = 0; i < 50_000; i++) {
      await store.announce({
        infoHash,
        kind: 'tcp',
        peerId: hex(i),
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        port: 6881,
        uploaded: 0,
        downloaded: 0,
        left: i % 10 === 0 ? 0 : 1,
        event: 'started',
        numwant: 50,
        now,
        expiresAt: now + 60_000 + i,
      });
    }
    expect(await store.totals(now)).toEqual({ swarms: 1, seeders: 5_000, leechers: 45_000 });
    const result = await store.announce({
      infoHash,
      kind: 'tcp',
      peerId: hex(123_456),
      ip: '10.9.9.9',
      port: 1,
      uploaded: 0,
      downloaded: 0,
      left: 1,
      event: 'started',
      numwant: 200,
      now,
      expiresAt: now + 60_000,
    });
    expect(result.peers).toHaveLength(200);
    expect(new Set(result.peers.map((p) => p.peerId)).size).toBe(200);
    // Half the swarm expires: one sweep removes exactly those.
    expect(await store.removeExpired(now + 60_000 + 24_999)).toBe(25_000 + 1);
    expect(await store.totals(now + 60_000 + 24_999)).toMatchObject({ seeders: 2_500, leechers: 22_500 });
  });
});
