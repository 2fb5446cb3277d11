import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes20, hostileString, onlyTrackerErrors } from '../../test/support/arbitraries.js';
import { TrackerError } from '../errors.js';
import { binaryStringToHex, hexToBinaryString } from './binary-string.js';
import { encodeWsAnswer, encodeWsOffer } from './encode-ws.js';
import { decodeWsFrame, parseWsMessage } from './parse-ws.js';

const ctx = { remoteAddress: '::ffff:127.0.0.1' };
const bin = (b: Buffer) => b.toString('latin1');
const HASH = Buffer.alloc(20, 0xe2);
const PEER = Buffer.from('-WW0208-abcdefghijkl');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TrackerError ? error.code : `not a TrackerError: ${String(error)}`;
  }
  return undefined;
}

const parse = (text: string) => parseWsMessage(decodeWsFrame(text), ctx);

describe('parseWsMessage', () => {
  it('parses a real announce with offers from the bittorrent-tracker client', () => {
    const text = readFileSync(new URL('../../test/fixtures/webtorrent-ws-announce.frame', import.meta.url), 'utf8');
    const command = parse(text.trim());
    expect(command.action).toBe('announce');
    if (command.action !== 'announce') return;
    expect(command.request).toMatchObject({
      transport: 'ws',
      infoHash: 'e2'.repeat(20),
      peerId: PEER.toString('hex'),
      remoteAddress: '127.0.0.1',
      port: 0,
      event: 'started',
      left: Infinity,
      numwant: 5,
    });
    expect(command.request.offers).toHaveLength(5);
    for (const offer of command.request.offers ?? []) {
      expect(offer.offerId).toMatch(/^[0-9a-f]{40}$/);
      expect(offer.offer).toMatchObject({ type: 'offer', sdp: expect.stringContaining('v=0') });
    }
  });

  it('parses an answer addressed to a peer and a scrape of one or many hashes', () => {
    const answer = parse(
      JSON.stringify({
        action: 'announce',
        info_hash: bin(HASH),
        peer_id: bin(PEER),
        to_peer_id: bin(Buffer.alloc(20, 1)),
        offer_id: bin(Buffer.alloc(20, 2)),
        answer: { type: 'answer', sdp: 'v=0' },
      }),
    );
    expect(answer.action === 'announce' && answer.request.answer).toEqual({
      toPeerId: '01'.repeat(20),
      offerId: '02'.repeat(20),
      answer: { type: 'answer', sdp: 'v=0' },
    });
    expect(parse(JSON.stringify({ action: 'scrape', info_hash: bin(HASH) }))).toMatchObject({
      action: 'scrape',
      request: { infoHashes: ['e2'.repeat(20)] },
    });
    expect(parse(JSON.stringify({ action: 'scrape', info_hash: [bin(HASH), bin(PEER), bin(HASH)] }))).toMatchObject({
      request: { infoHashes: ['e2'.repeat(20), PEER.toString('hex')] },
    });
  });

  it('round-trips relayed offers and answers through the frames the tracker writes', () => {
    fc.assert(
      fc.property(bytes20, bytes20, bytes20, fc.string({ maxLength: 200 }), (hash, from, offerId, sdp) => {
        const offerFrame = decodeWsFrame(
          encodeWsOffer({
            infoHash: hash.toString('hex'),
            fromPeerId: from.toString('hex'),
            offerId: offerId.toString('hex'),
            offer: { type: 'offer', sdp },
          }),
        );
        expect(binaryStringToHex(offerFrame.info_hash)).toBe(hash.toString('hex'));
        expect(binaryStringToHex(offerFrame.peer_id)).toBe(from.toString('hex'));
        // The receiving client answers with the ids it was given; that answer must parse.
        const reply = parseWsMessage(
          {
            action: 'announce',
            info_hash: offerFrame.info_hash,
            peer_id: bin(Buffer.alloc(20, 9)),
            to_peer_id: offerFrame.peer_id,
            offer_id: offerFrame.offer_id,
            answer: { type: 'answer', sdp },
          },
          ctx,
        );
        expect(reply.action === 'announce' && reply.request.answer).toEqual({
          toPeerId: from.toString('hex'),
          offerId: offerId.toString('hex'),
          answer: { type: 'answer', sdp },
        });
        const answerFrame = decodeWsFrame(
          encodeWsAnswer({
            infoHash: hash.toString('hex'),
            fromPeerId: from.toString('hex'),
            offerId: offerId.toString('hex'),
            answer: { sdp },
          }),
        );
        expect(binaryStringToHex(answerFrame.offer_id)).toBe(offerId.toString('hex'));
      }),
    );
  });

  it('never throws anything but TrackerError, whatever the frame', () => {
    const jsonish = fc.oneof(
      hostileString,
      fc.json(),
      fc
        .record(
          {
            action: fc.constantFrom('announce', 'scrape', 'constructor', 7, null),
            info_hash: fc.oneof(
              fc.string({ unit: 'binary', minLength: 19, maxLength: 21 }),
              fc.array(fc.string({ unit: 'binary', maxLength: 21 })),
              fc.integer(),
            ),
            peer_id: fc.oneof(fc.string({ unit: 'binary', minLength: 20, maxLength: 20 }), fc.constant({})),
            offers: fc.oneof(fc.array(fc.anything()), fc.anything()),
            answer: fc.anything(),
            to_peer_id: fc.string({ unit: 'binary', minLength: 20, maxLength: 20 }),
            offer_id: fc.anything(),
            event: fc.oneof(fc.string(), fc.anything()),
            left: fc.anything(),
            uploaded: fc.oneof(fc.double(), fc.anything()),
          },
          { requiredKeys: ['action'] },
        )
        .map((frame) => JSON.stringify(frame) ?? 'null'),
    );
    fc.assert(
      fc.property(jsonish, (text) => onlyTrackerErrors(() => parse(text))),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not the protocol, and bad fields inside it, with stable codes', () => {
    const announce = { action: 'announce', info_hash: bin(HASH), peer_id: bin(PEER) };
    const cases: [string, string][] = [
      ['not json', 'TRACKER_MALFORMED_REQUEST'],
      ['[1,2]', 'TRACKER_MALFORMED_REQUEST'],
      ['null', 'TRACKER_MALFORMED_REQUEST'],
      [JSON.stringify({ action: 'dance' }), 'TRACKER_INVALID_ACTION'],
      [JSON.stringify({ ...announce, info_hash: 'short' }), 'TRACKER_INVALID_INFO_HASH'],
      [JSON.stringify({ ...announce, info_hash: '\u0100'.repeat(20) }), 'TRACKER_INVALID_INFO_HASH'],
      [JSON.stringify({ ...announce, peer_id: 42 }), 'TRACKER_INVALID_PEER_ID'],
      [JSON.stringify({ ...announce, event: 'exploded' }), 'TRACKER_INVALID_EVENT'],
      [JSON.stringify({ ...announce, event: 'constructor' }), 'TRACKER_INVALID_EVENT'],
      [JSON.stringify({ ...announce, uploaded: -1 }), 'TRACKER_INVALID_NUMBER'],
      [JSON.stringify({ ...announce, left: 'lots' }), 'TRACKER_INVALID_NUMBER'],
      [JSON.stringify({ ...announce, offers: 'x' }), 'TRACKER_INVALID_OFFER'],
      [JSON.stringify({ ...announce, offers: [{ offer: {}, offer_id: 'short' }] }), 'TRACKER_INVALID_OFFER'],
      [JSON.stringify({ ...announce, offers: [{ offer: 'sdp', offer_id: bin(HASH) }] }), 'TRACKER_INVALID_OFFER'],
      [
        JSON.stringify({ ...announce, offers: new Array(51).fill({ offer: {}, offer_id: bin(HASH) }) }),
        'TRACKER_INVALID_OFFER',
      ],
      [JSON.stringify({ ...announce, answer: {}, offer_id: bin(HASH) }), 'TRACKER_INVALID_PEER_ID'],
      [JSON.stringify({ ...announce, answer: {}, to_peer_id: bin(HASH) }), 'TRACKER_INVALID_OFFER'],
      [JSON.stringify({ action: 'scrape' }), 'TRACKER_INVALID_INFO_HASH'],
    ];
    for (const [text, expected] of cases)
      expect(
        code(() => parse(text)),
        text,
      ).toBe(expected);
  });

  it('binary strings and hex convert both ways for every 20-byte id', () => {
    fc.assert(
      fc.property(bytes20, (b) => {
        expect(binaryStringToHex(hexToBinaryString(b.toString('hex')))).toBe(b.toString('hex'));
      }),
    );
  });
});
