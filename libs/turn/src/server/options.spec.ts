import { describe, expect, it } from 'vitest';
import { isTurnError } from '../errors.js';
import { TURN_SERVER_DEFAULTS, resolveTurnServerOptions, type TurnServerOptions } from './options.js';

const rejected = (options: TurnServerOptions): string => {
  try {
    resolveTurnServerOptions(options);
    return 'accepted';
  } catch (error) {
    expect(isTurnError(error, 'TURN_INVALID_OPTIONS')).toBe(true);
    return (error as Error).message;
  }
};

describe('TurnServerOptions', () => {
  it('fills the defaults in, RFC lifetimes included', () => {
    const resolved = resolveTurnServerOptions({ host: '127.0.0.1' });
    expect(resolved.port).toBe(3478);
    expect(resolved.allocationLifetimeSeconds).toBe(600);
    expect(resolved.permissionLifetimeSeconds).toBe(300);
    expect(resolved.channelLifetimeSeconds).toBe(600);
    expect(resolved.relayAddress).toBe('127.0.0.1');
    expect(resolved.externalRelayAddress).toBe('127.0.0.1');
    expect(resolved.authenticate).toBeUndefined();
    expect(resolved.allowLoopbackPeers).toBe(false);
    expect(TURN_SERVER_DEFAULTS.maxAllocationsPerUser).toBe(resolved.maxAllocationsPerUser);
  });

  it('makes a TURN REST authenticator from `secret`, and prefers `authenticate`', () => {
    expect(resolveTurnServerOptions({ secret: 'x' }).authenticate).toBeTypeOf('function');
    const authenticate = () => undefined;
    expect(resolveTurnServerOptions({ secret: 'x', authenticate }).authenticate).toBe(authenticate);
  });

  it('advertises a real address when relaying on 0.0.0.0', () => {
    const resolved = resolveTurnServerOptions({ host: '0.0.0.0' });
    expect(resolved.relayAddress).toBe('0.0.0.0');
    expect(resolved.externalRelayAddress).not.toBe('0.0.0.0');
    expect(resolveTurnServerOptions({ host: '::' }).relayAddress).toBe('0.0.0.0');
  });

  it('names the option that cannot work', () => {
    expect(rejected({ host: 'localhost' })).toMatch(/"host"/);
    expect(rejected({ port: 70000 })).toMatch(/"port"/);
    expect(rejected({ udp: false, tcp: false })).toMatch(/"udp"/);
    expect(rejected({ realm: '' })).toMatch(/"realm"/);
    expect(rejected({ secret: '' })).toMatch(/"secret"/);
    expect(rejected({ relayAddress: '::1' })).toMatch(/"relayAddress"/);
    expect(rejected({ externalRelayAddress: '0.0.0.0' })).toMatch(/"externalRelayAddress"/);
    expect(rejected({ relayPortRange: { min: 50000, max: 40000 } })).toMatch(/relayPortRange.max/);
    expect(rejected({ maxAllocationLifetimeSeconds: 10 })).toMatch(/"maxAllocationLifetimeSeconds"/);
    expect(rejected({ permissionLifetimeSeconds: 0 })).toMatch(/"permissionLifetimeSeconds"/);
    expect(rejected({ allowedPeers: ['10.0.0.0/40'] })).toMatch(/"allowedPeers"/);
    expect(rejected({ deniedPeers: ['nope'] })).toMatch(/"deniedPeers"/);
    expect(rejected({ sweepIntervalMs: 1 })).toMatch(/"sweepIntervalMs"/);
  });
});
