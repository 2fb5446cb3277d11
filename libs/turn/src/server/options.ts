import { networkInterfaces } from 'node:os';
import { TurnError } from '../errors.js';
import type { TurnAuthenticator } from '../auth/authenticator.js';
import { turnRestAuthenticator } from '../auth/turn-rest.js';
import { ipFamilyOf } from '../codec/ip-address.js';
import { parseCidr } from '../policy/cidr.js';

/** Limits for one user, answered by the `quota` callback. */
export interface TurnQuota {
  /** Allocations the user may hold at once; the next Allocate gets 486 Allocation Quota Reached. */
  readonly maxAllocations?: number;
  /** Bytes per second relayed per allocation (both directions); 0 means no limit. Excess is dropped. */
  readonly maxBytesPerSecond?: number;
}

/** Every option is optional; `TURN_SERVER_DEFAULTS` holds the defaults. Times are in seconds unless named `Ms`. */
export interface TurnServerOptions {
  /** IP literal to listen on (UDP and TCP). */
  readonly host?: string;
  /** Port for UDP and TCP; 0 picks a free one (the same for both when it can). */
  readonly port?: number;
  readonly udp?: boolean;
  readonly tcp?: boolean;
  readonly realm?: string;
  /** SOFTWARE attribute in responses; `false` leaves it out. */
  readonly software?: string | false;
  /** Shared secret of the TURN REST scheme; ignored when `authenticate` is given. */
  readonly secret?: string;
  /** Credential lookup; without it and without `secret`, TURN requests are refused (STUN-only). */
  readonly authenticate?: TurnAuthenticator;
  /** IP the relay sockets bind to (default: `host` when it is IPv4, else 0.0.0.0). IPv4 only for now. */
  readonly relayAddress?: string;
  /**
   * IP written into XOR-RELAYED-ADDRESS, for a server behind 1:1 NAT (coturn's `external-ip`).
   * Default: `relayAddress` unless it is 0.0.0.0, else the first non-internal IPv4 interface.
   */
  readonly externalRelayAddress?: string;
  /** Relay ports to pick from (inclusive); default: any port the OS gives. */
  readonly relayPortRange?: { readonly min: number; readonly max: number };
  readonly allocationLifetimeSeconds?: number;
  readonly maxAllocationLifetimeSeconds?: number;
  readonly permissionLifetimeSeconds?: number;
  readonly channelLifetimeSeconds?: number;
  readonly nonceLifetimeSeconds?: number;
  /** Allocations on this server at once; beyond, 508 Insufficient Capacity. */
  readonly maxAllocations?: number;
  /** Default of `TurnQuota.maxAllocations`. */
  readonly maxAllocationsPerUser?: number;
  /** Default of `TurnQuota.maxBytesPerSecond`; 0 means no limit. */
  readonly maxBytesPerSecondPerAllocation?: number;
  /** Per-user quota; fields it leaves out fall back to the two defaults above. */
  readonly quota?: (userId: string) => TurnQuota | undefined;
  /** Lets clients relay to 127.0.0.0/8 and ::1 (tests on one machine). Nothing else. */
  readonly allowLoopbackPeers?: boolean;
  /** CIDRs peers may be in even when special-purpose (private, link-local, ...). */
  readonly allowedPeers?: readonly string[];
  /** CIDRs peers may never be in. */
  readonly deniedPeers?: readonly string[];
  readonly maxTcpConnections?: number;
  /** A TCP connection without an allocation that stays silent this long is closed. */
  readonly tcpIdleTimeoutSeconds?: number;
  /** How often expiry (allocations, permissions, channels) and bandwidth windows are processed. */
  readonly sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch (tests inject one). */
  readonly now?: () => number;
}

