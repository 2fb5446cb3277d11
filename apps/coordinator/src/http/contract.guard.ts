import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Endpoint } from '@shoal/protocol';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from '../auth/authenticator.js';
import { DomainError } from '../errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { ENDPOINT_METADATA } from './route.decorator.js';
import { validate } from './validate.js';

export type ContractRequest = FastifyRequest & { principal?: Principal };

/**
 * Runs before every contract-bound handler: authenticates as the endpoint demands, then
 * replaces params, query and body with their parsed (trimmed, lower-cased, typed) values.
 */
@Injectable()
export class ContractGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const endpoint = this.reflector.get<Endpoint | undefined>(ENDPOINT_METADATA, context.getHandler());
    if (!endpoint) return true;
    const request = context.switchToHttp().getRequest<ContractRequest>();
    request.principal = await this.authenticator.authenticate(request.headers.authorization, endpoint);
    if (endpoint.params) request.params = validate(endpoint.params, request.params, 'params');
    if (endpoint.query) request.query = validate(endpoint.query, request.query, 'query');
    if (endpoint.body) {
      const type = request.headers['content-type'];
      if (request.body !== undefined && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
      }
      request.body = validate(endpoint.body, request.body ?? {}, 'body');
    }
    return true;
  }
}
