/**
 * The cells, tables and number formatting every report renderer shares (deterministic, locale-independent).
 * Kept apart from tables.ts, which builds the tables, so the table builders in other files can use them
 * without importing tables.ts back.
 */

/** int: grouped digits; sig: 4 significant digits; pct: ×100 with one decimal and a % sign. */
export type NumberFormat = "int" | "sig" | "pct";
export type Cell = string | null | { readonly v: number; readonly f: NumberFormat };

export interface Column {
  readonly header: string;
  readonly align: "l" | "r";
}

export interface ReportTable {
  /** Stable identifier (LaTeX label `tab:aerchip-<id>`, HTML id). */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** A sentence under the table (what was left out, definitions). */
  readonly note?: string;
}

/** What a time or power cell says when the chip has no latency model (time basis "not-modelled"): unknown, not 0. */
export const NOT_MODELLED = "not modelled";

/** One unit for a whole column: the largest power of 1000 not above the column's largest magnitude. */
export function energyUnit(maxPj: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[1e12, "J"], [1e9, "mJ"], [1e6, "µJ"], [1e3, "nJ"]];
  for (const [scale, unit] of units) if (Math.abs(maxPj) >= scale) return { unit, scale };
  return { unit: "pJ", scale: 1 };
}

export function timeUnit(maxNs: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[1e9, "s"], [1e6, "ms"], [1e3, "µs"]];
  for (const [scale, unit] of units) if (Math.abs(maxNs) >= scale) return { unit, scale };
  return { unit: "ns", scale: 1 };
}

export function bytesUnit(maxBytes: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];
  for (const [scale, unit] of units) if (Math.abs(maxBytes) >= scale) return { unit, scale };
  return { unit: "B", scale: 1 };
}

// ---------------------------------------------------------------------------------------------
// Number formatting shared by the renderers (deterministic, locale-independent).

export function groupDigits(x: number, sep: string): string {
  const neg = x < 0;
  const s = Math.round(Math.abs(x)).toString();
  return (neg ? "-" : "") + s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Largest value of a list (0 when empty), without spreading it into arguments (lists may be long). */
export function maxOf(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  return m;
}

/** A cell as plain text (no escaping): grouped integers, 4 significant digits, percentages, – for null. */
export function plainCell(c: Cell): string {
  if (c === null) return "–";
  if (typeof c === "string") return c;
  if (c.f === "int") return groupDigits(c.v, ",");
  if (c.f === "pct") return `${(c.v * 100).toFixed(1)}%`;
  const s = sigDigits(c.v);
  return s.exponent === null ? s.mantissa : `${s.mantissa}e${s.exponent}`;
}

/** 4 significant digits (JavaScript's toPrecision: exponent form from 1e4 up and below 1e-6). */
export function sigDigits(x: number): { mantissa: string; exponent: number | null } {
  if (x === 0) return { mantissa: "0", exponent: null };
  const s = x.toPrecision(4);
  const k = s.indexOf("e");
  if (k < 0) return { mantissa: s, exponent: null };
  return { mantissa: s.slice(0, k), exponent: Number(s.slice(k + 1)) };
}
