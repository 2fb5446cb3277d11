/**
 * The exact text a device signs to register its key. It names its purpose and version so the
 * signature cannot be replayed as anything else, and binds the account, the server's single-use
 * challenge and both of the device's public keys.
 */
export function deviceRegistrationMessage(input: {
  userId: string;
  challenge: string;
  publicKey: string;
  exchangeKey?: string | null;
}): string {
  return [
    'shoal/device-registration/v1',
    `user:${input.userId}`,
    `challenge:${input.challenge}`,
    `signing-key:${input.publicKey}`,
    `exchange-key:${input.exchangeKey ?? ''}`,
  ].join('\n');
}
