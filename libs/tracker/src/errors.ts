/**
 * Every way a tracker request can fail. The code is the stable contract (the coordinator maps it
 * to an HTTP status, a WebSocket close or a metric label); the message becomes the tracker's
 * `failure reason` and may change.
 */
export const trackerErrorCatalog = {
  TRACKER_MALFORMED_REQUEST: { status: 400, summary: 'The query string, packet or frame cannot be parsed' },
  TRACKER_INVALID_INFO_HASH: { status: 400, summary: 'info_hash is missing or not 20 bytes' },
  TRACKER_INVALID_PEER_ID: { status: 400, summary: 'peer_id is missing or not 20 bytes' },
  TRACKER_INVALID_PORT: { status: 400, summary: 'The port is missing or outside 1..65535' },
  TRACKER_INVALID_NUMBER: { status: 400, summary: 'uploaded, downloaded, left or numwant is not a number' },
  TRACKER_INVALID_EVENT: { status: 400, summary: 'The event is not one the protocol knows' },
  TRACKER_INVALID_ADDRESS: { status: 400, summary: 'An ip, ipv4 or ipv6 parameter is not an address' },
  TRACKER_INVALID_ACTION: { status: 400, summary: 'The UDP action or WebSocket action is unknown' },
  TRACKER_INVALID_CONNECTION_ID: { status: 400, summary: 'The UDP connection id is forged or expired' },
  TRACKER_INVALID_OFFER: { status: 400, summary: 'A WebRTC offer or answer is malformed' },
  TRACKER_TOO_MANY_HASHES: { status: 400, summary: 'A scrape asked for more info hashes than allowed' },
  TRACKER_PEER_NOT_FOUND: { status: 404, summary: 'An answer was addressed to a peer that is not connected' },
  TRACKER_DENIED: { status: 403, summary: 'The filter refused the request (passkey, blocklist)' },
  TRACKER_RATE_LIMITED: { status: 429, summary: 'Too many requests from this address' },
  TRACKER_INVALID_OPTIONS: { status: 500, summary: 'The tracker was configured with an impossible value' },
  TRACKER_INTERNAL: { status: 500, summary: 'An unexpected failure inside the tracker or its store' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type TrackerErrorCode = keyof typeof trackerErrorCatalog;

/** The one error class of the tracker: a stable `code`, a client-safe `message`, an HTTP `status`. */
export class TrackerError extends Error {
  readonly status: number;

  constructor(
    readonly code: TrackerErrorCode,
    message: string,
    readonly retryInSeconds?: number,
  ) {
    super(message);
    this.name = 'TrackerError';
    this.status = trackerErrorCatalog[code].status;
  }

  static malformed(what: string): TrackerError {
    return new TrackerError('TRACKER_MALFORMED_REQUEST', `malformed request: ${what}`);
  }
  static invalidInfoHash(): TrackerError {
    return new TrackerError('TRACKER_INVALID_INFO_HASH', 'invalid info_hash');
  }
  static invalidPeerId(field = 'peer_id'): TrackerError {
    return new TrackerError('TRACKER_INVALID_PEER_ID', `invalid ${field}`);
  }
  static invalidPort(): TrackerError {
    return new TrackerError('TRACKER_INVALID_PORT', 'invalid port');
  }
  static invalidNumber(field: string): TrackerError {
    return new TrackerError('TRACKER_INVALID_NUMBER', `invalid ${field}`);
  }
  static invalidEvent(): TrackerError {
    return new TrackerError('TRACKER_INVALID_EVENT', 'invalid event');
  }
  static invalidAddress(field: string): TrackerError {
    return new TrackerError('TRACKER_INVALID_ADDRESS', `invalid ${field}`);
  }
  static invalidAction(): TrackerError {
    return new TrackerError('TRACKER_INVALID_ACTION', 'invalid action');
  }
  static invalidConnectionId(): TrackerError {
    return new TrackerError('TRACKER_INVALID_CONNECTION_ID', 'invalid connection id');
  }
  static invalidOffer(what: string): TrackerError {
    return new TrackerError('TRACKER_INVALID_OFFER', `invalid ${what}`);
  }
  static tooManyHashes(max: number): TrackerError {
    return new TrackerError('TRACKER_TOO_MANY_HASHES', `scrape at most ${max} info hashes at once`);
  }
  static peerNotFound(): TrackerError {
    return new TrackerError('TRACKER_PEER_NOT_FOUND', 'no such peer');
  }
  static denied(reason: string): TrackerError {
    return new TrackerError('TRACKER_DENIED', reason);
  }
  static rateLimited(retryInSeconds: number): TrackerError {
    return new TrackerError('TRACKER_RATE_LIMITED', 'too many requests, slow down', retryInSeconds);
  }
  static invalidOptions(what: string): TrackerError {
    return new TrackerError('TRACKER_INVALID_OPTIONS', `invalid tracker options: ${what}`);
  }
  static internal(): TrackerError {
    return new TrackerError('TRACKER_INTERNAL', 'internal tracker error');
  }
}
