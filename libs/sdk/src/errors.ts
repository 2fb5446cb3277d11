/** Every failure of the SDK: `code` is a protocol error code, or one of the client-side codes below. */
export class ShoalApiError extends Error {
  constructor(
    /** A protocol error code, or NETWORK_ERROR / INVALID_RESPONSE for failures on the client's side. */
    readonly code: string,
    message: string,
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    readonly issues?: { path: string; message: string }[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ShoalApiError';
  }
}
