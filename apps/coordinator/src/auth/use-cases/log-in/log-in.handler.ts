import { Inject, Injectable } from '@nestjs/common';
import type { Credentials, TokenPair } from '@shoal/protocol';
import { DATABASE } from '../../../core/tokens.js';
import type { Database } from '../../../database/database.js';
import { errors } from '../../../errors/domain-error.js';
import { AuthRateLimits } from '../../auth-rate-limits.js';
import { PasswordHasher } from '../../password-hasher.js';
import { Sessions } from '../../sessions.js';

@Injectable()
export class LogInHandler {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuthRateLimits) private readonly limits: AuthRateLimits,
    @Inject(Sessions) private readonly sessions: Sessions,
  ) {}

  async execute(input: Credentials, clientAddress: string): Promise<TokenPair> {
    // Both limits count every attempt: one address guessing many accounts, and many
    // addresses guessing one account.
    await this.limits.loginPerAddress.consume(clientAddress);
    await this.limits.loginPerAccount.consume(input.username);
    const user = await this.database.prisma.user.findUnique({
      where: { username: input.username },
      select: { id: true, passwordHash: true },
    });
    if (!user) {
      await this.hasher.verifyAgainstNothing(input.password);
      throw errors.invalidCredentials();
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) throw errors.invalidCredentials();
    await this.limits.loginPerAccount.reset(input.username);
    return this.sessions.start(user.id);
  }
}
