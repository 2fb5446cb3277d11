import { Body, Controller, Inject } from '@nestjs/common';
import { api } from '@shoal/protocol';
import type { Credentials, LogoutRequest, Me, RefreshRequest, TokenPair, User } from '@shoal/protocol';
import { DATABASE } from '../core/tokens.js';
import type { Database } from '../database/database.js';
import { ClientAddress, CurrentPrincipal, OptionalPrincipal } from '../http/current-principal.decorator.js';
import { Route } from '../http/route.decorator.js';
import type { Principal } from './principal.js';
import { LogInHandler } from './use-cases/log-in/log-in.handler.js';
import { LogOutHandler } from './use-cases/log-out/log-out.handler.js';
import { RefreshSessionHandler } from './use-cases/refresh-session/refresh-session.handler.js';
import { RegisterUserHandler } from './use-cases/register-user/register-user.handler.js';
import { userView } from './user-view.js';
import { DomainError } from '../errors/domain-error.js';

@Controller()
export class AuthController {
  constructor(
    @Inject(RegisterUserHandler) private readonly registerUser: RegisterUserHandler,
    @Inject(LogInHandler) private readonly logIn: LogInHandler,
    @Inject(RefreshSessionHandler) private readonly refreshSession: RefreshSessionHandler,
    @Inject(LogOutHandler) private readonly logOut: LogOutHandler,
    @Inject(DATABASE) private readonly database: Database,
  ) {}

  @Route(api.auth.register)
  register(@Body() body: Credentials, @ClientAddress() address: string): Promise<User> {
    return this.registerUser.execute(body, address);
  }

  @Route(api.auth.login)
  login(@Body() body: Credentials, @ClientAddress() address: string): Promise<TokenPair> {
    return this.logIn.execute(body, address);
  }

  @Route(api.auth.refresh)
  refresh(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.refreshSession.execute(body);
  }

  @Route(api.auth.logout)
  logout(@Body() body: LogoutRequest, @OptionalPrincipal() principal: Principal | undefined): Promise<void> {
    return this.logOut.execute(body, principal);
  }

  @Route(api.me)
  async me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    const user = await this.database.prisma.user.findUnique({ where: { id: principal.userId } });
    if (!user) throw new DomainError('USER_NOT_FOUND', 'this account no longer exists');
    return { ...userView(user), auth: { kind: principal.kind, scopes: [...principal.scopes] } };
  }
}
