/** Stable codes of every failure `libs/rtc` reports. */
export type RtcErrorCode =
  /** An offer or answer whose signature does not verify against the sender's device key: tampered on the way. */
  | 'RTC_BAD_SIGNATURE'
  /** An offer or answer signed too far from now (a replay, or a badly wrong clock). */
  | 'RTC_STALE_SIGNAL'
  /** A device key this device has not seen for that user before; not trusted until confirmed. */
  | 'RTC_KEY_CHANGED'
  /** The coordinator has no usable key for the device (unknown, or not matching the device id). */
  | 'RTC_UNKNOWN_KEY'
  /** The other device refused the connection or hung up before it was set up. */
  | 'RTC_REFUSED'
  /** The other device is not online. */
  | 'RTC_PEER_OFFLINE'
  /** No such active device. */
  | 'RTC_UNKNOWN_DEVICE'
  /** The connection (or a channel) was not set up in time, or a reconnect gave up. */
  | 'RTC_TIMEOUT'
  /** The connection or the node is closed. */
  | 'RTC_CLOSED'
  /** The coordinator refused a signal for another reason. */
  | 'RTC_SIGNALLING'
  /** The local WebRTC stack failed (bad SDP, a channel that cannot open). */
  | 'RTC_INTERNAL';

/** Every failure of `libs/rtc`: a stable `code`, and a message a person can act on. */
export class RtcError extends Error {
  constructor(
    readonly code: RtcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RtcError';
  }

  static badSignature(kind: string, deviceId: string): RtcError {
    return new RtcError(
      'RTC_BAD_SIGNATURE',
      `the ${kind} from device ${deviceId} is not signed by that device's key: the signalling path altered it ` +
        '(a coordinator rewriting the DTLS fingerprint would be a man in the middle); refused',
    );
  }

  static stale(kind: string, deviceId: string): RtcError {
    return new RtcError('RTC_STALE_SIGNAL', `the ${kind} from device ${deviceId} was signed too long ago; refused`);
  }

  static keyChanged(username: string, deviceId: string): RtcError {
    return new RtcError(
      'RTC_KEY_CHANGED',
      `${username} has a device key this device has not seen before (device ${deviceId}); compare safety numbers ` +
        `(\`shoal contacts verify @${username}\`) before trusting it`,
    );
  }

  static unknownKey(deviceId: string, why: string): RtcError {
    return new RtcError('RTC_UNKNOWN_KEY', `no trustworthy key for device ${deviceId}: ${why}`);
  }

  static refused(deviceId: string): RtcError {
    return new RtcError('RTC_REFUSED', `device ${deviceId} refused the connection or hung up`);
  }

  static timeout(what: string): RtcError {
    return new RtcError('RTC_TIMEOUT', `${what} timed out`);
  }

  static closed(what = 'the connection'): RtcError {
    return new RtcError('RTC_CLOSED', `${what} is closed`);
  }

  /** Maps an error frame of the coordinator about one of our signals. */
  static fromSignalling(code: string, message: string): RtcError {
    if (code === 'SIGNAL_PEER_OFFLINE') return new RtcError('RTC_PEER_OFFLINE', message);
    if (code === 'SIGNAL_UNKNOWN_DEVICE') return new RtcError('RTC_UNKNOWN_DEVICE', message);
    return new RtcError('RTC_SIGNALLING', `the coordinator refused a signal: ${message} (${code})`);
  }
}
