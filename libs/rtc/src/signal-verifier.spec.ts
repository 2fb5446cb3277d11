import {
  deviceIdFromPublicKey,
  generateDeviceKeys,
  sdpFingerprints,
  sign,
  signalSignatureMessage,
  toBase64Url,
} from '@shoal/identity';
import type { SignalDeliveryFrame } from '@shoal/protocol';
import { describe, expect, it } from 'vitest';
import { verifySignal } from './signal-verifier.js';

const sender = generateDeviceKeys();
const senderId = deviceIdFromPublicKey(sender.signing.publicKey);
const publicKey = toBase64Url(sender.signing.publicKey);
const self = 'b'.repeat(40);
const sdp = (fp = '6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08') =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    `a=fingerprint:sha-256 ${fp}`,
    '',
  ].join('\r\n');

function frame(overrides: Partial<SignalDeliveryFrame> = {}, signWith = sender.signing.secretKey): SignalDeliveryFrame {
  const base = {
    v: 1 as const,
    type: 'signal' as const,
    seq: 1,
    from: { deviceId: senderId, userId: '00000000-0000-4000-8000-000000000001', username: 'alice' },
    session: 'session-1234',
    kind: 'offer' as const,
    sdp: sdp(),
    timestamp: Date.now(),
    firstContact: false,
  };
  const signature = sign(
    signWith,
    signalSignatureMessage({
      session: base.session,
      from: senderId,
      to: self,
      kind: 'offer',
      fingerprints: sdpFingerprints(base.sdp),
      timestamp: base.timestamp,
    }),
  );
  return { ...base, signature, ...overrides };
}

describe('verifySignal', () => {
  it('accepts an offer signed by the sender over its fingerprints', () => {
    expect(() => verifySignal(frame(), self, publicKey)).not.toThrow();
  });

  it('refuses a rewritten fingerprint', () => {
    const tampered = frame({ sdp: sdp('AB:'.repeat(31) + 'AB') });
    expect(() => verifySignal(tampered, self, publicKey)).toThrow(
      expect.objectContaining({ code: 'RTC_BAD_SIGNATURE' }),
    );
  });

  it('refuses an SDP without a fingerprint, another key, another recipient, another session', () => {
    const noFingerprint = frame({ sdp: 'v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n' });
    const bad = [
      () => verifySignal(noFingerprint, self, publicKey),
      () => verifySignal(frame({}, generateDeviceKeys().signing.secretKey), self, publicKey),
      () => verifySignal(frame(), 'c'.repeat(40), publicKey),
      () => verifySignal(frame({ session: 'session-other' }), self, publicKey),
      () => verifySignal(frame({ kind: 'answer' }), self, publicKey),
      () => verifySignal(frame({ signature: undefined }), self, publicKey),
    ];
    for (const check of bad) expect(check).toThrow(expect.objectContaining({ code: 'RTC_BAD_SIGNATURE' }));
  });

  it('refuses a correctly signed offer from too long ago (a replay)', () => {
    const old = frame();
    expect(() => verifySignal(old, self, publicKey, { now: old.timestamp! + 6 * 60_000 })).toThrow(
      expect.objectContaining({ code: 'RTC_STALE_SIGNAL' }),
    );
    expect(() => verifySignal(old, self, publicKey, { now: old.timestamp! + 4 * 60_000 })).not.toThrow();
  });
});
