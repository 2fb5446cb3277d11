import { RTCPeerConnection as PolyfillRTCPeerConnection } from 'node-datachannel/polyfill';
import { nodePeerLinks } from './peer-link.node.js';
import { standardPeerLinks } from './peer-link.standard.js';
import { peerLinkCompliance } from './peer-link.compliance.js';

// The standard implementation runs in browsers; here it drives node-datachannel's RTCPeerConnection.
const standard = () =>
  standardPeerLinks({ RTCPeerConnection: PolyfillRTCPeerConnection as unknown as typeof RTCPeerConnection });

peerLinkCompliance('node-datachannel links', () => nodePeerLinks());
peerLinkCompliance('standard RTCPeerConnection links', standard);
peerLinkCompliance('a node link with a standard link', () => nodePeerLinks(), standard);
