import { describePath, RtcError } from '@shoal/rtc';
import type { Connection, ConnectionPath, RtcNode } from '@shoal/rtc';
import type { Sink } from './sink.js';
import { shortId } from './targets.js';

export interface PingOptions {
  /** Pings per device. */
  count: number;
  /** Milliseconds to wait for each pong. */
  timeoutMs: number;
}

/**
 * `shoal ping @user`: connects to every online device of the user and reports, per device, the
 * path the connection took and round-trip times over the data channel. Exit code 0 when at least
 * one device answered.
 */
export async function runPing(node: RtcNode, username: string, options: PingOptions, sink: Sink): Promise<number> {
  const started = performance.now();
  const results = await node.connectUser(username);
  if (results.length === 0) throw new RtcError('RTC_UNKNOWN_DEVICE', `${username} has no device to ping`);
  sink.note(`${username}: ${results.length} device${results.length === 1 ? '' : 's'}`);
  let answered = 0;
  for (const result of results) {
    const device = `${username} (${shortId(result.deviceId)})`;
    if ('error' in result) {
      sink.result(`no pong from ${device}: ${result.error.message}`, {
        username,
        deviceId: result.deviceId,
        error: { code: result.error.code, message: result.error.message },
      });
      continue;
    }
    const connection = result.connection;
    sink.note(`connected to ${device} in ${(performance.now() - started).toFixed(0)} ms`);
    for (let seq = 1; seq <= options.count; seq++) {
      try {
        const rttMs = await connection.ping(options.timeoutMs);
        const path = connection.path ?? (await pathOf(connection));
        answered += 1;
        sink.result(
          `pong from ${device} via ${path ? describePath(path) : 'an unknown path'} in ${rttMs.toFixed(2)} ms`,
          {
            username,
            deviceId: result.deviceId,
            seq,
            rttMs: round(rttMs),
            ...(path ? pathData(path) : {}),
          },
        );
      } catch (error) {
        const e = error instanceof RtcError ? error : new RtcError('RTC_INTERNAL', String(error));
        sink.result(`no pong from ${device}: ${e.message}`, {
          username,
          deviceId: result.deviceId,
          seq,
          error: { code: e.code, message: e.message },
        });
      }
    }
  }
  return answered > 0 ? 0 : 1;
}

function pathOf(connection: Connection): Promise<ConnectionPath | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, 5_000);
    const off = connection.on('path', (path) => {
      clearTimeout(timer);
      off();
      resolve(path);
    });
  });
}

export function pathData(path: ConnectionPath): Record<string, unknown> {
  return {
    path: path.kind,
    protocol: path.protocol,
    local: path.local,
    remote: path.remote,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
