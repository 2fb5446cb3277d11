import { describe, expect, it } from 'vitest';
import { generateDeviceKeys, safetyNumber, sdpFingerprints, signalSignatureMessage, toBase64Url } from './index.js';

const sdp = [
  'v=0',
  'o=- 123 2 IN IP4 127.0.0.1',
  'a=fingerprint:sha-256 AB:CD:EF:01',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=fingerprint:SHA-256 ab:cd:ef:01',
  'a=fingerprint:sha-1 11:22',
].join('\r\n');

describe('signalling signatures', () => {
  it('extracts DTLS fingerprints, normalised and unique', () => {
    expect(sdpFingerprints(sdp)).toEqual(['sha-1 11:22', 'sha-256 ab:cd:ef:01']);
    expect(sdpFingerprints('v=0\r\n')).toEqual([]);
  });

  it('changes when any bound part changes, and not with fingerprint order', () => {
    const base = { session: 's1', from: 'a', to: 'b', kind: 'offer' as const, fingerprints: ['x', 'y'], timestamp: 1 };
    const message = signalSignatureMessage(base);
    expect(signalSignatureMessage({ ...base, fingerprints: ['y', 'x'] })).toBe(message);
    for (const patch of [
      { session: 's2' },
      { from: 'c' },
      { to: 'c' },
      { kind: 'answer' as const },
      { fingerprints: ['x'] },
      { timestamp: 2 },
    ]) {
      expect(signalSignatureMessage({ ...base, ...patch })).not.toBe(message);
    }
  });
});

describe('safety numbers', () => {
  const alice = { username: 'alice', publicKeys: [toBase64Url(generateDeviceKeys().signing.publicKey)] };
  const bob = { username: 'bob', publicKeys: [toBase64Url(generateDeviceKeys().signing.publicKey)] };

  it('are the same on both sides and change when a key changes', () => {
    const n = safetyNumber(alice, bob);
    expect(n).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(safetyNumber(bob, alice)).toBe(n);
    const bobNewDevice = {
      ...bob,
      publicKeys: [...bob.publicKeys, toBase64Url(generateDeviceKeys().signing.publicKey)],
    };
    expect(safetyNumber(alice, bobNewDevice)).not.toBe(n);
  });
});
