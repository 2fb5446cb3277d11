import { describe, expect, it } from 'vitest';
import { toNdcIceServers } from './peer-link.node.js';

describe('toNdcIceServers', () => {
  it('turns RTCIceServer entries into node-datachannel servers', () => {
    expect(toNdcIceServers({ urls: 'stun:127.0.0.1:3478' })).toEqual([{ hostname: '127.0.0.1', port: 3478 }]);
    expect(
      toNdcIceServers({
        urls: ['turn:turn.example:3478?transport=udp', 'turn:[::1]?transport=tcp', 'turns:turn.example'],
        username: '1700000000:alice',
        credential: 'secret',
      }),
    ).toEqual([
      { hostname: 'turn.example', port: 3478, username: '1700000000:alice', password: 'secret', relayType: 'TurnUdp' },
      { hostname: '::1', port: 3478, username: '1700000000:alice', password: 'secret', relayType: 'TurnTcp' },
      { hostname: 'turn.example', port: 5349, username: '1700000000:alice', password: 'secret', relayType: 'TurnTls' },
    ]);
  });

  it('skips what it cannot read', () => {
    expect(toNdcIceServers({ urls: ['http://example.com', 'stun:'] })).toEqual([]);
  });
});
