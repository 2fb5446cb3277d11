export type { ClientTransport, TurnAuthenticator, TurnAuthRequest, TurnCredential } from './authenticator.js';
export {
  TURN_REST_SEPARATOR,
  type TurnRestCredentials,
  type TurnRestUsername,
  parseTurnRestUsername,
  turnRestAuthenticator,
  turnRestCredentials,
  turnRestPassword,
} from './turn-rest.js';
