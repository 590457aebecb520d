/**
 * The learning-cost report's extra lines (learning-cost.ts): the cost of generating S-TLLR's learning
 * signal δ, and the extra work of the FO-STDGD optimizer. Neither is in the BPTT/rule columns or the
 * ratios; each is its own line and its own JSON field, and at the defaults (signal "none", optimizer
 * "sgd") the report is unchanged.
 *
 * Learning signal (papers.md §1.2 "Learning signal": δ^(l)[t] = ∂L(y^L[t], y*)/∂y^(l)[t] for t ≥ T_l,
 * "propagated across layers at the same t only (BP; grad_in = (Ψ·δ)·W) or by DFA (fixed random feedback
 * from the output)"; §1.2 "Optim": "the learning signal still needs a spatial backward pass (or DFA
 * matrices) — the emulator must model that cost separately"). Per learning step (T − T_l per sample):
 *   output error e     the output layers' N_out values (the readouts, or the last layer when none is
 *                      one); computing e from the loss is not counted (it depends on the loss)
 *   BP   MACs          Σ over layers l holding δ of the synapses arriving at l from other layers
 *                      (δ^(pre) += (Ψ·δ^(l))·W: one MAC per weight; recurrent and input synapses carry
 *                      no same-t δ); δ reaches a layer only through such synapses from a layer holding δ
 *        other ops     Ψ(u)·δ: one multiply per neuron of each spiking layer that passes δ on
 *   DFA  MACs          N_out · Σ_{l not output} N^(l)  (δ^(l) = B^(l)·e, B^(l) fixed random N^(l) × N_out)
 *        stored        the B matrices, N_out · Σ_{l not output} N^(l) values, once (not × batch)
 *   broadcast          one δ value delivered to every neuron holding δ: Σ N over those layers
 * × (T − T_l) steps × batch (each sample has its own δ). BPTT's own 2T·ΣN·F already counts its backward
 * signal (the second MAC per synapse per step), so the signal lines add to the rule only.
 *
 * FO-STDGD (papers.md §4): w(k+1) = w(k) − μ·(1/Γ(2−α))·∂L/∂w|(k−1)·|w(k) − w(k−1) + ε|^(1−α).
 * Per synapse (one weight each, as counted under the fan-in convention) per optimizer update, beyond the
 * plain SGD update w −= μ·g (1 MAC, not added):
 *   MACs       1: the product g·|…|^(1−α) (the final w −= c·(…) is SGD's own MAC)
 *   other ops  4: w(k) − w(k−1), + ε (2 additions), |·| (1), the power ^(1−α) (1; exp/log or a table)
 *   memory     1 previous weight w(k−1) per synapse (the optimizer-state line, K = 1)
 *   once       c = μ/Γ(2−α): α is fixed, so Γ(2−α) is one constant per training run (1 op, not per synapse)
 * Updates: one per batch (per sample at batch 1), as the authors' S-TLLR code's accumulate mode
 * (mapolinario94/S-TLLR @29c5755 utils/train.py: one optimizer.step() after the window; its online mode
 * would step T − T_l times). The update is the same for BPTT and the rule (both update every weight),
 * so it is in neither column nor the ratios.
 */
import { AerchipError } from "../../core/diagnostics.ts";

export type LearningSignal = "none" | "bp" | "dfa";
export const LEARNING_SIGNALS: readonly LearningSignal[] = ["none", "bp", "dfa"];
export type LearningOptimizer = "sgd" | "fo-stdgd";
export const LEARNING_OPTIMIZERS: readonly LearningOptimizer[] = ["sgd", "fo-stdgd"];

/** A layer as the signal sees it: its neurons, role, and the synapses arriving from other layers. */
export interface SignalLayer {
  readonly name: string;
  readonly neurons: number;
  readonly role?: "readout";
  /** Synapses arriving from each other (non-input) layer, recurrent ones excluded. */
  readonly feedForward: ReadonlyArray<{ readonly from: string; readonly synapses: number }>;
}

export interface SignalCost {
  readonly signal: "bp" | "dfa";
  /** The layers the output error e comes from, and its values per step (N_out). */
  readonly outputLayers: readonly string[];
  readonly errorValuesPerStep: number;
  /** Layers holding δ (every layer for DFA; those reached through feed-forward synapses for BP). */
  readonly layersWithSignal: readonly string[];
  readonly macsPerStep: number;
  /** BP: the Ψ·δ multiplies per step (0 for DFA). */
  readonly otherOpsPerStep: number;
  readonly broadcastValuesPerStep: number;
  /** Per sample (or batch): × (T − T_l) steps × batch. */
  readonly macs: number;
  readonly otherOps: number;
  readonly broadcastValues: number;
  /** DFA's fixed random feedback matrices (values, stored once); 0 for BP. */
  readonly feedbackWeights: number;
}

