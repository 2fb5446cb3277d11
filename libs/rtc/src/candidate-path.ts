import type { CandidateInfo, CandidateType, SelectedPair, TransportProtocol } from './peer-link.js';

/** How a connection reaches the other device, in the words `shoal ping` prints. */
export type PathKind = 'direct host' | 'direct server-reflexive' | 'direct peer-reflexive' | 'relayed';

/** The path a connection settled on: both candidates, the kind of path, and the round-trip time. */
export interface ConnectionPath {
  kind: PathKind;
  /** UDP or TCP between this device and the next hop (the other device, or the relay). */
  protocol: TransportProtocol;
  local: CandidateInfo;
  remote: CandidateInfo;
  /** Round-trip time measured over the data channel, when measured. */
  rttMs?: number;
}

const TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

/** Parses `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...`. */
export function parseCandidate(line: string): CandidateInfo | undefined {
  const fields = line.trim().replace(/^a=/, '').split(/\s+/);
  if (!fields[0]?.startsWith('candidate:') || fields.length < 8 || fields[6] !== 'typ') return undefined;
  const protocol = fields[2]!.toLowerCase();
  const port = Number(fields[5]);
  const type = fields[7] as CandidateType;
  if ((protocol !== 'udp' && protocol !== 'tcp') || !Number.isInteger(port) || !TYPES.includes(type)) return undefined;
  return { type, protocol, address: fields[4]!, port };
}

/**
 * A peer-reflexive candidate is one ICE learned from a connectivity check before the signalled
 * candidate arrived (trickle makes that common); when it matches a signalled candidate, that
 * candidate says what it really is.
 */
export function refineCandidate(found: CandidateInfo, signalled: readonly CandidateInfo[]): CandidateInfo {
  if (found.type !== 'prflx') return found;
  const same = signalled.find(
    (c) => c.address === found.address && c.port === found.port && c.protocol === found.protocol,
  );
  return same ? { ...found, type: same.type } : found;
}

export function pathOf(pair: SelectedPair, rttMs?: number): ConnectionPath {
  const types = [pair.local.type, pair.remote.type];
  const kind: PathKind = types.includes('relay')
    ? 'relayed'
    : types.includes('srflx')
      ? 'direct server-reflexive'
      : types.includes('prflx')
        ? 'direct peer-reflexive'
        : 'direct host';
  return {
    kind,
    protocol: pair.local.protocol,
    local: pair.local,
    remote: pair.remote,
    ...(rttMs !== undefined ? { rttMs } : {}),
  };
}

/** `direct host UDP 192.0.2.2:50000`, the way a person reads it. */
export function describePath(path: ConnectionPath): string {
  const address = path.remote.address.includes(':') ? `[${path.remote.address}]` : path.remote.address;
  return `${path.kind} ${path.protocol.toUpperCase()} ${address}:${path.remote.port}`;
}
