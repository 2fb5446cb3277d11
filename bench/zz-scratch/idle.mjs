import { startCoordinator } from '../lib/coordinator.mjs';
import { cpuSecondsOf } from '../lib/proc.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
const c = await startCoordinator({});
try {
  await sleep(2000);
  const a = cpuSecondsOf(c.pid);
  await sleep(3000);
  const b = cpuSecondsOf(c.pid);
  console.log('idle cores', (b - a) / 3);
  console.log(c.listeningLine(/UDP tracker/), c.listeningLine(/STUN\/TURN/), c.listeningLine(/DHT/));
} finally {
  await c.stop();
}