export interface OptimizerUpdateCost {
  readonly optimizer: "fo-stdgd";
  /** Optimizer updates per sample (or batch): 1, the accumulate mode. */
  readonly updates: number;
  readonly weights: number;
  readonly macsPerWeightUpdate: number;
  readonly otherOpsPerWeightUpdate: number;
  readonly macs: number;
  readonly otherOps: number;
  /** μ/Γ(2−α), computed once per training run. */
  readonly onceOps: number;
}

function bad(field: string, message: string, hint: string): never {
  throw new AerchipError("E_LEARNING_COST", `learning cost: ${field} ${message}`, { field, hint });
}

/** The signal cost for `layers` over `steps` learning steps and `batch` samples. */
export function signalCost(signal: "bp" | "dfa", layers: readonly SignalLayer[], steps: number, batch: number): SignalCost {
  const readouts = layers.filter((l) => l.role === "readout");
  // The error comes from the readouts; a network without one ends in its last layer.
  const outputs = readouts.length > 0 ? readouts : layers.slice(-1);
  const outputNames = new Set(outputs.map((l) => l.name));
  const nOut = outputs.reduce((a, l) => a + l.neurons, 0);
  let macsPerStep = 0;
  let otherOpsPerStep = 0;
  let holding: SignalLayer[];
  let feedbackWeights = 0;
  if (signal === "dfa") {
    holding = [...layers];
    const hidden = layers.filter((l) => !outputNames.has(l.name)).reduce((a, l) => a + l.neurons, 0);
    macsPerStep = nOut * hidden;
    feedbackWeights = nOut * hidden;
  } else {
    // δ flows from each layer holding it back along its feed-forward synapses; each layer's δ is formed once per step.
    const byName = new Map(layers.map((l) => [l.name, l]));
    const reached = new Set(outputNames);
    const queue = [...outputs];
    while (queue.length > 0) {
      const l = queue.shift()!;
      if (l.feedForward.length === 0) continue;
      for (const f of l.feedForward) {
        macsPerStep += f.synapses;
        const from = byName.get(f.from);
        if (from === undefined) bad("layers", `'${l.name}' has synapses from '${f.from}', which is no layer`, "name a layer of the list in feedForward");
        if (!reached.has(f.from)) { reached.add(f.from); queue.push(from); }
      }
      // (Ψ·δ) before the weights: a spiking layer's δ is scaled by Ψ(u); a readout passes δ as it is.
      if (l.role !== "readout") otherOpsPerStep += l.neurons;
    }
    holding = layers.filter((l) => reached.has(l.name));
  }
  const broadcastValuesPerStep = holding.reduce((a, l) => a + l.neurons, 0);
  const k = steps * batch;
  return {
    signal, outputLayers: outputs.map((l) => l.name), errorValuesPerStep: nOut, layersWithSignal: holding.map((l) => l.name),
    macsPerStep, otherOpsPerStep, broadcastValuesPerStep,
    macs: k * macsPerStep, otherOps: k * otherOpsPerStep, broadcastValues: k * broadcastValuesPerStep, feedbackWeights,
  };
}

/** FO-STDGD's extra work for `weights` weights, one update per sample or batch (see the header). */
export function foStdgdCost(weights: number): OptimizerUpdateCost {
  const updates = 1;
  return {
    optimizer: "fo-stdgd", updates, weights, macsPerWeightUpdate: 1, otherOpsPerWeightUpdate: 4,
    macs: updates * weights, otherOps: 4 * updates * weights, onceOps: 1,
  };
}

/** What signalLines reads of the report (learning-cost.ts LearningCostReport). */
interface ReportPart {
  readonly rule: { readonly name: string };
  readonly learningSteps: number;
  readonly batch?: number;
  readonly totals: { readonly macsBptt: number; readonly macsRule: number };
  readonly signal?: SignalCost;
  readonly optimizerUpdate?: OptimizerUpdateCost;
}

function list(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}

