import { FileTrustStore, nodePeerLinks, RtcNode } from '@shoal/rtc';
import type { AcceptPolicy, IncomingRequest } from '@shoal/rtc';
import { SignallingClient } from '@shoal/sdk';
import type { AgentSession } from './agent-session.js';

export type AcceptFrom = 'contacts' | 'anyone';

/** Where this device remembers the keys it has seen of other people (trust on first use). */
export const TRUST_FILE = 'trust.json';

export interface RtcAgent {
  node: RtcNode;
  signalling: SignallingClient;
  trust: FileTrustStore;
  /** Hangs up every connection and closes the signalling socket. */
  close(): Promise<void>;
}

/**
 * The device online: its signalling socket and its peer connections. The node listens before the
 * socket opens, so it sees the first presence snapshot; call `signalling.connect()` next.
 */
export function createRtcAgent(session: AgentSession, options: { acceptFrom?: AcceptFrom } = {}): RtcAgent {
  const signalling = new SignallingClient({
    baseUrl: session.coordinator,
    token: () => session.bearer(),
    device: { deviceId: session.deviceId, userId: session.userId, signingSecretKey: session.keys.signing.secretKey },
  });
  const trust = new FileTrustStore(session.dir.file(TRUST_FILE));
  const node = new RtcNode({
    deviceId: session.deviceId,
    signalling,
    keys: { ofUser: async (username) => (await session.client()).devices.ofUser(username) },
    links: nodePeerLinks(),
    trust,
    accept: acceptPolicy(session, options.acceptFrom ?? 'contacts'),
  });
  return {
    node,
    signalling,
    trust,
    close: async () => {
      await node.close();
      signalling.close();
    },
  };
}

/** Own devices always; others when they are accepted contacts (or anyone, if so configured). */
function acceptPolicy(session: AgentSession, from: AcceptFrom): AcceptPolicy {
  let contacts: { at: number; names: Set<string> } | undefined;
  const accepted = async (refresh: boolean): Promise<Set<string>> => {
    if (!contacts || refresh || Date.now() - contacts.at > 10_000) {
      const list = await (await session.client()).contacts.list();
      contacts = { at: Date.now(), names: new Set(list.filter((c) => c.state === 'accepted').map((c) => c.username)) };
    }
    return contacts.names;
  };
  return async (request: IncomingRequest) => {
    if (request.from.userId === session.userId || from === 'anyone') return true;
    if ((await accepted(false)).has(request.from.username)) return true;
    // Perhaps accepted a moment ago.
    return (await accepted(true)).has(request.from.username);
  };
}
