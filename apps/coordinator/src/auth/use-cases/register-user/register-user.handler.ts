import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { describePasswordProblems, passwordProblems } from '@shoal/protocol';
import type { Credentials, User } from '@shoal/protocol';
import type { CoordinatorConfig } from '../../../config/coordinator-config.js';
import { CONFIG, DATABASE } from '../../../core/tokens.js';
import type { Database } from '../../../database/database.js';
import { isUniqueViolation } from '../../../database/prisma-errors.js';
import { DomainError } from '../../../errors/domain-error.js';
import { AuthRateLimits } from '../../auth-rate-limits.js';
import { PasswordHasher } from '../../password-hasher.js';
import { userView } from '../../user-view.js';

@Injectable()
export class RegisterUserHandler {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuthRateLimits) private readonly limits: AuthRateLimits,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
  ) {}

  async execute(input: Credentials, clientAddress: string): Promise<User> {
    await this.limits.registerPerAddress.consume(clientAddress);
    const problems = passwordProblems(input.password, input.username);
    if (problems.length > 0) throw new DomainError('AUTH_WEAK_PASSWORD', describePasswordProblems(problems));
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const row = await this.database.prisma.user.create({
        data: {
          id: randomUUID(),
          username: input.username,
          passwordHash,
          role: this.config.adminUsernames.includes(input.username) ? 'admin' : 'user',
        },
      });
      return userView(row);
    } catch (error) {
      // The unique index decides between racing registrations; the loser gets a clean 409.
      if (isUniqueViolation(error)) {
        throw new DomainError('AUTH_USERNAME_TAKEN', `the username "${input.username}" is taken`);
      }
      throw error;
    }
  }
}
