import { NO_RATE_LIMITS, startCoordinator } from '../lib/coordinator.mjs';
import { connectDevice, enrollDevice, inParallel, loadSdk, registerUser } from '../lib/signalling-load.mjs';
const sdk = await loadSdk();
const c = await startCoordinator({ env: NO_RATE_LIMITS });
const t = () => performance.now();
try {
  let t0 = t();
  const users = await inParallel(50, 4, (i) => registerUser(sdk, c.url, `u-${i}`));
  console.log('50 users', ((t() - t0) / 1000).toFixed(2));
  t0 = t();
  const devs = await inParallel(50, 8, (i) => enrollDevice(sdk, users[i], `d${i}`));
  console.log('50 devices', ((t() - t0) / 1000).toFixed(2));
  t0 = t();
  const cl = await inParallel(50, 20, (i) => connectDevice(sdk, c.url, devs[i]));
  console.log('50 connects', ((t() - t0) / 1000).toFixed(2));
  t0 = t();
  const crowd = await registerUser(sdk, c.url, 'crowd');
  const cd = await inParallel(300, 8, (i) => enrollDevice(sdk, crowd, `c${i}`));
  console.log('300 crowd devices', ((t() - t0) / 1000).toFixed(2));
  t0 = t();
  const cc = await inParallel(300, 20, (i) => connectDevice(sdk, c.url, cd[i]));
  console.log('300 crowd connects', ((t() - t0) / 1000).toFixed(2));
  t0 = t();
  for (const x of [...cl, ...cc]) x.close();
} finally {
  await c.stop();
}
