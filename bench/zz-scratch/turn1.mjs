import { startCoordinator, stopAllCoordinators } from '../lib/coordinator.mjs';
import { startCoturn, startEchoPeer, runUclient } from '../lib/turn.mjs';
import { withCpu } from '../lib/proc.mjs';
const c = await startCoordinator({ env: { TURN_ALLOW_LOOPBACK_PEERS: '1' } });
try {
  const secret = c.env.TURN_SECRET;
  const ourPort = c.listeningLine(/STUN\/TURN/).udp;
  const coturn = await startCoturn({ secret, realm: 'shoal' });
  const peer = await startEchoPeer();
  const cfg = JSON.parse(process.argv[2] ?? '{"clients":10,"messages":2000,"length":1200,"intervalMs":1}');
  for (const [name, port, pid] of [
    ['ours', ourPort, c.pid],
    ['coturn', coturn.port, coturn.pid],
    ['ours', ourPort, c.pid],
    ['coturn', coturn.port, coturn.pid],
  ]) {
    const { result: r, cpu } = await withCpu([pid], () =>
      runUclient({ port, peerPort: peer.port, secret, user: `u${Math.random().toString(36).slice(2, 6)}`, ...cfg }),
    );
    if (r.code !== 0) console.log(r.output.slice(-800));
    console.log('pids', c.pid, coturn.pid, peer.pid);
    console.log(
      name,
      r.code,
      r.seconds.toFixed(1),
      's',
      r.sentMessages,
      r.receivedMessages,
      'lost',
      r.lostPercent,
      'rtt',
      r.averageRttMs,
      'max',
      r.maxRttMs,
      'cpu',
      cpu.server.toFixed(2),
      'progress',
      r.progress.map((p) => `${p.second}:${(p.receivedBytes / 1e6).toFixed(1)}`).join(' '),
    );
  }
} finally {
  await stopAllCoordinators();
}
