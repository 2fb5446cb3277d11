import { computeFingerprint } from '../codec/attributes/fingerprint.js';
import { AttributeType, HEADER_LENGTH, StunClass, StunMethod } from '../codec/constants.js';
import { encodeMessageType } from '../codec/message-type.js';

export const SEND_INDICATION = encodeMessageType(StunMethod.Send, StunClass.Indication);

/**
 * Reads a Send indication (RFC 8656 §11.2) in place: the offsets of the first XOR-PEER-ADDRESS and
 * DATA values, without building a `StunMessage`. One reader serves a whole server (it is reused
 * from packet to packet), because Send indications are relay traffic, not requests. The
 * caller has checked the first two bits, the cookie and the message type.
 */
export class SendIndicationReader {
  peerOffset = -1;
  peerLength = 0;
  dataOffset = -1;
  dataLength = 0;

  /**
   * False when the indication must be discarded (RFC 8489 §6.3.2, RFC 8656 §11.2): lengths that do
   * not add up, a wrong FINGERPRINT, an unknown comprehension-required attribute, or a missing
   * XOR-PEER-ADDRESS or DATA.
   */
  read(bytes: Buffer): boolean {
    this.peerOffset = -1;
    this.dataOffset = -1;
    const end = bytes.length;
    if (HEADER_LENGTH + bytes.readUInt16BE(2) !== end || (end & 3) !== 0) return false;
    let offset = HEADER_LENGTH;
    while (offset < end) {
      if (offset + 4 > end) return false;
      const type = bytes.readUInt16BE(offset);
      const length = bytes.readUInt16BE(offset + 2);
      const value = offset + 4;
      if (value + length > end) return false;
      switch (type) {
        case AttributeType.XorPeerAddress:
          if (this.peerOffset === -1) {
            this.peerOffset = value;
            this.peerLength = length;
          }
          break;
        case AttributeType.Data:
          if (this.dataOffset === -1) {
            this.dataOffset = value;
            this.dataLength = length;
          }
          break;
        case AttributeType.Fingerprint:
          if (length !== 4 || value + 4 !== end) return false;
          if (bytes.readUInt32BE(value) !== computeFingerprint(bytes.subarray(0, offset))) return false;
          break;
        case AttributeType.DontFragment:
          break;
        default:
          if (type < 0x8000) return false;
      }
      offset = value + ((length + 3) & ~3);
    }
    return this.peerOffset !== -1 && this.dataOffset !== -1;
  }
}
