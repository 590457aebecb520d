/** Terminal formatting: aligned tables and engineering units (deterministic, locale-independent). */

export function fmtInt(x: number): string {
  const s = Math.round(x).toString();
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A mean of counts (per training sample, per inference): six significant digits, as fmtEnergyPj and
 * fmtTimeNs give the run summary's values, without trailing zeros and with the integer part grouped
 * (24.5 stays 24.5, not 25; 1234567.25 → "1,234,570"; a whole mean prints as an integer).
 */
export function fmtMean(x: number): string {
  const s = String(Number(x.toPrecision(6)));
  if (/e/i.test(s)) return s; // below 1e-6 or from 1e21: exponent notation, as is
  const [int, frac] = s.split(".");
  return frac === undefined ? fmtInt(Number(int)) : `${int.startsWith("-") ? "-" : ""}${fmtInt(Math.abs(Number(int)))}.${frac}`;
}

/**
 * Energy in pJ shown in the most readable unit (pJ, nJ, µJ, mJ, J), six significant digits; an exact zero
 * (e.g. the learning energy of a run without learning) as "0 pJ" rather than "0.00000 pJ".
 */
export function fmtEnergyPj(pj: number): string {
  return fmtScaled(pj, [[1e12, "J"], [1e9, "mJ"], [1e6, "µJ"], [1e3, "nJ"], [1, "pJ"]]);
}

/** A duration in ns in the most readable unit (ns, µs, ms, s), as fmtEnergyPj. */
export function fmtTimeNs(ns: number): string {
  return fmtScaled(ns, [[1e9, "s"], [1e6, "ms"], [1e3, "µs"], [1, "ns"]]);
}

/** x in the largest unit it reaches (units from the largest; the last is the base unit). */
function fmtScaled(x: number, units: ReadonlyArray<readonly [number, string]>): string {
  const base = units[units.length - 1][1];
  if (x === 0) return `0 ${base}`;
  for (const [scale, unit] of units) if (Math.abs(x) >= scale) return `${(x / scale).toPrecision(6)} ${unit}`;
  return `${x.toPrecision(6)} ${base}`;
}

/** Aligned columns; `align` gives "l" or "r" per column (default: first left, the rest right). */
export function table(rows: ReadonlyArray<readonly string[]>, header?: readonly string[], align?: string): string {
  const all = header === undefined ? rows : [header, ...rows];
  const widths: number[] = [];
  for (const r of all) r.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, [...cell].length); });
  const left = (i: number): boolean => (align === undefined ? i === 0 : align[i] === "l");
  const line = (r: readonly string[]): string => r.map((cell, i) => (left(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  const out = all.map(line);
  if (header !== undefined) out.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return out.join("\n");
}
