import autocannon from 'autocannon';
import { percentile } from './stats.mjs';

/**
 * Drives one endpoint with autocannon (closed loop: each connection sends its next request when
 * the previous answer arrived) and answers the raw observations; `summarise` turns one or more of
 * them into figures.
 *
 * Latencies are taken from autocannon's per-response event (hrtime, sub-millisecond) rather than
 * from its histogram, which has a resolution of 1 ms and would round a fast endpoint to 0 or 1.
 * Only answers with `expectStatus` count as done work; any other status or a socket error is
 * reported in `unexpected` / `errors` so that a figure built on failures is visible as such.
 */
export async function measureRaw({
  url,
  path = '/',
  method = 'GET',
  headers = {},
  body,
  connections = 10,
  durationS = 5,
  expectStatus = 200,
}) {
  const latenciesMs = [];
  const statuses = {};
  let errors = 0;
  const requestHeaders = { ...headers };
  if (body !== undefined) requestHeaders['content-type'] ??= 'application/json';
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${path}`,
        method,
        headers: requestHeaders,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        connections,
        duration: durationS,
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode === expectStatus) latenciesMs.push(responseTimeMs);
    });
    instance.on('reqError', () => {
      errors += 1;
    });
  });
  return {
    method,
    path,
    connections,
    durationS: result.duration,
    latenciesMs,
    statuses,
    errors: Math.max(errors, result.errors),
    timeouts: result.timeouts,
  };
}

/** Figures of one or more runs of the same request, taken together. */
export function summarise(raws) {
  const latenciesMs = raws.flatMap((r) => r.latenciesMs);
  const statuses = {};
  for (const raw of raws) {
    for (const [status, count] of Object.entries(raw.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  }
  const durationS = raws.reduce((sum, r) => sum + r.durationS, 0);
  // A refused body (`verifyBody` of lib/http-oneshot.mjs) came with the expected status: its
  // latency is kept, the answer is not counted.
  const mismatches = raws.reduce((sum, r) => sum + (r.mismatches ?? 0), 0);
  const ok = latenciesMs.length - mismatches;
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    method: raws[0].method,
    path: raws[0].path,
    connections: raws[0].connections,
    runs: raws.length,
    durationS: Math.round(durationS * 100) / 100,
    requests,
    ok,
    unexpected: requests - ok,
    statuses,
    mismatches,
    errors: raws.reduce((sum, r) => sum + r.errors, 0),
    timeouts: raws.reduce((sum, r) => sum + r.timeouts, 0),
    perSecond: ok / durationS,
    latencyMs: {
      p50: percentile(latenciesMs, 50),
      p90: percentile(latenciesMs, 90),
      p99: percentile(latenciesMs, 99),
      max: percentile(latenciesMs, 100),
    },
  };
}

export async function measure(options) {
  return summarise([await measureRaw(options)]);
}

/**
 * Runs the measurements in turn, `rounds` times over (A B A B ...), and answers each one's
 * results as a list, so that a figure and its baseline see the same background noise: a burst of
 * other work on the machine lands on both rather than on whichever happened to run then.
 */
export async function alternate(measurements, rounds = 2) {
  const results = measurements.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, run] of measurements.entries()) results[i].push(await run());
  }
  return results;
}

/** A short run whose figures are thrown away: JIT, connection pools and caches warm up. */
export async function warmUp(options, durationS = 1) {
  await measure({ ...options, durationS });
}

/** "GET /path" for printing. */
export function describeRun(run) {
  return `${run.method} ${run.path}`;
}

/** Problems worth printing next to a figure (non-expected statuses, socket errors), or []. */
export function runProblems(run) {
  const problems = [];
  if (run.unexpected - (run.mismatches ?? 0) > 0) {
    problems.push(
      `${run.unexpected - (run.mismatches ?? 0)} of ${run.requests} answers had an unexpected status: ${JSON.stringify(run.statuses)}`,
    );
  }
  if (run.mismatches > 0) problems.push(`${run.mismatches} of ${run.requests} answers had a refused body`);
  if (run.errors > 0) problems.push(`${run.errors} request errors (${run.timeouts} timeouts)`);
  return problems;
}
