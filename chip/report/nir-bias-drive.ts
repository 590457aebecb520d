/**
 * The share of a NIR run's synaptic ops and dynamic energy that carries its constant drives (Affine/Conv
 * biases, LIF v_leak terms). With the NIR front end's default `bias: "source"` (`--nir-bias source`) a drive
 * is a synapse from a helper neuron that fires every tick (`__nir_bias`, and `__nir_once` at tick 0 only; staged
 * `__nir_bias_from_<s>` on chips with short delays, one `__nir_bias_delay_<d>` per further delay on chips with one
 * delay per neuron output; docs/nir.md "Constant drives"), so each biased neuron costs one synaptic op per tick; on a Loihi-class chip a
 * bias is a compartment field and costs none. A paper quoting the energy should know how much of it that is.
 *
 * Rebuilt from report.json alone (as chip/report/energy-terms.ts): the drive projections are the NIR
 * projections whose pre-synaptic population is a front-end helper (named `__…`, chip/report/metrics.ts) and
 * that come from no NIR node (`via` empty). Their energy is the synapse energy of their ops:
 *   E_drive = Σ_p synOps_p · (energySynOpPj(encoding_p) + (weightReadBits / synOps) · energyWeightReadPjPerBit)
 * (weightReadBits = synOps · weight bits on every core, chip/sim/derive-counters.ts). The helper neuron's own
 * update, spike and packets are left out (a few per tick), so the figure is a lower bound of the drive's cost.
 *   share of synaptic ops = Σ_p synOps_p / counters.synOps;  share of dynamic energy = E_drive / energyPj.dynamic
 * On a spec billing energySynOpPj on connected synapses (totals.synOpsBilledOn "connected", TrueNorth) the energy
 * bills each drive projection's events on non-zero weights, perProjection[p].connectedSynOps (connected-synapses.ts),
 * as the synapse energy itself does, so E_drive is a term of energyPj.synapse by construction:
 *   E_drive = Σ_p (connectedSynOps_p · energySynOpPj(encoding_p) + synOps_p · (weightReadBits / synOps) · energyWeightReadPjPerBit)
 * (a report without those counts, written before they were, gets no energy share rather than one on every entry).
 * On a compute-in-memory chip (totals.crossbar) the synapse energy is crossbar reads: per core and tick a fixed
 * read cost and one ADC conversion per column, paid once for all the rows active in that read, plus a cost per
 * active row (chip/report/crossbar.ts). A read the helper's row shares with model rows has no share of it that
 * belongs to the helper, so the drive's energy is not modelled there: energyPj and dynamicEnergyShare are null,
 * with energyNotModelled saying why, rather than a 0 from energySynOpPj, which such chips do not have.
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
  /**
   * Why energyPj is null in a report that has energy: "compute-in-memory" (the synapse energy is crossbar reads,
   * shared by the rows of a read) or "no-connected-counts" (connected billing, but perProjection has no
   * connectedSynOps: a report.json from before they were written). Absent otherwise (counts-only: no energy at all).
   */
  readonly energyNotModelled?: "compute-in-memory" | "no-connected-counts";
}

/** The constant drives' share of a NIR report; undefined for other reports and NIR runs without drive synapses. */
export function nirBiasDrive(r: RunReport): NirBiasDrive | undefined {
  if (r.nir === undefined) return undefined;
  const drive = r.nir.projections.filter((p) => p.pre.startsWith("__") && p.via.length === 0);
  if (drive.length === 0) return undefined;
  const byName = new Map(r.perProjection.map((p) => [p.name, p] as const));
  const cost = new Map(r.costs.map((c) => [c.key, c.value] as const));
  const c = r.totals.counters;
  const bitsPerOp = c.synOps > 0 ? c.weightReadBits / c.synOps : 0;
  const connected = r.totals.synOpsBilledOn === "connected";
  let synOps = 0;
  let energyPj = 0;
  let missingConnected = false;
  for (const p of drive) {
    const row = byName.get(p.projection);
    const n = row?.synOps ?? 0;
    // The count energySynOpPj multiplies: every entry, or on connected billing the events on non-zero weights.
    const billed = connected ? row?.connectedSynOps : n;
    if (billed === undefined) missingConnected = n > 0 || missingConnected;
    const perOp = cost.get(`synapseEncodings.${p.encoding}.energySynOpPj`) ?? cost.get("energySynOpPj") ?? 0;
    synOps += n;
    energyPj += (billed ?? 0) * perOp + n * bitsPerOp * (cost.get("energyWeightReadPjPerBit") ?? 0);
  }
  const countsOnly = isCountsOnly(r);
  const notModelled = countsOnly ? undefined : r.totals.crossbar !== undefined ? "compute-in-memory" as const : missingConnected ? "no-connected-counts" as const : undefined;
  const known = !countsOnly && notModelled === undefined;
  const dynamic = known ? r.totals.energyPj.dynamic : 0;
  return {
    projections: drive.map((p) => p.projection),
    synOps,
    synOpsShare: c.synOps > 0 ? synOps / c.synOps : 0,
    energyPj: known ? energyPj : null,
    dynamicEnergyShare: known && dynamic > 0 ? energyPj / dynamic : null,
    ...(notModelled === undefined ? {} : { energyNotModelled: notModelled }),
  };
}

/**
 * What a summary adds, after saying what the drives are, when the report has energy but the drive's share of it
 * is not known (NirBiasDrive.energyNotModelled); "" otherwise (counts-only reports say nothing of energy).
 */
export function driveEnergyNotModelledText(d: NirBiasDrive): string {
  if (d.energyNotModelled === "compute-in-memory") {
    return "; their share of the dynamic energy is not modelled on compute-in-memory chips (the synapse energy is crossbar reads, each paid once for all the rows active in a core's tick)";
  }
  if (d.energyNotModelled === "no-connected-counts") {
    return "; their share of the dynamic energy is not known (the chip bills connected synapses and this report.json has no per-projection connectedSynOps; run the model again)";
  }
  return "";
}
