/**
 * @shoal/turn: a STUN (RFC 8489) and TURN (RFC 8656) server core. No HTTP, no framework: the
 * coordinator wires it to its config, logger and metrics.
 *
 *   const server = createTurnServer({ port: 3478, realm: 'shoal', secret: TURN_SECRET });
 *   const { udp, tcp } = await server.listen();
 *   const { username, password } = turnRestCredentials(TURN_SECRET, userId, 3600);
 */
export { TurnError, type TurnErrorCode, isTurnError } from './errors.js';
export * from './server/index.js';
export * from './auth/index.js';
export * from './policy/index.js';
export * from './codec/index.js';
