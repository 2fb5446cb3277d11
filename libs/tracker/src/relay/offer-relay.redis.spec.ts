import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeSocket } from '../../test/support/fake-socket.js';
import { RedisSwarmStore } from '../store/swarm-store.redis.js';
import { deletePrefix } from '../../test/support/redis.js';
import { createTracker } from '../tracker.js';
import { attachWebSocketPeer } from '../ws/ws-peer.js';
import { RedisOfferRelay } from './offer-relay.redis.js';

const url = process.env.REDIS_URL;
const bin = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');

describe.runIf(url)('RedisOfferRelay', () => {
  const redis = new Redis(url!);
  afterAll(() => redis.quit());

  it('routes an offer to a peer on another replica and the answer back', async () => {
    const prefix = `test:tracker:${randomUUID()}:`;
    const replicas = await Promise.all(
      ['one', 'two'].map(async (name) => {
        const relay = await RedisOfferRelay.create({ redis: url!, channelPrefix: `${prefix}relay:`, routeId: name });
        const store = new RedisSwarmStore({ redis, keyPrefix: prefix });
        return { relay, store, tracker: createTracker({ store, relay, sweepIntervalSeconds: 0 }) };
      }),
    );
    try {
      const [one, two] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
      const hash = 'e3'.repeat(20);
      const a = new FakeSocket();
      attachWebSocketPeer(one.tracker, a, '127.0.0.1');
      const b = new FakeSocket();
      attachWebSocketPeer(two.tracker, b, '127.0.0.2');

      a.receive(JSON.stringify({ action: 'announce', info_hash: bin(hash), peer_id: bin('aa'.repeat(20)) }));
      await a.sentCount(1);
      const offerId = bin('0f'.repeat(20));
      b.receive(
        JSON.stringify({
          action: 'announce',
          info_hash: bin(hash),
          peer_id: bin('bb'.repeat(20)),
          offers: [{ offer: { type: 'offer', sdp: 'o' }, offer_id: offerId }],
        }),
      );
      await b.sentCount(1);
      expect(b.sent[0]).toMatchObject({ complete: 0, incomplete: 2 });
      const [, offer] = await a.sentCount(2);
      expect(offer).toMatchObject({ offer: { sdp: 'o' }, offer_id: offerId, peer_id: bin('bb'.repeat(20)) });

      a.receive(
        JSON.stringify({
          action: 'announce',
          info_hash: bin(hash),
          peer_id: bin('aa'.repeat(20)),
          to_peer_id: bin('bb'.repeat(20)),
          offer_id: offerId,
          answer: { type: 'answer', sdp: 'a' },
        }),
      );
      const [, answer] = await b.sentCount(2);
      expect(answer).toMatchObject({ answer: { sdp: 'a' }, offer_id: offerId, peer_id: bin('aa'.repeat(20)) });

      // A route nobody subscribes to (a replica that went away) takes nothing.
      expect(
        await two.relay.send('nobody', {
          kind: 'offer',
          toPeerId: 'aa'.repeat(20),
          fromPeerId: 'bb'.repeat(20),
          fromRoute: 'two',
          offerId: '0f'.repeat(20),
          frame: '{}',
        }),
      ).toBe(false);
    } finally {
      for (const replica of replicas) {
        await replica.tracker.close();
        await replica.relay.close();
      }
      await deletePrefix(redis, prefix);
    }
  });
});
