import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { ContractRequest } from './contract.guard.js';

/** The authenticated principal; only on endpoints whose contract requires authentication. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<ContractRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on an endpoint without authentication');
  return principal;
});

/** The principal when the request carried a token, on endpoints where authentication is optional. */
export const OptionalPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<ContractRequest>().principal,
);

/** The client's address (after trusted proxies), for rate limits. */
export const ClientAddress = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<ContractRequest>().ip,
);
