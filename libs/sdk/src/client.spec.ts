import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShoalApiError, ShoalClient } from './index.js';

/** A stand-in server that answers what a broken proxy or a changed server would. */
describe('ShoalClient failure handling', () => {
  let server: http.Server;
  let base: string;
  const answers: Record<string, (res: http.ServerResponse) => void> = {
    '/health/ready': (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
    '/api/v1/me': (res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'not-a-user' })),
    '/api/v1/devices': (res) =>
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
        .end(JSON.stringify({ code: 'RATE_LIMITED', message: 'slow down' })),
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => (answers[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ShoalApiError);
    return error as ShoalApiError;
  };

  it('reports an error page without the protocol body as INVALID_RESPONSE with its status', async () => {
    const error = await failure(new ShoalClient({ baseUrl: base }).ready());
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 502 });
  });

  it('refuses a success answer that does not match the protocol', async () => {
    const error = await failure(new ShoalClient({ baseUrl: base, apiKey: 'k' }).me());
    expect(error.code).toBe('INVALID_RESPONSE');
  });

  it('carries the protocol code and Retry-After of an error', async () => {
    const error = await failure(new ShoalClient({ baseUrl: base, apiKey: 'k' }).devices.list());
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 7, message: 'slow down' });
  });

  it('reports an unreachable coordinator as NETWORK_ERROR', async () => {
    const error = await failure(new ShoalClient({ baseUrl: 'http://127.0.0.1:9' }).ready());
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});
