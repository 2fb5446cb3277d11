import { longTermKey, verifyMessageIntegrity } from '../codec/attributes/message-integrity.js';
import { nonce } from '../codec/attributes/nonce.js';
import { realm } from '../codec/attributes/realm.js';
import { username } from '../codec/attributes/username.js';
import { StunErrorCode } from '../codec/constants.js';
import type { AuthFailureReason } from './events.js';
import type { Authenticated, RequestContext } from './request-context.js';

/**
 * RFC 8489 §9.2.4, long-term credentials, in the RFC's order: no MESSAGE-INTEGRITY → 401 with a
 * nonce; missing USERNAME/REALM/NONCE → 400; expired or foreign nonce → 438; unknown user or wrong
 * MESSAGE-INTEGRITY → 401. Answers the request itself on failure and returns `undefined`.
 */
export async function authenticate(ctx: RequestContext): Promise<Authenticated | undefined> {
  const { core, connection, message } = ctx;
  const authenticator = core.options.authenticate;
  if (authenticator === undefined) {
    ctx.error(StunErrorCode.Forbidden, 'TURN is not enabled on this server');
    return undefined;
  }
  if (message.integrityOffset === -1) {
    core.counters.authChallenges++;
    ctx.challenge(StunErrorCode.Unauthorized);
    return undefined;
  }
  const user = message.get(username);
  const clientRealm = message.get(realm);
  const clientNonce = message.get(nonce);
  if (user === undefined || clientRealm === undefined || clientNonce === undefined) {
    ctx.error(StunErrorCode.BadRequest, 'USERNAME, REALM and NONCE are required with MESSAGE-INTEGRITY');
    return undefined;
  }
  const fail = (reason: AuthFailureReason): undefined => {
    core.counters.authFailures++;
    core.emit('authFailure', { reason, username: user, transport: connection.transport, client: connection.remote });
    ctx.challenge(reason === 'stale-nonce' ? StunErrorCode.StaleNonce : StunErrorCode.Unauthorized);
    return undefined;
  };
  if (!core.nonces.isValid(clientNonce, connection.key)) return fail('stale-nonce');

  const credential = await authenticator({
    username: user,
    realm: core.options.realm,
    client: connection.remote,
    transport: connection.transport,
    now: core.options.now(),
  });
  if (credential === undefined) return fail('unknown-user');
  const key = 'key' in credential ? credential.key : longTermKey(user, core.options.realm, credential.password);
  if (!verifyMessageIntegrity(message.raw, message.integrityOffset, key)) return fail('bad-integrity');
  return { username: user, userId: credential.userId ?? user, key };
}
