/** Stable codes: callers branch on these, never on messages. */
export type TurnErrorCode =
  /** Bytes that are not a well-formed STUN message, ChannelData frame or stream of them. */
  | 'TURN_MALFORMED_MESSAGE'
  /** A `TurnServerOptions` value that cannot work; the message names the option. */
  | 'TURN_INVALID_OPTIONS'
  /** An argument given to a codec or helper function that it cannot encode. */
  | 'TURN_INVALID_ARGUMENT'
  /** A listening socket could not be bound. */
  | 'TURN_LISTEN_FAILED'
  /** The server was asked for something that needs it listening (or it was closed). */
  | 'TURN_NOT_LISTENING';

/** The one error class of `@shoal/turn`. */
export class TurnError extends Error {
  override readonly name = 'TurnError';

  constructor(
    readonly code: TurnErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  static malformed(reason: string): TurnError {
    return new TurnError('TURN_MALFORMED_MESSAGE', `malformed STUN/TURN message: ${reason}`);
  }

  static invalidOption(option: string, reason: string): TurnError {
    return new TurnError('TURN_INVALID_OPTIONS', `invalid TURN server option "${option}": ${reason}`);
  }

  static invalidArgument(what: string, reason: string): TurnError {
    return new TurnError('TURN_INVALID_ARGUMENT', `invalid ${what}: ${reason}`);
  }

  static listenFailed(what: string, cause: unknown): TurnError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new TurnError('TURN_LISTEN_FAILED', `could not listen on ${what}: ${detail}`, { cause });
  }

  static notListening(): TurnError {
    return new TurnError('TURN_NOT_LISTENING', 'the TURN server is not listening');
  }
}

export function isTurnError(error: unknown, code?: TurnErrorCode): error is TurnError {
  return error instanceof TurnError && (code === undefined || error.code === code);
}
