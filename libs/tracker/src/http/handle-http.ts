import type { Tracker } from '../tracker.js';
import { encodeHttpAnnounce, encodeHttpFailure, encodeHttpScrape } from './encode-http.js';
import { parseHttpAnnounce, parseHttpScrape } from './parse-http.js';

export interface HttpTrackerResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const headers = { 'content-type': 'text/plain', 'cache-control': 'no-store' } as const;

/**
 * GET /announce for any web framework: pass the raw query string (everything after `?`, never a
 * decoded one) and the socket's remote address (or the one a trusted proxy reported). Protocol
 * failures answer 200 with a `failure reason`, because that is the only place BitTorrent clients
 * look for one; only internal failures answer 500.
 */
export async function handleHttpAnnounce(
  tracker: Tracker,
  rawQueryString: string,
  remoteAddress: string,
): Promise<HttpTrackerResponse> {
  try {
    const request = parseHttpAnnounce(rawQueryString, remoteAddress);
    const result = await tracker.announce(request);
    return { status: 200, headers, body: encodeHttpAnnounce(result, request) };
  } catch (error) {
    return failure(tracker, error, remoteAddress);
  }
}

/** GET /scrape, the same way. */
export async function handleHttpScrape(
  tracker: Tracker,
  rawQueryString: string,
  remoteAddress: string,
): Promise<HttpTrackerResponse> {
  try {
    const request = parseHttpScrape(rawQueryString, remoteAddress);
    const result = await tracker.scrape(request);
    return { status: 200, headers, body: encodeHttpScrape(result) };
  } catch (error) {
    return failure(tracker, error, remoteAddress);
  }
}

function failure(tracker: Tracker, error: unknown, remoteAddress: string): HttpTrackerResponse {
  const trackerError = tracker.fail(error, { transport: 'http', remoteAddress });
  const status = trackerError.code === 'TRACKER_INTERNAL' ? 500 : 200;
  return { status, headers, body: encodeHttpFailure(trackerError) };
}
