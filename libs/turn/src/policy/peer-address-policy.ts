import { ipFamilyOf } from '../codec/ip-address.js';
import { blockListOf, contains } from './cidr.js';

/** Loopback: refused unless `allowLoopbackPeers` (tests on one machine, like coturn's flag). */
export const LOOPBACK_RANGES: readonly string[] = ['127.0.0.0/8', '::1/128'];

/**
 * Peers a public relay must not reach: private networks behind the server, link-local, and the
 * special-purpose ranges of the IANA registries (RFC 6890). Without this a TURN server is an open
 * door into the network it runs in (e.g. cloud metadata at 169.254.169.254).
 */
export const SPECIAL_PURPOSE_RANGES: readonly string[] = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the limited broadcast address
  '::/96', // unspecified and IPv4-compatible (deprecated); ::1 is loopback, handled above
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard-only
  '2001:db8::/32', // documentation
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
];

export interface PeerAddressPolicyOptions {
  readonly allowLoopbackPeers: boolean;
  /** Operator allow-list (CIDRs), checked first: wins over every refusal below. */
  readonly allowedPeers: readonly string[];
  /** Operator deny-list (CIDRs), in addition to the special-purpose ranges. */
  readonly deniedPeers: readonly string[];
}

/** Decides which peer IPs a client may create permissions and channels for (403 otherwise). */
export class PeerAddressPolicy {
  private readonly allowed;
  private readonly denied;
  private readonly loopback = blockListOf(LOOPBACK_RANGES);
  private readonly special = blockListOf(SPECIAL_PURPOSE_RANGES);

  constructor(private readonly options: PeerAddressPolicyOptions) {
    this.allowed = blockListOf(options.allowedPeers);
    this.denied = blockListOf(options.deniedPeers);
  }

  isAllowed(address: string): boolean {
    if (ipFamilyOf(address) === undefined) return false;
    if (contains(this.allowed, address)) return true;
    if (contains(this.denied, address)) return false;
    if (contains(this.loopback, address)) return this.options.allowLoopbackPeers;
    return !contains(this.special, address);
  }
}
