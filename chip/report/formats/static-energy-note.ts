/**
 * The sentence that says how a report's static energy was computed (chip/report/energy.ts):
 *
 *   static = (coresUsed · staticPowerPerCoreMw + staticPowerChipMw) · simulated time     (mW × ns = pJ)
 *
 * Only the cores the program uses are charged: the chip's other cores are taken as power-gated. That is a
 * modelling choice a reader comparing with a published whole-chip power needs to know, so the energy table
 * and the HTML energy figure print it with the run's numbers.
 */
import type { RunReport } from "../run-report.ts";
import { energyUnit, groupDigits, plainCell, timeUnit } from "./cells.ts";

const sig = (v: number): string => plainCell({ v, f: "sig" });
// The cited powers are printed as the cost table gives them (shortest form), the products with 4 digits.

export function staticEnergyNote(r: RunReport): string {
  const perCore = r.costs.find((c) => c.key === "staticPowerPerCoreMw")?.value;
  const chip = r.costs.find((c) => c.key === "staticPowerChipMw")?.value;
  if (perCore === undefined && chip === undefined) return "Static energy: this chip spec has no static power, so it is 0.";
  const t = r.totals.simulatedTimeNs;
  if (t === null) return "Static energy is 0: this chip spec does not model time, so there is no simulated time to multiply static power by.";
  const used = r.chip.coresUsed;
  const tu = timeUnit(t);
  const eu = energyUnit(r.totals.energyPj.static);
  const power = [
    ...(perCore === undefined ? [] : [`${perCore} mW × ${groupDigits(used, ",")} core${used === 1 ? "" : "s"} used`]),
    ...(chip === undefined ? [] : [`${chip} mW per chip`]),
  ].join(" + ");
  const gated = perCore === undefined
    ? ""
    : `; only the cores used are charged, the other ${groupDigits(r.chip.coresAvailable - used, ",")} of ${groupDigits(r.chip.coresAvailable, ",")} are taken as power-gated`;
  return `Static energy = ${chip === undefined ? power : `(${power})`} × ${sig(t / tu.scale)} ${tu.unit} simulated = ${sig(r.totals.energyPj.static / eu.scale)} ${eu.unit}${gated}.`;
}
