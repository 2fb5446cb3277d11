// The browser face of @shoal/rtc: the shared core, whose links run on the standard RTCPeerConnection.
export * from './core.js';
