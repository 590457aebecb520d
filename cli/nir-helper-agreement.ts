/**
 * A NIR graph's helper populations (the constant-drive sources the front end adds, `__nir_bias` and
 * `__nir_once`: compiler/frontends/nir/lower.ts "Constant drives") must fire in fixed point exactly as in
 * float, since every bias and v_leak drive of the model rides on their spikes. When the quantiser loses one
 * (audit s23a #1: `__nir_once` never fired), report.json `precision.agreementWithFloat` shows it, but only
 * there; this turns it into a warning on stderr and in the report's `nir.warnings`.
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { RunReport } from "../chip/report/run-report.ts";

/**
 * W_NIR_HELPER_FIXED_POINT for each non-input population that is not a NIR node's (a helper) and whose
 * fixed-point spikes are not its float spikes; [] for a float run.
 */
export function helperSourceWarnings(report: RunReport, nodePopulations: ReadonlySet<string>, file: string): Diagnostic[] {
  const agreement = report.precision?.agreementWithFloat ?? [];
  return agreement
    .filter((a) => !nodePopulations.has(a.population) && !(a.spikes === a.spikesFloat && a.shared === a.spikes))
    .map((a) => ({
      code: "W_NIR_HELPER_FIXED_POINT", severity: "warning", file,
      message: `helper population "${a.population}" (a constant-drive source the NIR front end adds) fires ${a.spikes} spikes in fixed point against ${a.spikesFloat} in float (${a.shared} the same): the biases and v_leak drives it carries are not the model's in this run`,
      hint: "compare with --precision float; this is a bug in aerchip's NIR lowering for this chip, please report it with the model",
    }));
}
