import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { longTermKey, verifyMessageIntegrity } from './attributes/message-integrity.js';
import { nonce } from './attributes/nonce.js';
import { realm } from './attributes/realm.js';
import { username } from './attributes/username.js';
import { errorCode } from './attributes/error-code.js';
import { xorMappedAddress } from './attributes/xor-address.js';
import { AttributeType, StunClass, StunMethod } from './constants.js';
import { SAMPLE_REQUEST, SAMPLE_REQUEST_PASSWORD } from './fixtures/rfc5769.js';
import { decodeStunMessage } from './stun-message.js';
import { StunMessageBuilder } from './stun-message-builder.js';

/** The parts of the untyped `stun` package (v2) this test uses. */
interface StunPackageMessage {
  readonly type: number;
  readonly transactionId: Buffer;
  getAttribute(type: number): { value: unknown } | undefined;
  addXorAddress(address: string, port: number): unknown;
  addUsername(name: string): unknown;
  addRealm(name: string): unknown;
  addNonce(name: string): unknown;
  addError(code: number, reason?: string): unknown;
  addMessageIntegrity(key: string | Buffer): boolean;
  addFingerprint(): boolean;
  toBuffer(): Buffer;
}
interface StunPackage {
  createMessage(type: number, transactionId?: Buffer): StunPackageMessage;
  decode(bytes: Buffer): StunPackageMessage;
  validateFingerprint(message: StunPackageMessage): boolean;
  validateMessageIntegrity(message: StunPackageMessage, key: string | Buffer): boolean;
}
const stun = createRequire(import.meta.url)('stun') as StunPackage;

/**
 * The `stun` package is an implementation we did not write: what it encodes we must read, and
 * what we encode it must read, integrity and fingerprint included.
 */
describe('interop with the stun package', () => {
  const key = longTermKey('alice', 'shoal', 'secret');
  const transactionId = Buffer.from('0102030405060708090a0b0c', 'hex');

  it('reads what stun encodes: addresses, credentials, integrity, fingerprint', () => {
    for (const address of ['203.0.113.7', '2001:db8::7']) {
      const theirs = stun.createMessage(0x0001, transactionId);
      theirs.addXorAddress(address, 50_000);
      theirs.addUsername('alice');
      theirs.addRealm('shoal');
      theirs.addNonce('abc.def');
      theirs.addMessageIntegrity(key);
      theirs.addFingerprint();
      const message = decodeStunMessage(theirs.toBuffer());
      expect(message.get(xorMappedAddress)?.address).toBe(address);
      expect(message.get(xorMappedAddress)?.port).toBe(50_000);
      expect([message.get(username), message.get(realm), message.get(nonce)]).toEqual(['alice', 'shoal', 'abc.def']);
      expect(verifyMessageIntegrity(message.raw, message.integrityOffset, key)).toBe(true);
    }
  });

  it('reads its error responses', () => {
    const theirs = stun.createMessage(0x0113, transactionId);
    theirs.addError(486, 'Allocation Quota Reached');
    expect(decodeStunMessage(theirs.toBuffer()).get(errorCode)).toEqual({
      code: 486,
      reason: 'Allocation Quota Reached',
    });
  });

  it('stun reads what we encode and validates our integrity and fingerprint', () => {
    for (const address of ['198.51.100.1', '2001:db8::42']) {
      const ours = StunMessageBuilder.of(StunMethod.Binding, StunClass.SuccessResponse, transactionId)
        .add(xorMappedAddress, { family: address.includes(':') ? 'IPv6' : 'IPv4', address, port: 3478 })
        .add(username, 'alice')
        .encode({ integrityKey: key, fingerprint: true });
      const theirs = stun.decode(ours);
      expect(theirs.type).toBe(0x0101);
      expect(theirs.transactionId.equals(transactionId)).toBe(true);
      expect(theirs.getAttribute(AttributeType.XorMappedAddress)?.value).toEqual({
        address,
        port: 3478,
        family: address.includes(':') ? 'IPv6' : 'IPv4',
      });
      expect(stun.validateFingerprint(theirs)).toBe(true);
      expect(stun.validateMessageIntegrity(theirs, key)).toBe(true);
    }
  });

  it('why our own codec: stun re-encodes to check integrity, so non-zero padding fails it', () => {
    // RFC 5769 §2.1 pads USERNAME with spaces; the bytes are valid, and we verify them.
    const message = decodeStunMessage(SAMPLE_REQUEST);
    expect(verifyMessageIntegrity(message.raw, message.integrityOffset, Buffer.from(SAMPLE_REQUEST_PASSWORD))).toBe(
      true,
    );
    expect(stun.validateMessageIntegrity(stun.decode(SAMPLE_REQUEST), SAMPLE_REQUEST_PASSWORD)).toBe(false);
    // And its encoder refuses an ERROR-CODE on a CreatePermission error response (403 is needed there).
    expect(() => stun.createMessage(0x0118, transactionId).addError(403, 'Forbidden')).toThrow();
  });
});
