import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

const START = Symbol('shoal:requestStart');

/**
 * Counts and times every answer at the Fastify level, so requests that fail before a handler
 * (bad JSON, oversized bodies, unknown routes) are measured too. Routes are labelled by their
 * template; unmatched URLs share one label so that scanners cannot blow up the label set.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request as unknown as Record<symbol, bigint>)[START] = process.hrtime.bigint();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const start = (request as unknown as Record<symbol, bigint | undefined>)[START];
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    if (start !== undefined) metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    done();
  });
}
