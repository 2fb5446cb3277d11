// One side of the data-channel baseline: bare node-datachannel, no Shoal code. The parent relays
// descriptions and candidates over the IPC channel (what a signalling server would do). The sender
// does what `shoal speedtest` does (random bytes in 64 KiB messages, SHA-256 of what it sends,
// waiting when 1 MiB is buffered); the receiver hashes what arrives and reports.
import { createHash, randomFillSync } from 'node:crypto';
import nodeDataChannel from 'node-datachannel';

const [role, bytesText] = process.argv.slice(2);
const total = Number(bytesText);
const HIGH_WATER = 1024 * 1024;
const CHUNK = 64 * 1024;

const pc = new nodeDataChannel.PeerConnection(role, { iceServers: [] });
pc.onLocalDescription((sdp, type) => process.send({ sdp, type }));
pc.onLocalCandidate((candidate, mid) => process.send({ candidate, mid }));
process.on('message', (m) => {
  if (m.sdp) pc.setRemoteDescription(m.sdp, m.type);
  else if (m.candidate) pc.addRemoteCandidate(m.candidate, m.mid);
});

const hash = createHash('sha256');

if (role === 'sender') {
  const dc = pc.createDataChannel('bench');
  dc.setBufferedAmountLowThreshold(HIGH_WATER / 4);
  let drained = () => {};
  dc.onBufferedAmountLow(() => drained());
  dc.onOpen(async () => {
    const chunk = Buffer.alloc(Math.min(CHUNK, dc.maxMessageSize()));
    process.send({ startedAt: Date.now() });
    for (let left = total; left > 0;) {
      const part = chunk.subarray(0, Math.min(chunk.length, left));
      randomFillSync(part);
      hash.update(part);
      while (dc.bufferedAmount() > HIGH_WATER) await new Promise((resolve) => (drained = resolve));
      dc.sendMessageBinary(part);
      left -= part.length;
    }
    process.send({ sent: total, sha256: hash.digest('hex') });
  });
} else {
  let received = 0;
  pc.onDataChannel((dc) => {
    dc.onMessage((message) => {
      const data = typeof message === 'string' ? Buffer.from(message) : Buffer.from(message);
      hash.update(data);
      received += data.length;
      if (received >= total) process.send({ received, sha256: hash.digest('hex') });
    });
  });
}
