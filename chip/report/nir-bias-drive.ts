/**
 * The share of a NIR run's synaptic ops and dynamic energy that carries its constant drives (Affine/Conv
 * biases, LIF v_leak terms). With the NIR front end's default `bias: "source"` (`--nir-bias source`) a drive
 * is a synapse from a helper neuron that fires every tick (`__nir_bias`, and `__nir_once` at tick 0 only;
 * docs/nir.md "Constant drives"), so each biased neuron costs one synaptic op per tick; on a Loihi-class chip a
 * bias is a compartment field and costs none. A paper quoting the energy should know how much of it that is.
 *
 * Rebuilt from report.json alone (as chip/report/energy-terms.ts): the drive projections are the NIR
 * projections whose pre-synaptic population is a front-end helper (named `__…`, chip/report/metrics.ts) and
 * that come from no NIR node (`via` empty). Their energy is the synapse energy of their ops:
 *   E_drive = Σ_p synOps_p · (energySynOpPj(encoding_p) + (weightReadBits / synOps) · energyWeightReadPjPerBit)
 * (weightReadBits = synOps · weight bits on every core, chip/sim/derive-counters.ts). The helper neuron's own
 * update, spike and packets are left out (a few per tick), so the figure is a lower bound of the drive's cost.
 *   share of synaptic ops = Σ_p synOps_p / counters.synOps;  share of dynamic energy = E_drive / energyPj.dynamic
 */
import { isCountsOnly } from "./counts-only.ts";
import type { RunReport } from "./run-report.ts";

export interface NirBiasDrive {
  /** The drive projections (names as in perProjection). */
  readonly projections: readonly string[];
  readonly synOps: number;
  /** synOps / counters.synOps (0 when the run had no synaptic op). */
  readonly synOpsShare: number;
  /** Synapse energy of those ops (pJ); null in a counts-only report (--costs counts). */
  readonly energyPj: number | null;
  /** energyPj / totals.energyPj.dynamic; null when energy is not reported or the dynamic energy is 0. */
  readonly dynamicEnergyShare: number | null;
}

/** The constant drives' share of a NIR report; undefined for other reports and NIR runs without drive synapses. */
export function nirBiasDrive(r: RunReport): NirBiasDrive | undefined {
  if (r.nir === undefined) return undefined;
  const drive = r.nir.projections.filter((p) => p.pre.startsWith("__") && p.via.length === 0);
  if (drive.length === 0) return undefined;
  const ops = new Map(r.perProjection.map((p) => [p.name, p.synOps] as const));
  const cost = new Map(r.costs.map((c) => [c.key, c.value] as const));
  const c = r.totals.counters;
  const bitsPerOp = c.synOps > 0 ? c.weightReadBits / c.synOps : 0;
  let synOps = 0;
  let energyPj = 0;
  for (const p of drive) {
    const n = ops.get(p.projection) ?? 0;
    const perOp = cost.get(`synapseEncodings.${p.encoding}.energySynOpPj`) ?? cost.get("energySynOpPj") ?? 0;
    synOps += n;
    energyPj += n * (perOp + bitsPerOp * (cost.get("energyWeightReadPjPerBit") ?? 0));
  }
  const countsOnly = isCountsOnly(r);
  const dynamic = countsOnly ? 0 : r.totals.energyPj.dynamic;
  return {
    projections: drive.map((p) => p.projection),
    synOps,
    synOpsShare: c.synOps > 0 ? synOps / c.synOps : 0,
    energyPj: countsOnly ? null : energyPj,
    dynamicEnergyShare: countsOnly || !(dynamic > 0) ? null : energyPj / dynamic,
  };
}
