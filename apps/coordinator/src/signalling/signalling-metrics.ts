import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export class SignallingMetrics {
  readonly sockets: Gauge;
  readonly frames: Counter<'type'>;
  readonly errors: Counter<'code'>;
  readonly relayed: Counter<'kind'>;

  constructor(registry: Registry) {
    this.sockets = new Gauge({
      name: 'shoal_ws_sockets',
      help: 'Open /ws sockets on this replica',
      registers: [registry],
    });
    this.frames = new Counter({
      name: 'shoal_ws_frames_received_total',
      help: 'Frames received on /ws, by type',
      labelNames: ['type'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'shoal_ws_errors_total',
      help: 'Error frames sent on /ws, by code',
      labelNames: ['code'],
      registers: [registry],
    });
    this.relayed = new Counter({
      name: 'shoal_signals_relayed_total',
      help: 'Signal frames queued for their target device, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
  }
}
