/** What an attribute's value may depend on besides its own bytes (XOR addresses use the transaction ID). */
export interface AttributeContext {
  readonly transactionId: Buffer;
}

/**
 * One STUN attribute: its type and how its value is written and read. Decoders throw only
 * `TurnError` with code `TURN_MALFORMED_MESSAGE`; encoders throw `TURN_INVALID_ARGUMENT`.
 */
export interface AttributeCodec<T> {
  readonly type: number;
  readonly name: string;
  encode(value: T, context: AttributeContext): Buffer;
  decode(value: Buffer, context: AttributeContext): T;
}
