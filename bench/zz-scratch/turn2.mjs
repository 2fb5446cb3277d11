import { startCoordinator, stopAllCoordinators } from '../lib/coordinator.mjs';
import { startCoturn, startEchoPeer, runUclient } from '../lib/turn.mjs';
const c = await startCoordinator({ env: { TURN_ALLOW_LOOPBACK_PEERS: '1' } });
try {
  const secret = c.env.TURN_SECRET;
  const ourPort = c.listeningLine(/STUN\/TURN/).udp;
  console.log('ours', ourPort, secret);
  const coturn = await startCoturn({ secret, realm: 'shoal' });
  const peer = await startEchoPeer();
  console.log('pids', coturn.pid, peer.pid);
  const r = await runUclient({
    port: ourPort,
    peerPort: peer.port,
    secret,
    user: 'abc',
    clients: 2,
    messages: 20,
    length: 100,
    intervalMs: 20,
  });
  console.log(r.output.slice(-1500));
  const r2 = await runUclient({
    port: coturn.port,
    peerPort: peer.port,
    secret,
    user: 'abc',
    clients: 2,
    messages: 20,
    length: 100,
    intervalMs: 20,
  });
  console.log(r2.output.slice(-600));
  console.log(coturn.tail().slice(-10).join('\n'));
  console.log(peer.tail().slice(-10).join('\n'));
} finally {
  await stopAllCoordinators();
}
