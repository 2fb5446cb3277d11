import { RTCPeerConnection } from 'webrtc-polyfill';

const patched = new WeakSet<RTCPeerConnection>();

/**
 * webrtc-polyfill's RTCPeerConnection (node-datachannel underneath; simple-peer, inside
 * bittorrent-tracker's client, always takes it from there) reports ICE gathering complete but never
 * delivers the final `null` candidate, so a non-trickle client waits out a 5 s timeout for every
 * offer and answer. This ends gathering the standard way once candidates are out. It changes how
 * fast the clients speak, never what our tracker sees. Patches the class for the test file's worker.
 */
export function endIceGatheringPromptly(): void {
  const proto = RTCPeerConnection.prototype;
  const original = proto.setLocalDescription;
  proto.setLocalDescription = function (this: RTCPeerConnection, ...args: Parameters<typeof original>) {
    if (!patched.has(this)) {
      patched.add(this);
      let candidates = 0;
      let ended = false;
      const maybeEnd = () => {
        if (ended || candidates === 0 || this.iceGatheringState !== 'complete') return;
        ended = true;
        setImmediate(() => this.onicecandidate?.({ candidate: null } as RTCPeerConnectionIceEvent));
      };
      this.addEventListener('icecandidate', (event) => {
        if ((event as RTCPeerConnectionIceEvent).candidate) candidates++;
        maybeEnd();
      });
      this.addEventListener('icegatheringstatechange', maybeEnd);
    }
    return original.apply(this, args);
  } as typeof proto.setLocalDescription;
}