export interface ResolvedTurnServerOptions {
  readonly host: string;
  readonly port: number;
  readonly udp: boolean;
  readonly tcp: boolean;
  readonly realm: string;
  readonly software: string | false;
  readonly authenticate: TurnAuthenticator | undefined;
  readonly relayAddress: string;
  readonly externalRelayAddress: string;
  readonly relayPortRange: { readonly min: number; readonly max: number } | undefined;
  readonly allocationLifetimeSeconds: number;
  readonly maxAllocationLifetimeSeconds: number;
  readonly permissionLifetimeSeconds: number;
  readonly channelLifetimeSeconds: number;
  readonly nonceLifetimeSeconds: number;
  readonly maxAllocations: number;
  readonly maxAllocationsPerUser: number;
  readonly maxBytesPerSecondPerAllocation: number;
  readonly quota: ((userId: string) => TurnQuota | undefined) | undefined;
  readonly allowLoopbackPeers: boolean;
  readonly allowedPeers: readonly string[];
  readonly deniedPeers: readonly string[];
  readonly maxTcpConnections: number;
  readonly tcpIdleTimeoutSeconds: number;
  readonly sweepIntervalMs: number;
  readonly now: () => number;
}

/** The defaults, in one place (RFC 8656 §3.2, §9, §12 for the lifetimes). */
export const TURN_SERVER_DEFAULTS = {
  host: '0.0.0.0',
  port: 3478,
  udp: true,
  tcp: true,
  realm: 'shoal',
  software: 'shoal-turn',
  allocationLifetimeSeconds: 600,
  maxAllocationLifetimeSeconds: 3600,
  permissionLifetimeSeconds: 300,
  channelLifetimeSeconds: 600,
  nonceLifetimeSeconds: 600,
  maxAllocations: 10_000,
  maxAllocationsPerUser: 10,
  maxBytesPerSecondPerAllocation: 0,
  allowLoopbackPeers: false,
  maxTcpConnections: 10_000,
  tcpIdleTimeoutSeconds: 60,
  sweepIntervalMs: 1000,
} as const;

/** Applies the defaults and validates; throws `TURN_INVALID_OPTIONS` naming the first bad option. */
export function resolveTurnServerOptions(options: TurnServerOptions = {}): ResolvedTurnServerOptions {
  const d = TURN_SERVER_DEFAULTS;
  const host = options.host ?? d.host;
  const relayAddress = options.relayAddress ?? (ipFamilyOf(host) === 'IPv4' ? host : '0.0.0.0');
  const resolved: ResolvedTurnServerOptions = {
    host,
    port: options.port ?? d.port,
    udp: options.udp ?? d.udp,
    tcp: options.tcp ?? d.tcp,
    realm: options.realm ?? d.realm,
    software: options.software ?? d.software,
    authenticate:
      options.authenticate ?? (options.secret === undefined ? undefined : turnRestAuthenticatorChecked(options.secret)),
    relayAddress,
    externalRelayAddress: options.externalRelayAddress ?? defaultExternalAddress(relayAddress),
    relayPortRange: options.relayPortRange,
    allocationLifetimeSeconds: options.allocationLifetimeSeconds ?? d.allocationLifetimeSeconds,
    maxAllocationLifetimeSeconds: options.maxAllocationLifetimeSeconds ?? d.maxAllocationLifetimeSeconds,
    permissionLifetimeSeconds: options.permissionLifetimeSeconds ?? d.permissionLifetimeSeconds,
    channelLifetimeSeconds: options.channelLifetimeSeconds ?? d.channelLifetimeSeconds,
    nonceLifetimeSeconds: options.nonceLifetimeSeconds ?? d.nonceLifetimeSeconds,
    maxAllocations: options.maxAllocations ?? d.maxAllocations,
    maxAllocationsPerUser: options.maxAllocationsPerUser ?? d.maxAllocationsPerUser,
    maxBytesPerSecondPerAllocation: options.maxBytesPerSecondPerAllocation ?? d.maxBytesPerSecondPerAllocation,
    quota: options.quota,
    allowLoopbackPeers: options.allowLoopbackPeers ?? d.allowLoopbackPeers,
    allowedPeers: options.allowedPeers ?? [],
    deniedPeers: options.deniedPeers ?? [],
    maxTcpConnections: options.maxTcpConnections ?? d.maxTcpConnections,
    tcpIdleTimeoutSeconds: options.tcpIdleTimeoutSeconds ?? d.tcpIdleTimeoutSeconds,
    sweepIntervalMs: options.sweepIntervalMs ?? d.sweepIntervalMs,
    now: options.now ?? Date.now,
  };
  validate(resolved);
  return resolved;
}

