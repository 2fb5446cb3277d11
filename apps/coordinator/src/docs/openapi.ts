import { allEndpoints, errorCatalog, ErrorBodySchema, genericErrors, PROTOCOL_VERSION } from '@shoal/protocol';
import type { Endpoint, ErrorCode } from '@shoal/protocol';
import { z } from 'zod';

type JsonObject = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(endpoint: Endpoint): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [location, schema] of [
    ['path', endpoint.params],
    ['query', endpoint.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

function errorResponses(endpoint: Endpoint): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...endpoint.errors, ...genericErrors])) {
    const status = errorCatalog[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: JsonObject = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const base = schemaOf(ErrorBodySchema, 'output') as { properties: Record<string, JsonObject> };
    base.properties.code = { type: 'string', enum: codes };
    responses[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${errorCatalog[c].summary}`).join('; '),
      content: { 'application/json': { schema: base } },
    };
  }
  return responses;
}

/** The OpenAPI 3.1 document of the coordinator's HTTP API, built from the protocol's contract. */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const endpoint of allEndpoints()) {
    const operation: JsonObject = {
      operationId: endpoint.operationId,
      summary: endpoint.summary,
      tags: [endpoint.tag],
      parameters: parameters(endpoint),
      responses: {
        [String(endpoint.successStatus)]: endpoint.response
          ? {
              description: 'Success',
              content: { 'application/json': { schema: schemaOf(endpoint.response, 'output') } },
            }
          : endpoint.produces
            ? { description: 'Success', content: { [endpoint.produces]: { schema: { type: 'string' } } } }
            : { description: 'Success, no content' },
        ...errorResponses(endpoint),
      },
    };
    if (endpoint.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(endpoint.body, 'input') } },
      };
    }
    if (endpoint.auth === 'session' || endpoint.auth === 'admin') operation.security = [{ session: [] }];
    if (endpoint.auth === 'admin') operation['x-shoal-role'] = 'admin';
    if (endpoint.auth === 'any') operation.security = [{ session: [] }, { apiKey: [] }];
    if (endpoint.auth === 'optional') operation.security = [{}, { session: [] }];
    if (endpoint.scope) operation['x-shoal-api-key-scope'] = endpoint.scope;
    const path = openApiPath(endpoint.path);
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shoal coordinator API',
      version: `${PROTOCOL_VERSION}.0.0`,
      description:
        'Accounts, devices and API keys of a Shoal coordinator. Every error answers `{"code","message"}`; ' +
        'the code is stable, the message is for people.',
    },
    servers: options.serverUrl ? [{ url: options.serverUrl }] : [],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from login' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key `shoal_<prefix>_<secret>`, limited to its scopes',
        },
      },
    },
  };
}
