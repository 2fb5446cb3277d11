// The Node face of @shoal/rtc: the shared core plus node-datachannel links and file-backed trust.
export * from './core.js';
// Node only.
export { nodePeerLinks } from './peer-link.node.js';
export type { NodePeerLinkOptions } from './peer-link.node.js';
export { FileTrustStore } from './trust-store.file.js';