function turnRestAuthenticatorChecked(secret: string): TurnAuthenticator {
  if (secret.length === 0) throw TurnError.invalidOption('secret', 'must not be empty');
  return turnRestAuthenticator(secret);
}

function defaultExternalAddress(relayAddress: string): string {
  if (relayAddress !== '0.0.0.0') return relayAddress;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

function validate(o: ResolvedTurnServerOptions): void {
  const fail = (option: string, reason: string): never => {
    throw TurnError.invalidOption(option, reason);
  };
  const integer = (option: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      fail(option, `${value} is not an integer in ${min}..${max}`);
    }
  };

  if (ipFamilyOf(o.host) === undefined) fail('host', `${JSON.stringify(o.host)} is not an IP address`);
  integer('port', o.port, 0, 65535);
  if (!o.udp && !o.tcp) fail('udp', 'at least one of udp and tcp must be on');
  if (o.realm.length === 0 || o.realm.length >= 128) fail('realm', 'must be 1 to 127 characters');
  if (o.software !== false && o.software.length >= 128) fail('software', 'must be under 128 characters');
  if (o.authenticate !== undefined && typeof o.authenticate !== 'function') fail('authenticate', 'not a function');
  if (o.quota !== undefined && typeof o.quota !== 'function') fail('quota', 'not a function');
  if (ipFamilyOf(o.relayAddress) !== 'IPv4') fail('relayAddress', 'must be an IPv4 address');
  if (ipFamilyOf(o.externalRelayAddress) !== 'IPv4' || o.externalRelayAddress === '0.0.0.0') {
    fail('externalRelayAddress', 'must be a specific IPv4 address');
  }
  if (o.relayPortRange !== undefined) {
    integer('relayPortRange.min', o.relayPortRange.min, 1, 65535);
    integer('relayPortRange.max', o.relayPortRange.max, o.relayPortRange.min, 65535);
  }
  integer('allocationLifetimeSeconds', o.allocationLifetimeSeconds, 1);
  integer('maxAllocationLifetimeSeconds', o.maxAllocationLifetimeSeconds, o.allocationLifetimeSeconds);
  integer('permissionLifetimeSeconds', o.permissionLifetimeSeconds, 1);
  integer('channelLifetimeSeconds', o.channelLifetimeSeconds, 1);
  integer('nonceLifetimeSeconds', o.nonceLifetimeSeconds, 1);
  integer('maxAllocations', o.maxAllocations, 0);
  integer('maxAllocationsPerUser', o.maxAllocationsPerUser, 0);
  integer('maxBytesPerSecondPerAllocation', o.maxBytesPerSecondPerAllocation, 0);
  integer('maxTcpConnections', o.maxTcpConnections, 0);
  integer('tcpIdleTimeoutSeconds', o.tcpIdleTimeoutSeconds, 1);
  integer('sweepIntervalMs', o.sweepIntervalMs, 10, 60_000);
  for (const [option, list] of [
    ['allowedPeers', o.allowedPeers],
    ['deniedPeers', o.deniedPeers],
  ] as const) {
    for (const cidr of list) {
      try {
        parseCidr(cidr);
      } catch {
        fail(option, `${JSON.stringify(cidr)} is not a CIDR`);
      }
    }
  }
  if (typeof o.now !== 'function') fail('now', 'not a function');
}
