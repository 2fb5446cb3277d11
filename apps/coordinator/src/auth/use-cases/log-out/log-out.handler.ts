import { Inject, Injectable } from '@nestjs/common';
import type { LogoutRequest } from '@shoal/protocol';
import { DomainError, errors } from '../../../errors/domain-error.js';
import type { Principal } from '../../principal.js';
import { Sessions } from '../../sessions.js';

@Injectable()
export class LogOutHandler {
  constructor(@Inject(Sessions) private readonly sessions: Sessions) {}

  /**
   * Ends the session named by the refresh token in the body, or else the one of the bearer
   * access token. Logging out twice is not an error.
   */
  async execute(input: LogoutRequest, principal: Principal | undefined): Promise<void> {
    if (input.refreshToken) {
      const sessionId = await this.sessions.sessionOfRefreshToken(input.refreshToken);
      if (!sessionId) throw new DomainError('AUTH_INVALID_REFRESH_TOKEN', 'unknown refresh token');
      await this.sessions.revoke(sessionId, 'logout');
      return;
    }
    if (!principal) throw errors.authRequired();
    if (principal.kind !== 'session' || !principal.sessionId) {
      throw new DomainError('AUTH_FORBIDDEN', 'API keys have no session to log out of; revoke the key instead');
    }
    await this.sessions.revoke(principal.sessionId, 'logout');
  }
}
