import { Inject, Injectable } from '@nestjs/common';
import type { RefreshRequest, TokenPair } from '@shoal/protocol';
import { Sessions } from '../../sessions.js';

@Injectable()
export class RefreshSessionHandler {
  constructor(@Inject(Sessions) private readonly sessions: Sessions) {}

  execute(input: RefreshRequest): Promise<TokenPair> {
    return this.sessions.rotate(input.refreshToken);
  }
}
