import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { PresenceRecord, PresenceStore } from './presence-store.js';

const record = (over: Partial<PresenceRecord> = {}): PresenceRecord => ({
  deviceId: randomUUID().replace(/-/g, '').padEnd(40, 'a').slice(0, 40),
  userId: randomUUID(),
  username: 'someone',
  connectionId: randomUUID(),
  replicaId: 'replica-a',
  since: Date.now(),
  ...over,
});

/**
 * What every PresenceStore must do. `make()` returns stores that share state (two replicas on one
 * Redis); for the memory store both are the same object.
 */
export function presenceStoreCompliance(make: () => Promise<[PresenceStore, PresenceStore]>, shared: boolean): void {
  it('tracks devices per user, and only the holding connection takes a device offline', async () => {
    const [a, b] = await make();
    const r = record();
    expect(await a.connect(r)).toBeUndefined();
    expect(await b.get(r.deviceId)).toEqual(r);
    const second = record({ userId: r.userId });
    await a.connect(second);
    expect((await b.onlineDevicesOf([r.userId])).map((x) => x.deviceId).sort()).toEqual(
      [r.deviceId, second.deviceId].sort(),
    );
    expect(await b.disconnect(r.deviceId, 'another-connection')).toBe(false);
    expect(await b.disconnect(r.deviceId, r.connectionId)).toBe(true);
    expect(await a.get(r.deviceId)).toBeUndefined();
    expect((await a.onlineDevicesOf([r.userId])).map((x) => x.deviceId)).toEqual([second.deviceId]);
  });

  it('hands a device over to a newer connection and tells the stores', async () => {
    const [a, b] = await make();
    const seen: [string, string][] = [];
    const off = a.onTakeover((deviceId, connectionId) => seen.push([deviceId, connectionId]));
    const first = record();
    await a.connect(first);
    const newer = { ...first, connectionId: randomUUID(), replicaId: 'replica-b' };
    expect(await b.connect(newer)).toEqual(first);
    await expect.poll(() => seen, { timeout: 5_000 }).toContainEqual([first.deviceId, newer.connectionId]);
    // The old connection's disconnect no longer takes the device offline.
    expect(await a.disconnect(first.deviceId, first.connectionId)).toBe(false);
    expect((await a.get(first.deviceId))?.connectionId).toBe(newer.connectionId);
    off();
  });

  if (shared) {
    it("reaps the devices of a replica that stopped beating, once, and not another replica's", async () => {
      const [a, b] = await make();
      const dead = `dead-${randomUUID()}`;
      const alive = `alive-${randomUUID()}`;
      const onDead = record({ replicaId: dead });
      const onAlive = record({ replicaId: alive });
      await a.heartbeat(dead);
      await a.connect(onDead);
      await b.heartbeat(alive);
      await b.connect(onAlive);
      await new Promise((r) => setTimeout(r, 300));
      await b.heartbeat(alive);
      const [first, second] = await Promise.all([
        a.reapDeadReplicas(alive, 200),
        b.reapDeadReplicas(`third-${randomUUID()}`, 200),
      ]);
      const reaped = [...first, ...second];
      expect(reaped.map((r) => r.deviceId)).toEqual([onDead.deviceId]);
      expect(await a.get(onDead.deviceId)).toBeUndefined();
      expect(await a.get(onAlive.deviceId)).toBeDefined();
    });
  }
}
