import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The coordinator's one metrics registry; features add their own metrics to `registry`. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    this.registry.setDefaultLabels({ service: 'shoal-coordinator' });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'shoal_http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'shoal_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }
}
