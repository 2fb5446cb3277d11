/** Small statistics helpers. Values are plain numbers; nothing here allocates much. */

/**
 * The p-th percentile (0..100) of `values` by the nearest-rank method: the smallest value such that
 * at least p % of the values are at or below it. Sorts a copy; `values` is left alone.
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function median(values) {
  return percentile(values, 50);
}

export function mean(values) {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
