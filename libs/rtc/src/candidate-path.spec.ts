import { describe, expect, it } from 'vitest';
import { describePath, parseCandidate, pathOf, refineCandidate } from './candidate-path.js';
import type { CandidateInfo } from './peer-link.js';

const host = (address = '192.0.2.2', port = 5000): CandidateInfo => ({ type: 'host', protocol: 'udp', address, port });

describe('parseCandidate', () => {
  it('reads libdatachannel and browser candidate lines', () => {
    expect(parseCandidate('a=candidate:1 1 UDP 2114977791 192.0.2.2 48733 typ host')).toEqual(host('192.0.2.2', 48733));
    expect(
      parseCandidate('candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.2 rport 61000'),
    ).toEqual({ type: 'srflx', protocol: 'udp', address: '203.0.113.7', port: 61000 });
    expect(parseCandidate('candidate:3 1 TCP 1 fd00::2 9 typ relay tcptype active')).toEqual({
      type: 'relay',
      protocol: 'tcp',
      address: 'fd00::2',
      port: 9,
    });
  });

  it('returns nothing for lines it cannot read', () => {
    for (const line of [
      '',
      'candidate:1 1 UDP 1 1.2.3.4',
      'candidate:1 1 SCTP 1 1.2.3.4 5 typ host',
      'x 1 UDP 1 a 5 typ host',
    ]) {
      expect(parseCandidate(line)).toBeUndefined();
    }
    expect(parseCandidate('candidate:1 1 UDP 1 1.2.3.4 5 typ weird')).toBeUndefined();
  });
});

describe('pathOf', () => {
  it('names the path by the most indirect candidate of the pair', () => {
    expect(pathOf({ local: host(), remote: host() }).kind).toBe('direct host');
    expect(pathOf({ local: { ...host(), type: 'srflx' }, remote: host() }).kind).toBe('direct server-reflexive');
    expect(pathOf({ local: host(), remote: { ...host(), type: 'prflx' } }).kind).toBe('direct peer-reflexive');
    expect(pathOf({ local: { ...host(), type: 'relay' }, remote: { ...host(), type: 'srflx' } }).kind).toBe('relayed');
  });

  it('keeps the protocol and the round-trip time', () => {
    const path = pathOf({ local: { ...host(), protocol: 'tcp' }, remote: host() }, 1.5);
    expect(path).toMatchObject({ protocol: 'tcp', rttMs: 1.5 });
    expect(describePath(path)).toBe('direct host TCP 192.0.2.2:5000');
    expect(describePath(pathOf({ local: host(), remote: host('fd00::2', 7) }))).toBe('direct host UDP [fd00::2]:7');
  });
});

describe('refineCandidate', () => {
  it('names a peer-reflexive candidate by the signalled candidate with its address', () => {
    const found: CandidateInfo = { ...host(), type: 'prflx' };
    expect(refineCandidate(found, [host()])).toEqual(host());
    expect(refineCandidate(found, [host('192.0.2.9')])).toEqual(found);
    expect(refineCandidate({ ...host(), type: 'srflx' }, [host()]).type).toBe('srflx');
  });
});
