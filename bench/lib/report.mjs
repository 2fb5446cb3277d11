/**
 * Printing figures. A figure is a measurement next to a baseline measured in the same run:
 *   { name, mode?, value, unit, baseline: { name, value, unit }, ratio, better: 'higher'|'lower', notes? }
 * `ratio` is value / baseline.value.
 */

const MIB = 1024 * 1024;

/** A number with about three significant digits, thousands separated. */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatValue(value, unit) {
  if (unit === 'bytes') return `${formatNumber(value / MIB)} MiB`;
  return `${formatNumber(value)} ${unit}`;
}

/** 0.0033 (1/303) for small ratios, 3.21× for large ones. */
export function formatRatio(ratio) {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio >= 1) return `${formatNumber(ratio)}×`;
  const inverse = 1 / ratio;
  const digits = ratio >= 0.1 ? 2 : ratio >= 0.01 ? 3 : 4;
  return `${ratio.toFixed(digits)} (1/${formatNumber(inverse)})`;
}

export function makeFigure({ name, mode, value, unit, baseline, better, notes = [] }) {
  return { name, ...(mode ? { mode } : {}), value, unit, baseline, ratio: value / baseline.value, better, notes };
}

/** The figure as printed lines: what was measured, then figure · baseline · ratio, then any notes. */
export function formatFigure(figure) {
  const lines = [
    `  ${figure.name}${figure.mode ? ` [${figure.mode}]` : ''}`,
    `      ${formatValue(figure.value, figure.unit)} · baseline ${formatValue(figure.baseline.value, figure.baseline.unit)}` +
      ` (${figure.baseline.name}) · ratio ${formatRatio(figure.ratio)}${figure.better ? `, ${figure.better} is better` : ''}`,
  ];
  for (const note of figure.notes ?? []) lines.push(`      ! ${note}`);
  return lines;
}
