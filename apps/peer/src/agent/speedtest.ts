import { createHash, randomFillSync } from 'node:crypto';
import { RtcError } from '@shoal/rtc';
import type { Peer } from '@shoal/protocol';
import type { Channel, Connection, RtcNode } from '@shoal/rtc';
import type { Sink } from './sink.js';
import { shortId } from './targets.js';

/** The channel label of the speed test: a header, the bytes, and the receiver's digest. */
export const SPEEDTEST_LABEL = 'shoal/speedtest';
const MAX_BYTES = 64 * 1024 ** 3;
const CHUNK = 64 * 1024;

export interface SpeedtestReport {
  bytes: number;
  sha256: string;
  seconds: number;
}

/**
 * `shoal speedtest @user`: sends `bytes` of random data over a data channel to one device of the
 * user, hashing what it sends; the other side hashes what it receives and answers with the
 * digest. Both digests are printed; exit code 1 if they differ.
 */
export async function runSpeedtest(
  node: RtcNode,
  username: string,
  options: { bytes: number; deviceId?: string },
  sink: Sink,
): Promise<number> {
  const results = await node.connectUser(username);
  const candidates = results.filter((r) => !options.deviceId || r.deviceId.startsWith(options.deviceId));
  const reached = candidates.find((r): r is { deviceId: string; connection: Connection } => 'connection' in r);
  if (!reached) {
    const why = candidates.map((r) => ('error' in r ? `${shortId(r.deviceId)}: ${r.error.message}` : '')).join('; ');
    throw new RtcError('RTC_PEER_OFFLINE', `no device of ${username} to test with${why ? ` (${why})` : ''}`);
  }
  const device = `${username} (${shortId(reached.deviceId)})`;
  const channel = await reached.connection.openChannel(SPEEDTEST_LABEL);
  sink.note(`sending ${options.bytes} bytes to ${device}...`);
  const reply = nextText(channel);
  const hash = createHash('sha256');
  const started = performance.now();
  channel.send(JSON.stringify({ bytes: options.bytes }));
  const chunk = Buffer.alloc(Math.min(CHUNK, channel.maxMessageSize));
  for (let left = options.bytes; left > 0;) {
    const part = chunk.subarray(0, Math.min(chunk.length, left));
    randomFillSync(part);
    hash.update(part);
    await channel.write(part);
    left -= part.length;
  }
  const sha256 = hash.digest('hex');
  const theirs = JSON.parse(await reply) as Partial<SpeedtestReport>;
  const seconds = (performance.now() - started) / 1000;
  channel.close();
  const match = theirs.sha256 === sha256 && theirs.bytes === options.bytes;
  const mbPerSecond = options.bytes / 1024 ** 2 / seconds;
  sink.result(
    `sent ${options.bytes} bytes to ${device} in ${seconds.toFixed(2)} s (${mbPerSecond.toFixed(1)} MiB/s); ` +
      `sha256 ${sha256}, ${match ? 'the same on the other side' : `BUT the other side got ${theirs.sha256 ?? 'nothing'}`}`,
    {
      username,
      deviceId: reached.deviceId,
      bytes: options.bytes,
      seconds: Math.round(seconds * 1000) / 1000,
      mbPerSecond: Math.round(mbPerSecond * 10) / 10,
      sha256,
      remoteSha256: theirs.sha256,
      remoteBytes: theirs.bytes,
      match,
    },
  );
  return match ? 0 : 1;
}

/** Answers speed tests: hashes what arrives and replies with the digest. */
export function serveSpeedtest(
  node: RtcNode,
  done: (report: SpeedtestReport & { from: Peer | undefined; deviceId: string }) => void,
): () => void {
  return node.handle(SPEEDTEST_LABEL, (channel, connection) => {
    let expected = -1;
    let received = 0;
    let started = 0;
    const hash = createHash('sha256');
    channel.on('message', (data) => {
      if (expected < 0) {
        const header = typeof data === 'string' ? safeJson(data) : undefined;
        const bytes = (header as { bytes?: unknown } | undefined)?.bytes;
        if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0 || bytes > MAX_BYTES) {
          channel.close();
          return;
        }
        expected = bytes;
        started = performance.now();
        return;
      }
      if (typeof data === 'string' || received + data.length > expected) {
        channel.close();
        return;
      }
      hash.update(data);
      received += data.length;
      if (received < expected) return;
      const report = { bytes: received, sha256: hash.digest('hex'), seconds: (performance.now() - started) / 1000 };
      try {
        channel.send(JSON.stringify(report));
      } catch {
        // The sender went away; the report is still logged.
      }
      done({ ...report, from: connection.peer, deviceId: connection.deviceId });
    });
  });
}

function nextText(channel: Channel): Promise<string> {
  return new Promise((resolve, reject) => {
    const offs = [
      channel.on('message', (data) => {
        if (typeof data !== 'string') return;
        offs.forEach((off) => off());
        resolve(data);
      }),
      channel.on('close', () => {
        offs.forEach((off) => off());
        reject(new RtcError('RTC_CLOSED', 'the other side closed the speed test before answering'));
      }),
    ];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
