/**
 * What a device signs on the signalling socket. Each message names its purpose and version, so a
 * signature made for one can never be replayed as the other.
 */

/** Proves, in `hello`, that the socket is held by the device whose key signs the server's nonce. */
export function deviceHelloMessage(input: { nonce: string; deviceId: string; userId: string }): string {
  return ['shoal/ws-hello/v1', `nonce:${input.nonce}`, `device:${input.deviceId}`, `user:${input.userId}`].join('\n');
}

/**
 * Binds an offer or answer to its session, both devices, the DTLS fingerprints in its SDP and
 * the time: a coordinator that rewrites the fingerprints (to put itself in the middle) or replays
 * an old offer is caught by the receiver, who checks this signature against the sender's
 * registered key.
 */
export function signalSignatureMessage(input: {
  session: string;
  from: string;
  to: string;
  kind: 'offer' | 'answer';
  fingerprints: string[];
  timestamp: number;
}): string {
  return [
    'shoal/signal/v1',
    `session:${input.session}`,
    `from:${input.from}`,
    `to:${input.to}`,
    `kind:${input.kind}`,
    `fingerprints:${[...input.fingerprints].sort().join(',')}`,
    `timestamp:${input.timestamp}`,
  ].join('\n');
}

/**
 * The DTLS certificate fingerprints of an SDP (`a=fingerprint:` lines, session or media level),
 * normalised to `algorithm value` in lower case, unique and sorted.
 */
export function sdpFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/.exec(line);
    if (match?.[1] && match[2]) found.add(`${match[1].toLowerCase()} ${match[2].toLowerCase()}`);
  }
  return [...found].sort();
}
