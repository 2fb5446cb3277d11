import { expect, it } from 'vitest';
import type { DeviceInbox, InboxOptions } from './device-inbox.js';

const presence = (n: number) =>
  ({
    v: 1,
    type: 'presence',
    userId: '00000000-0000-4000-8000-000000000000',
    username: `user${n}`,
    deviceId: 'a'.repeat(40),
    status: 'online',
    lastSeen: new Date(0).toISOString(),
  }) as const;

/** What every DeviceInbox must do; run by each implementation's spec. */
export function deviceInboxCompliance(make: (options: Partial<InboxOptions>) => Promise<DeviceInbox>): void {
  const device = () => Math.random().toString(16).slice(2).padEnd(40, '0').slice(0, 40);

  it('numbers frames per device from 1 and reads them back in order', async () => {
    const inbox = await make({});
    const d = device();
    const other = device();
    expect(await inbox.head(d)).toBe(0);
    expect(await inbox.append(d, presence(1))).toBe(1);
    expect(await inbox.append(d, presence(2))).toBe(2);
    expect(await inbox.append(other, presence(9))).toBe(1);
    const read = await inbox.read(d, 0);
    expect(read).toMatchObject({ complete: true, head: 2 });
    expect(read.frames.map((f) => [f.seq, (f as { username: string }).username])).toEqual([
      [1, 'user1'],
      [2, 'user2'],
    ]);
    expect((await inbox.read(d, 1)).frames.map((f) => f.seq)).toEqual([2]);
    expect(await inbox.read(d, 2)).toMatchObject({ frames: [], complete: true });
    await inbox.close();
  });

  it('rings watchers of the device, and only them', async () => {
    const inbox = await make({});
    const d = device();
    let rings = 0;
    let otherRings = 0;
    const stop = inbox.watch(d, () => rings++);
    inbox.watch(device(), () => otherRings++);
    await new Promise((r) => setTimeout(r, 100)); // let a subscription settle
    // Extra rings are allowed ("frames may have arrived"); a missed one is not.
    const before = rings;
    const otherBefore = otherRings;
    await inbox.append(d, presence(1));
    await expect.poll(() => rings, { timeout: 5_000 }).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 100));
    expect(otherRings).toBe(otherBefore);
    stop();
    await inbox.close();
  });

  it('says when frames were dropped (too many kept), so a resuming reader knows it missed some', async () => {
    const inbox = await make({ maxFrames: 5 });
    const d = device();
    for (let n = 1; n <= 40; n++) await inbox.append(d, presence(n));
    const read = await inbox.read(d, 0);
    expect(read.complete).toBe(false);
    expect(read.head).toBe(40);
    expect(read.frames.at(-1)!.seq).toBe(40);
    expect(read.frames.length).toBeLessThan(40);
    expect((await inbox.read(d, 39)).complete).toBe(true);
    await inbox.close();
  });

  it('forgets frames older than the retention time', async () => {
    const inbox = await make({ retentionMs: 200 });
    const d = device();
    await inbox.append(d, presence(1));
    await new Promise((r) => setTimeout(r, 400));
    await inbox.append(d, presence(2));
    const read = await inbox.read(d, 0);
    expect(read.frames.map((f) => f.seq)).toEqual([2]);
    expect(read.complete).toBe(false);
    await inbox.close();
  });

  it('treats a resume point beyond the head as incomplete', async () => {
    const inbox = await make({});
    const d = device();
    await inbox.append(d, presence(1));
    expect((await inbox.read(d, 7)).complete).toBe(false);
    await inbox.close();
  });
}
