import type { Tracker } from '@shoal/tracker';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

const TOTALS_CACHE_MS = 15_000;

export class TrackerMetrics {
  readonly announces: Counter<'transport'>;
  readonly scrapes: Counter<'transport'>;
  readonly failures: Counter<'code'>;
  readonly relayed: Counter<'kind' | 'delivered'>;
  private cached: { at: number; value: Promise<{ swarms: number; seeders: number; leechers: number }> } | undefined;

  constructor(registry: Registry, tracker: () => Tracker | undefined) {
    this.announces = new Counter({
      name: 'shoal_tracker_announces_total',
      help: 'Tracker announces answered, by transport',
      labelNames: ['transport'],
      registers: [registry],
    });
    this.scrapes = new Counter({
      name: 'shoal_tracker_scrapes_total',
      help: 'Tracker scrapes answered, by transport',
      labelNames: ['transport'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'shoal_tracker_failures_total',
      help: 'Tracker requests refused or failed, by code',
      labelNames: ['code'],
      registers: [registry],
    });
    this.relayed = new Counter({
      name: 'shoal_tracker_webrtc_relayed_total',
      help: 'WebRTC offers and answers relayed between WebSocket peers',
      labelNames: ['kind', 'delivered'],
      registers: [registry],
    });
    // With Redis, totals walk every swarm: read them at most every 15 s, whatever the scrape rate.
    const totals = () => {
      const t = tracker();
      if (!t) return Promise.resolve({ swarms: 0, seeders: 0, leechers: 0 });
      if (!this.cached || Date.now() - this.cached.at > TOTALS_CACHE_MS) {
        this.cached = { at: Date.now(), value: t.totals().catch(() => ({ swarms: 0, seeders: 0, leechers: 0 })) };
      }
      return this.cached.value;
    };
    for (const [name, help, pick] of [
      ['shoal_tracker_swarms', 'Swarms with at least one peer', (v: { swarms: number }) => v.swarms],
      ['shoal_tracker_seeders', 'Seeders across all swarms', (v: { seeders: number }) => v.seeders],
      ['shoal_tracker_leechers', 'Leechers across all swarms', (v: { leechers: number }) => v.leechers],
    ] as const) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(pick((await totals()) as never));
        },
      });
    }
  }
}
