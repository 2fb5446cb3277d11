import { Controller, Inject, Res } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { Health } from '@shoal/protocol';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { DATABASE, METRICS, REDIS } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { Route } from '../http/route.decorator.js';
import type { Metrics } from '../metrics/metrics.js';

const CHECK_TIMEOUT_MS = 2_000;

async function timed(check: () => Promise<unknown>): Promise<NonNullable<Health['checks']>[string]> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch (error) {
    return { status: 'fail', error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  @Route(api.health.live)
  live(): Health {
    return { status: 'ok' };
  }

  @Route(api.health.ready)
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    const checks: NonNullable<Health['checks']> = { database: await timed(() => this.database.ping()) };
    if (this.redis) {
      const redis = this.redis;
      checks.redis = await timed(() => redis.ping());
    }
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    if (!ok) void reply.status(503);
    return { status: ok ? 'ok' : 'fail', checks };
  }

  @Route(api.health.metrics)
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
