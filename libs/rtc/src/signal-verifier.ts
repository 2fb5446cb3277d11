import { sdpFingerprints, signalSignatureMessage, verify } from '@shoal/identity';
import type { SignalDeliveryFrame } from '@shoal/protocol';
import { RtcError } from './errors.js';

/** As the coordinator: an offer or answer signed further than this from now is refused. */
export const MAX_SIGNAL_SKEW_MS = 5 * 60_000;

/**
 * Checks that an offer or answer was signed by the sending device's key over this session, both
 * device ids, the DTLS fingerprints in its SDP and a recent timestamp. Throws RTC_BAD_SIGNATURE
 * or RTC_STALE_SIGNAL.
 */
export function verifySignal(
  frame: SignalDeliveryFrame,
  self: string,
  publicKey: string,
  options: { now?: number; maxSkewMs?: number } = {},
): void {
  const kind = frame.kind;
  if (kind !== 'offer' && kind !== 'answer') throw new Error(`only offers and answers are signed, not ${kind}`);
  const { sdp, timestamp, signature } = frame;
  if (!sdp || timestamp === undefined || !signature) throw RtcError.badSignature(kind, frame.from.deviceId);
  const fingerprints = sdpFingerprints(sdp);
  // Without a fingerprint DTLS would accept any certificate: nothing would be protected.
  if (fingerprints.length === 0) throw RtcError.badSignature(kind, frame.from.deviceId);
  const message = signalSignatureMessage({
    session: frame.session,
    from: frame.from.deviceId,
    to: self,
    kind,
    fingerprints,
    timestamp,
  });
  if (!verify(publicKey, message, signature)) throw RtcError.badSignature(kind, frame.from.deviceId);
  if (Math.abs((options.now ?? Date.now()) - timestamp) > (options.maxSkewMs ?? MAX_SIGNAL_SKEW_MS)) {
    throw RtcError.stale(kind, frame.from.deviceId);
  }
}
