import type { ConnectionReportFrame } from '@shoal/protocol';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export class SignallingMetrics {
  readonly sockets: Gauge;
  readonly frames: Counter<'type'>;
  readonly errors: Counter<'code'>;
  readonly relayed: Counter<'kind'>;
  readonly connections: Counter<'outcome' | 'path' | 'protocol'>;
  readonly setup: Histogram<'path' | 'protocol'>;

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
    this.connections = new Counter({
      name: 'shoal_peer_connections_total',
      help: 'Peer connection attempts reported by devices, by outcome and path (direct or relayed)',
      labelNames: ['outcome', 'path', 'protocol'],
      registers: [registry],
    });
    this.setup = new Histogram({
      name: 'shoal_peer_connection_setup_seconds',
      help: 'Time from first offer to connected, by path',
      labelNames: ['path', 'protocol'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    });
  }

  /** Counts a device's report; `path` is `relayed`, `direct-srflx` (either side reflexive) or `direct-host`. */
  connectionReported(report: ConnectionReportFrame): void {
    const path = !report.path
      ? 'none'
      : report.path.local === 'relay' || report.path.remote === 'relay'
        ? 'relayed'
        : report.path.local === 'host' && report.path.remote === 'host'
          ? 'direct-host'
          : 'direct-reflexive';
    const protocol = report.path?.protocol ?? 'none';
    this.connections.inc({ outcome: report.outcome, path, protocol });
    if (report.outcome === 'connected') this.setup.observe({ path, protocol }, report.ms / 1000);
  }
}
