import { measureRaw, summarise } from '../lib/load.mjs';
import { makePopulation, announcePaths, roundRobin, isAnnounceAnswer, startOpentracker } from '../lib/tracker.mjs';
const { infoHashes, peers } = makePopulation({ torrents: 10, peersPerTorrent: 5 });
const ot = await startOpentracker(infoHashes);
try {
  const raw = await measureRaw({
    url: ot.url,
    path: '/announce',
    nextPath: roundRobin(announcePaths(peers, { event: 'started' })),
    verifyBody: isAnnounceAnswer,
    connections: 10,
    durationS: 2,
  });
  const s = summarise([raw]);
  delete s.latenciesMs;
  console.log(s);
} finally {
  await ot.stop();
}