/** The report's lines for the signal and the optimizer's extra work (none at the defaults). */
export function signalLines(r: ReportPart, fmt: (v: number) => string): string[] {
  const lines: string[] = [];
  const per = `× ${r.learningSteps} learning step${r.learningSteps === 1 ? "" : "s"}${r.batch === undefined ? "" : ` × ${r.batch} samples`}`;
  const s = r.signal;
  if (s !== undefined) {
    const broadcast = `δ broadcast: ${fmt(s.broadcastValuesPerStep)} values per step ${per} = ${fmt(s.broadcastValues)} values`;
    if (s.signal === "dfa") {
      const hidden = s.feedbackWeights / Math.max(1, s.errorValuesPerStep);
      lines.push(
        `learning signal DFA (S-TLLR, arXiv 2306.15220: fixed random feedback from the output): δ = B·e from the ${fmt(s.errorValuesPerStep)} output errors of ${list(s.outputLayers)} to the ${fmt(hidden)} neurons of the other layers: ` +
          `${fmt(s.errorValuesPerStep)} × ${fmt(hidden)} = ${fmt(s.macsPerStep)} MACs per step ${per} = ${fmt(s.macs)} MACs; ${broadcast}; feedback matrices B: ${fmt(s.feedbackWeights)} values (stored once)`,
      );
    } else {
      lines.push(
        `learning signal BP (S-TLLR, arXiv 2306.15220: grad_in = (Ψ·δ)·W at the same t): δ back from ${list(s.outputLayers)} through the synapses between layers: ` +
          `${fmt(s.macsPerStep)} MACs per step ${per} = ${fmt(s.macs)} MACs; Ψ·δ: ${fmt(s.otherOpsPerStep)} multiplies per step ${per} = ${fmt(s.otherOps)} other ops; ${broadcast}`,
      );
    }
    const t = r.totals;
    const withSignal = t.macsRule + s.macs;
    lines.push(`MACs BPTT / (${r.rule.name} + learning signal) = ${fmt(t.macsBptt)} / ${fmt(withSignal)} = ${(t.macsBptt / withSignal).toFixed(3)} (BPTT's 2T·ΣN·F already counts its backward signal)`);
  }
  const o = r.optimizerUpdate;
  if (o !== undefined) {
    lines.push(
      `optimizer FO-STDGD (Yang et al., arXiv 2410.15293), ${o.updates} update per ${r.batch === undefined ? "sample" : "batch"}: ${fmt(o.weights)} weights × ${o.macsPerWeightUpdate} MAC (g·|w(k) − w(k−1) + ε|^(1−α)) = ${fmt(o.macs)} MACs ` +
        `and × ${o.otherOpsPerWeightUpdate} other ops (2 additions, |·|, the power ^(1−α)) = ${fmt(o.otherOps)} other ops, beyond SGD's 1 MAC per weight; μ/Γ(2−α) once per run (${o.onceOps} op); the same for BPTT and ${r.rule.name}, so in neither column`,
    );
  }
  return lines;
}

/** The convention lines for the signal and the optimizer (none at the defaults). */
export function signalConventionLines(s: SignalCost | undefined, o: OptimizerUpdateCost | undefined): string[] {
  const lines: string[] = [];
  if (s !== undefined) {
    lines.push(
      `learning signal (--signal ${s.signal}; S-TLLR, arXiv 2306.15220, learning signal): per learning step, from the output error e (the readouts' N_out values, or the last layer's when no layer is a readout; computing e from the loss is not counted); ` +
        (s.signal === "dfa"
          ? "DFA: δ^(l) = B^(l)·e for every other layer, MACs = N_out × their ΣN, B stored once (not × batch); "
          : "BP: δ passed back at the same t through the synapses between layers (not recurrent or input ones), MACs = those weights, one each; other ops = the Ψ(u)·δ multiplies of each spiking layer that passes δ on; pooling layers' backward is not counted; ") +
        "δ broadcast = one value per neuron holding δ; × T − T_l steps × batch; on its own line, not in the columns or the ratios.",
    );
  }
  if (o !== undefined) {
    lines.push(
      "optimizer (--optimizer fo-stdgd; FO-STDGD, Yang et al., arXiv 2410.15293: w(k+1) = w(k) − μ/Γ(2−α)·∂L/∂w|(k−1)·|w(k) − w(k−1) + ε|^(1−α)): per weight per update, beyond plain SGD's 1 MAC, 1 MAC (the product with |…|^(1−α)) and 4 other ops (2 additions, an absolute value, a power); " +
        "1 previous weight w(k−1) per weight kept (the optimizer-state line, K = 1 unless --optimizer-state-per-weight is given); μ/Γ(2−α) computed once per run (α is fixed); one update per batch, as the authors' S-TLLR code's accumulate mode (one optimizer.step() after the window; its online mode steps T − T_l times); on its own line, not in the columns or the ratios.",
    );
  }
  return lines;
}
