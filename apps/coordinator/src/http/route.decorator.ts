import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, SetMetadata } from '@nestjs/common';
import type { Endpoint } from '@shoal/protocol';

export const ENDPOINT_METADATA = 'shoal:endpoint';

const methods = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

/**
 * Binds a handler to an endpoint of the protocol's API contract: its method, path and success
 * status come from the contract, and the contract guard authenticates and validates against it.
 * The OpenAPI document is generated from the same contract, so code and docs cannot diverge.
 */
export function Route(endpoint: Endpoint): MethodDecorator {
  return applyDecorators(
    methods[endpoint.method](endpoint.path),
    HttpCode(endpoint.successStatus),
    SetMetadata(ENDPOINT_METADATA, endpoint),
  );
}
