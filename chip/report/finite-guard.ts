/**
 * The last check before a run report leaves the simulator: every number in it is finite. JSON has no
 * Infinity or NaN (JSON.stringify writes null), so a report with one would be written, then rejected by
 * `aerchip report` and `aerchip rerun` (E_REPORT_INVALID). Spec validation bounds the costs
 * (chip/spec/validate.ts COST_VALUE_MAX), so this fires only for a product that still overflows.
 */
import { AerchipError } from "../../core/diagnostics.ts";

/** Path of the first non-finite number in `v` (depth first, in key order), or undefined. */
function firstNonFinite(v: unknown, path: string): { path: string; value: number } | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : { path, value: v };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      // Long per-tick columns are plain numbers: test them without a call per element.
      if (typeof x === "number") { if (!Number.isFinite(x)) return { path: `${path}[${i}]`, value: x }; continue; }
      const r = firstNonFinite(x, `${path}[${i}]`);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const r = firstNonFinite(x, path === "" ? k : `${path}.${k}`);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Returns `report` unchanged, or throws E_REPORT_NOT_FINITE naming the first non-finite field. */
export function assertReportFinite<T>(report: T, chipName: string): T {
  const bad = firstNonFinite(report, "");
  if (bad !== undefined) {
    throw new AerchipError("E_REPORT_NOT_FINITE", `the run report's ${bad.path} is ${bad.value} on chip "${chipName}"; a report holds finite numbers only`, {
      field: bad.path, hint: "lower the chip spec's costs (per-operation energies and latencies, static power) or the run's length so the totals stay finite",
    });
  }
  return report;
}
