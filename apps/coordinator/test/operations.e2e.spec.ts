import { allEndpoints, errorCodes } from '@shoal/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, GOOD_PASSWORD, request, startTestCoordinator, uniqueName } from './harness.js';
import type { TestCoordinator } from './harness.js';

describe.each(backends())('operations ($name)', (backend) => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator(backend);
  });
  afterAll(() => c?.stop());

  it('answers liveness and readiness with the checks it made', async () => {
    expect(await request(c.url, 'GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await request(c.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database.status).toBe('ok');
    if (c.config.redisUrl) expect(ready.body.checks.redis.status).toBe('ok');
    else expect(ready.body.checks.redis).toBeUndefined();
  });

  it('counts and times requests by route template and status in /metrics', async () => {
    const username = uniqueName();
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    await request(c.url, 'POST', '/api/v1/auth/register', { body: { username, password: GOOD_PASSWORD } });
    await request(c.url, 'GET', '/api/v1/users/someone/devices');
    await request(c.url, 'GET', '/no/such/page');
    const metrics = await request(c.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = metrics.body as string;
    expect(text).toMatch(
      /shoal_http_requests_total\{method="POST",route="\/api\/v1\/auth\/register",status="201"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /shoal_http_requests_total\{method="POST",route="\/api\/v1\/auth\/register",status="409"[^}]*\} 1/,
    );
    // Parameterised routes are labelled by template, never by the concrete URL.
    expect(text).toContain('route="/api/v1/users/:username/devices",status="401"');
    expect(text).not.toContain('/api/v1/users/someone');
    expect(text).toContain('route="unmatched",status="404"');
    expect(text).toMatch(
      /shoal_http_request_duration_seconds_bucket\{le="0\.1",[^}]*method="POST",route="\/api\/v1\/auth\/register"/,
    );
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers unknown routes with NOT_FOUND in the error shape', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['DELETE', '/api/v1/me'],
      ['POST', '/health/live'],
    ] as const) {
      const r = await request(c.url, method, path);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('serves an OpenAPI 3.1 document covering every route, with its error codes', async () => {
    const r = await request(c.url, 'GET', '/docs-json');
    expect(r.status).toBe(200);
    const doc = r.body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: any }>; requestBody?: any }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const served = c.routes
      .filter((route) => !route.url.startsWith('/docs'))
      .map((route) => `${route.method} ${route.url}`);
    expect(new Set(served)).toEqual(new Set(documented));
    expect(new Set(documented)).toEqual(new Set(allEndpoints().map((e) => `${e.method} ${e.path}`)));

    const register = doc.paths['/api/v1/auth/register']!.post!;
    expect(register.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    expect(register.responses['409']!.content['application/json'].schema.properties.code.enum).toEqual([
      'AUTH_USERNAME_TAKEN',
    ]);
    expect(register.responses['400']!.content['application/json'].schema.properties.code.enum).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_JSON', 'AUTH_WEAK_PASSWORD']),
    );
    // Every code documented anywhere is a real code.
    const codes = JSON.stringify(doc)
      .match(/"enum":\[[^\]]*\]/g)!
      .join();
    for (const code of codes.match(/[A-Z_]{5,}/g) ?? []) expect(errorCodes).toContain(code);
  });

  it('serves the AsyncAPI document of /ws, built from the frame schemas', async () => {
    const r = await request(c.url, 'GET', '/docs/asyncapi.json');
    expect(r.status).toBe(200);
    expect(r.body.asyncapi).toBe('3.0.0');
    const messages = r.body.channels.ws.messages as Record<
      string,
      { payload: { properties: { type: { const: string } } } }
    >;
    expect(
      Object.values(messages)
        .map((m) => m.payload.properties.type.const)
        .sort(),
    ).toEqual(
      ['ack', 'challenge', 'error', 'hello', 'ping', 'pong', 'presence', 'ready', 'report', 'signal', 'signal'].sort(),
    );
    expect((messages.error as unknown as { summary: string }).summary).toContain('SIGNAL_PEER_OFFLINE');
    expect(r.body.info.description).toContain('4002 REPLACED');
  });

  it('serves Swagger UI from local assets', async () => {
    const page = await request(c.url, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    const bundle = await fetch(`${c.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});

describe('readiness when the database is gone', () => {
  it('answers 503 with the failing check, and liveness stays up', async () => {
    const c = await startTestCoordinator(backends()[0]!);
    try {
      await c.database.close();
      const ready = await request(c.url, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'fail', checks: { database: { status: 'fail' } } });
      expect((await request(c.url, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await c.app.close();
    }
  });
});
