import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { buildAsyncApiDocument } from './asyncapi.js';
import { buildOpenApiDocument } from './openapi.js';

const require = createRequire(import.meta.url);

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Shoal coordinator API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#ui', deepLinking: true });`;

/**
 * Serves the OpenAPI document at /docs-json and Swagger UI (from the swagger-ui-dist package,
 * no CDN) at /docs. These are plain Fastify routes: documentation of the API, not part of it.
 */
export async function registerDocs(fastify: FastifyInstance, options: { serverUrl?: string }): Promise<void> {
  const document = JSON.stringify(buildOpenApiDocument(options));
  const asyncapi = JSON.stringify(buildAsyncApiDocument(options));
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  await fastify.register(fastifyStatic, { root: assets, prefix: '/docs/assets/', decorateReply: false });
  fastify.get('/docs-json', (_req, reply) => reply.type('application/json').send(document));
  fastify.get('/docs/asyncapi.json', (_req, reply) => reply.type('application/json').send(asyncapi));
  fastify.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
  fastify.get('/docs/init.js', (_req, reply) => reply.type('text/javascript').send(init));
}
