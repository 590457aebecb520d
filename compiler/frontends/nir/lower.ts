/**
 * Typed NIR graph → ModelGraph (compiler/ir/types.ts).
 *
 * Populations: every Input node (kind "input"), every neuron node (IF, LIF, CubaLIF, Threshold
 * spiking; LI, I, CubaLI non-spiking readouts), and a non-spiking readout (v = x each step) for an
 * Output fed by a linear node. Everything between populations (Affine, Linear, Scale, Conv,
 * pooling, Flatten, Delay, pass-throughs; several edges summed) is composed into synapse lists
 * (linear-map.ts, ops.ts) and scaled by the target's input gain (neurons.ts).
 *
 * Time. In NIR a feed-forward edge carries its value within the step; on the chip a synapse delays
 * by d ≥ 1 ticks. Each population P therefore gets a latency L_P (ticks): NIR step t of P happens at
 * chip tick t + L_P (inputs: L = 0). A synapse whose path adds `lag` steps (Delay nodes, +1 for a
 * cycle edge) from S to P gets delay d = L_P − L_S + lag, and the latencies are the smallest with
 * d ≥ 1 everywhere (longest path). A self-recurrent loop (lif → w_rec → lif) gets d = 1 exactly;
 * a cycle through two or more populations without a Delay cannot meet d ≥ 1 and is refused unless
 * `lenient` (then its back synapses get d = 1: one step later than NIR).
 *
 * Constant drives (Affine/Conv biases, k·v_leak) must start at NIR step 0, i.e. chip tick L_P. With
 * `bias: "source"` (default) they come from a one-neuron population `__nir_bias` that fires every
 * tick from tick 0, through synapses of delay L_P + start; a drive c into v of a two-state (Cuba)
 * compartment is split into c·(1−currentDecay) from that source plus c·currentDecay once at step 0
 * from `__nir_once` (fires at tick 0 only), because u filters its input. Where L_P + start exceeds the
 * chip's `maxDelayTicks` (option; e.g. 1 on odin), an every-tick drive comes instead from a source that
 * starts firing at tick s = L_P + start − maxDelayTicks (`__nir_bias_from_<s>`), with delay maxDelayTicks,
 * so that drive too first arrives at tick L_P + start. On a chip that keeps one delay per neuron output
 * (`delayPerSynapse` false: truenorth) each distinct delay L_P + start of the sources firing from tick 0 gets its
 * own source neuron (`__nir_bias`, `__nir_bias_delay_<d>`; `__nir_once`, `__nir_once_delay_<d>`), so that every
 * source sends with one delay. With `bias: "compartment"`
 * drives starting at step 0 go to the compartment's `bias`, which is exact only if the chip keeps a
 * population frozen until tick L_P (reported in `startTicks`); no chip model does, so that is inexact
 * (W_NIR_NEEDS_START_TICK) and library-only.
 */
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import { nirResetProjectionName } from "./reset-synapse.ts";
import { ResetMode, ThresholdOp } from "../../../chip/program/types.ts";
import type { ModelGraph, NeuronParamsIR, PopulationIR, ProjectionIR, UnfoldedLinearIR } from "../../ir/types.ts";
import { flattenNir, type FlatGraph } from "./graph.ts";
import { inferShapes, shapeSize, type NodeShape } from "./infer-shapes.ts";
import { applyOp, coalesceConstants, delaySignal, sourceSignal, sumSignals, TERM_CONV, TERM_DENSE, type Signal, type SignalTerm } from "./linear-map.ts";
import { lowerNeuron, type LoweredNeuron } from "./neurons.ts";
import { convOp, delayOp, denseOp, poolOp, scaleOp } from "./ops.ts";
import type { ResolvedNirOptions } from "./options.ts";
import { isNeuronNode, NIR_NON_SPIKING_TYPES, type NirDocument, type NirNode } from "./types.ts";

/** A population made from a NIR node. */
export interface NirPopulationInfo {
  /** NIR node name (dotted for flattened subgraphs). */
  readonly node: string;
  /** NIR node type; "Output" for a readout made for an Output node. */
  readonly type: string;
  readonly population: string;
  readonly shape: readonly number[];
  readonly spiking: boolean;
  /** NIR step t of this node happens at chip tick t + latencyTicks. */
  readonly latencyTicks: number;
}

export interface NirOutputInfo extends NirPopulationInfo {
  /** The Output node's name. */
  readonly output: string;
}

export interface NirProjectionInfo {
  readonly projection: string;
  readonly pre: string;
  readonly post: string;
  /** Weighted NIR nodes the synapses come from (empty for a direct edge or a bias). */
  readonly via: readonly string[];
  /** Weights the NIR nodes store (kernel sizes for Conv), vs `synapses` the chip list holds. */
  readonly modelWeights: number;
  readonly synapses: number;
  readonly encoding: string;
}

export interface NirLowering {
  readonly graph: ModelGraph;
  readonly inputs: readonly NirPopulationInfo[];
  readonly outputs: readonly NirOutputInfo[];
  /** Every population made from a NIR node (Inputs, neurons, readouts), in graph order. */
  readonly nodes: readonly NirPopulationInfo[];
  readonly projections: readonly NirProjectionInfo[];
  /** Largest latency: simulate T + extraTicks ticks to see T NIR steps everywhere. */
  readonly extraTicks: number;
  /**
   * Populations that are exact only if the chip keeps them frozen (no decay, no bias, no input, no
   * spike) on ticks < startTick: compartment biases (`bias: "compartment"`) and populations that
   * fire at rest. Empty for most models with the default options.
   */
  readonly startTicks: ReadonlyMap<string, number>;
}

const BIAS_POPULATION = "__nir_bias";
const ONCE_POPULATION = "__nir_once";
const MAX_DELAY_TICKS = 65535;

interface PendingProjection {
  readonly pre: string;
  readonly post: string;
  readonly term: SignalTerm;
  /** Weight of each entry after the post gain. */
  readonly weight: Float64Array;
}

/** A constant drive onto one neuron, present from NIR step `start` on. */
interface ConstDrive {
  readonly post: string;
  readonly index: number;
  readonly start: number;
  readonly value: number;
  /** true: the drive enters v directly (k·v_leak); false: it enters with the synaptic input I. */
  readonly intoV: boolean;
}

/** A constant-source synapse: from `__nir_bias` (every tick) or `__nir_once` (tick 0 only). */
interface ConstSynapse {
  readonly post: string;
  readonly index: number;
  readonly start: number;
  readonly value: number;
  readonly once: boolean;
}

/**
 * A constant-drive source neuron (v ← voltageDecay·v + u + bias, fire iff v > vThreshold, then v ← vReset;
 * chip/program/types.ts). No leak (voltageDecay 1), so chips with an additive leak (odin, truenorth) hold it in
 * fixed point, and every value is of order firstTick, so the quantiser keeps the bias of 1 (chosen from
 * |vThreshold|, |vReset|, |vInit|, |bias|: compiler/passes/quantise.ts; a huge |vReset| had rounded it to 0).
 *  - every tick from `firstTick` on (`__nir_bias` with firstTick 0, `__nir_bias_from_<s>` with s > 0): bias 1,
 *    v(0) = 0 before the update, so v = t + 1 at tick t; it fires first at tick firstTick (v > firstTick + 0.5)
 *    and resets to firstTick, so v = firstTick + 1 again on the next tick: it fires every tick;
 *  - `once` (`__nir_once`, firstTick 0): vInit 1, bias 0: v = 1 at tick 0 (fires), then 0 for ever.
 */
function constSourceParams(firstTick: number, once: boolean): NeuronParamsIR {
  return {
    voltageDecay: Float64Array.of(1), currentDecay: Float64Array.of(0), inputGain: Float64Array.of(1),
    bias: Float64Array.of(once ? 0 : 1), vThreshold: Float64Array.of(firstTick + 0.5), vReset: Float64Array.of(firstTick), vInit: Float64Array.of(once ? 1 : 0),
    resetMode: Uint8Array.of(ResetMode.zero), thresholdOp: Uint8Array.of(ThresholdOp.gt), refractoryTicks: Uint32Array.of(0),
  };
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function lowerNir(doc: NirDocument, opts: ResolvedNirOptions, warnings: Diagnostic[]): NirLowering {
  const file = doc.file;
  const flat: FlatGraph = flattenNir(doc, warnings);
  const shapes = inferShapes(flat, opts.lenient, warnings);
  if (flat.inputs.length === 0) {
    throw new AerchipError("E_NIR_NO_INPUT", "the graph has no Input node", { file, field: "node/nodes", hint: "add an Input node that declares the input shape" });
  }
  const nodeOf = (name: string): NirNode => flat.nodes.get(name)!;
  const shapeOf = (name: string): NodeShape => shapes.get(name)!;
  const sizeIn = (name: string): number => {
    const s = shapeOf(name);
    return shapeSize(s.input ?? s.output);
  };

  // ---- signals ---------------------------------------------------------------------------------
  const outMemo = new Map<string, Signal>();
  const unfolded = new Map<string, UnfoldedLinearIR>();
  const inProgress = new Set<string>();
  const isSource = (n: NirNode): boolean => n.type === "Input" || isNeuronNode(n);

  const inSignal = (name: string): Signal => {
    const parts: Signal[] = [];
    for (const ei of flat.inEdges.get(name)!) {
      const e = flat.edges[ei];
      const s = outSignal(e.src);
      if (!e.back) parts.push(s);
      else {
        // A cycle edge carries the previous step: terms lag one step; the constants (a recurrent
        // Affine's bias) lag too under nirtorch's convention, not under snnTorch's.
        const shifted = delaySignal(s, 1);
        parts.push(opts.recurrentBias === "snntorch" ? { ...shifted, constants: s.constants } : shifted);
      }
    }
    return sumSignals(sizeIn(name), parts);
  };

  const outSignal = (name: string): Signal => {
    const memo = outMemo.get(name);
    if (memo !== undefined) return memo;
    const n = nodeOf(name);
    if (isSource(n)) {
      const s = sourceSignal(name, shapeSize(shapeOf(name).output));
      outMemo.set(name, s);
      return s;
    }
    if (inProgress.has(name)) {
      throw new AerchipError("E_NIR_ALGEBRAIC_LOOP", `node "${name}" (${n.type}) is on a cycle that contains no neuron node`, {
        file, field: n.path, hint: "a cycle must pass through a neuron (LIF, IF, …); a loop of linear nodes has no defined value",
      });
    }
    inProgress.add(name);
    const sIn = inSignal(name);
    const sh = shapeOf(name);
    const inShape = sh.input ?? sh.output;
    let s: Signal;
    switch (n.type) {
      case "Affine":
      case "Linear":
      case "Conv1d":
      case "Conv2d": {
        const op = n.type === "Affine" || n.type === "Linear" ? denseOp(n, inShape, file) : convOp(n, inShape, sh.output, file);
        // The node's own counts, before the pools around it are folded in (ProjectionIR.unfolded):
        // weight uses = output size × weights per output (weight is [out, …]: its size ÷ its first dimension).
        unfolded.set(name, { node: name, synapses: op.out.length, weightUses: shapeSize(sh.output) * (n.weight.data.length / n.weight.shape[0]) });
        s = applyOp(op, sIn, name);
        break;
      }
      case "SumPool2d":
      case "AvgPool2d":
        s = applyOp(poolOp(n, inShape, sh.output, file), sIn, name);
        break;
      case "Scale":
        s = applyOp(scaleOp(n, shapeSize(sh.output)), sIn, name);
        break;
      case "Delay": {
        const d = delayOp(n, shapeSize(sh.output), opts.dtSeconds, file);
        if (d.rounding.maxErrorSteps > 1e-3) {
          warnings.push({
            code: "W_NIR_DELAY_ROUNDED", severity: "warning", file, field: `${n.path}/delay`,
            message: `node "${name}" (Delay): delays are not whole steps of dt = ${opts.dtSeconds} s (off by up to ${d.rounding.maxErrorSteps.toPrecision(3)} steps); rounded to the nearest step`,
            hint: "choose dt so that the delays are multiples of it",
          });
        }
        s = applyOp(d.op, sIn, name);
        break;
      }
      default:
        // Flatten, Identity, Output: flat indices unchanged.
        s = { ...sIn, size: shapeSize(sh.output) };
    }
    inProgress.delete(name);
    outMemo.set(name, s);
    return s;
  };

  // ---- populations -----------------------------------------------------------------------------
  const populations: PopulationIR[] = [];
  const taken = new Set<string>(flat.nodes.keys());
  const infos: NirPopulationInfo[] = [];
  const lowered = new Map<string, LoweredNeuron>();
  const pending: PendingProjection[] = [];
  const constants: ConstDrive[] = [];
  const popKind = new Map<string, "input" | "neuron">();
  const nonSpiking = new Set<string>();

  const addProjections = (post: string, signal: Signal, gain: Float64Array | null): void => {
    for (const t of signal.terms) {
      if (nonSpiking.has(t.source)) {
        throw new AerchipError("E_NIR_UNSUPPORTED", `node "${t.source}" (${nodeOf(t.source).type}) outputs its membrane value, and that value feeds "${post}"; the chip carries only spikes between neurons`, {
          file, field: nodeOf(t.source).path, hint: "non-spiking nodes (LI, I, CubaLI) can only be read out (connected to Output)",
        });
      }
      const w = new Float64Array(t.w.length);
      for (let e = 0; e < w.length; e++) w[e] = gain === null ? t.w[e] : gain[t.out[e]] * t.w[e];
      pending.push({ pre: t.source, post, term: t, weight: w });
    }
  };

  for (const name of flat.order) {
    const n = nodeOf(name);
    if (n.type === "Input") {
      const shape = shapeOf(name).output;
      populations.push({ name, kind: "input", size: shapeSize(shape), shape, spiking: true });
      popKind.set(name, "input");
      infos.push({ node: name, type: "Input", population: name, shape, spiking: true, latencyTicks: 0 });
    } else if (isNeuronNode(n)) {
      const shape = shapeOf(name).output;
      const size = shapeSize(shape);
      const low = lowerNeuron(n, size, opts, file, warnings);
      lowered.set(name, low);
      if (!low.spiking) nonSpiking.add(name);
      populations.push({ name, kind: "neuron", size, shape, spiking: low.spiking, params: low.params });
      popKind.set(name, "neuron");
      infos.push({ node: name, type: n.type, population: name, shape, spiking: low.spiking, latencyTicks: 0 });
    }
  }
  // Synapses into neuron populations (after all populations exist, so cycle sources are known).
  for (const name of flat.order) {
    const low = lowered.get(name);
    if (low === undefined) continue;
    const sig = inSignal(name);
    addProjections(name, sig, low.gain);
    const c = coalesceConstants(sig.constants, sig.size);
    for (let e = 0; e < c.out.length; e++) {
      const j = c.out[e];
      const v = low.gain[j] * c.value[e];
      if (v !== 0) constants.push({ post: name, index: j, start: c.start[e], value: v, intoV: false });
    }
    for (let j = 0; j < low.vConst.length; j++) {
      if (low.vConst[j] !== 0) constants.push({ post: name, index: j, start: 0, value: low.vConst[j], intoV: true });
    }
  }

  // Outputs: aliases of populations, or readouts of linear signals.
  const outputs: NirOutputInfo[] = [];
  for (const oname of flat.outputs) {
    const ins = flat.inEdges.get(oname)!;
    if (ins.length === 0) {
      warnings.push({ code: "W_NIR_OUTPUT_UNCONNECTED", severity: "warning", file, field: nodeOf(oname).path, message: `Output node "${oname}" has no incoming edge`, hint: "connect it or remove it" });
      continue;
    }
    // Follow pass-throughs back to a population.
    let cur = oname;
    for (;;) {
      const e = flat.inEdges.get(cur)!;
      if (e.length !== 1 || flat.edges[e[0]].back) break;
      const src = flat.edges[e[0]].src;
      const sn = nodeOf(src);
      cur = src;
      if (sn.type !== "Identity" && sn.type !== "Flatten") break;
    }
    const target = infos.find((i) => i.node === cur);
    if (target !== undefined && cur !== oname) {
      outputs.push({ ...target, output: oname });
      continue;
    }
    // The Output node itself is no population, so its name is free unless another population has it.
    const pop = uniqueName(oname, new Set([...[...taken].filter((t) => t !== oname), ...populations.map((p) => p.name)]));
    taken.add(pop);
    const shape = shapeOf(oname).output;
    const size = shapeSize(shape);
    const params: NeuronParamsIR = {
      voltageDecay: new Float64Array(size), currentDecay: new Float64Array(size), inputGain: new Float64Array(size).fill(1),
      bias: new Float64Array(size), vThreshold: new Float64Array(size), vReset: new Float64Array(size), vInit: new Float64Array(size),
      resetMode: new Uint8Array(size).fill(ResetMode.none), thresholdOp: new Uint8Array(size).fill(ThresholdOp.gt), refractoryTicks: new Uint32Array(size),
    };
    populations.push({ name: pop, kind: "neuron", size, shape, spiking: false, params });
    popKind.set(pop, "neuron");
    nonSpiking.add(pop);
    const sig = inSignal(oname);
    addProjections(pop, sig, null);
    const c = coalesceConstants(sig.constants, sig.size);
    for (let e = 0; e < c.out.length; e++) if (c.value[e] !== 0) constants.push({ post: pop, index: c.out[e], start: c.start[e], value: c.value[e], intoV: false });
    const info: NirPopulationInfo = { node: oname, type: "Output", population: pop, shape, spiking: false, latencyTicks: 0 };
    infos.push(info);
    outputs.push({ ...info, output: oname });
  }

  // ---- latencies -------------------------------------------------------------------------------
  const popNames = populations.map((p) => p.name);
  const latency = new Map<string, number>(popNames.map((p) => [p, popKind.get(p) === "input" ? 0 : 1]));
  const minLag = (t: SignalTerm): number => {
    let m = Infinity;
    for (let e = 0; e < t.lag.length; e++) if (t.lag[e] < m) m = t.lag[e];
    return m === Infinity ? 0 : m;
  };
  const constraints = pending.filter((p) => p.term.out.length > 0).map((p) => ({ pre: p.pre, post: p.post, lag: minLag(p.term) }));
  const relax = (cs: typeof constraints): boolean => {
    for (let round = 0; round <= popNames.length + 1; round++) {
      let changed = false;
      for (const c of cs) {
        const need = latency.get(c.pre)! + 1 - c.lag;
        if (need > latency.get(c.post)!) {
          latency.set(c.post, need);
          changed = true;
        }
      }
      if (!changed) return true;
    }
    return false;
  };
  if (!relax(constraints)) {
    const cyc = constraints.filter((c) => c.lag > 0).map((c) => `${c.pre} → ${c.post}`);
    if (!opts.lenient) {
      throw new AerchipError("E_NIR_CYCLE_LATENCY", `a cycle through several populations (${cyc.join(", ")}) needs a same-step path the chip cannot give: every synapse delays by at least one tick`, {
        file, hint: "add a Delay node on the cycle, or load with lenient: true to let the cycle act one step later than NIR",
      });
    }
    warnings.push({
      code: "W_NIR_CYCLE_LATENCY", severity: "warning", file,
      message: `a cycle through several populations (${cyc.join(", ")}) acts one or more steps later than in NIR: every synapse delays by at least one tick`,
      hint: "add a Delay node on the cycle to make the timing explicit",
    });
    for (const p of popNames) latency.set(p, popKind.get(p) === "input" ? 0 : 1);
    relax(constraints.filter((c) => c.lag === 0));
  }

  // ---- projections -----------------------------------------------------------------------------
  const projections: ProjectionIR[] = [];
  const projInfos: NirProjectionInfo[] = [];
  const sizeOf = new Map(populations.map((p) => [p.name, p.size]));
  let clamped = 0;
  for (const p of pending) {
    const t = p.term;
    const n = t.out.length;
    if (n === 0) continue;
    const delayTicks = new Uint16Array(n);
    const base = latency.get(p.post)! - latency.get(p.pre)!;
    for (let e = 0; e < n; e++) {
      let d = base + t.lag[e];
      if (d < 1) {
        d = 1;
        clamped++;
      }
      if (d > MAX_DELAY_TICKS) {
        throw new AerchipError("E_NIR_DELAY_RANGE", `synapses ${p.pre} → ${p.post} need a delay of ${d} ticks; at most ${MAX_DELAY_TICKS} are supported`, { file, hint: "shorten the Delay nodes or use a larger dt" });
      }
      delayTicks[e] = d;
    }
    const dense = (t.flags & TERM_DENSE) !== 0 && (t.flags & TERM_CONV) === 0 && n === sizeOf.get(p.pre)! * sizeOf.get(p.post)!;
    const encoding = (t.flags & TERM_CONV) !== 0 ? "conv" : dense ? "dense" : "sparse";
    const name = uniqueName(`${p.pre}->${p.post}`, new Set(projections.map((q) => q.name)));
    // Exactly one weighted node on the path: its own counts, for learning-cost (a pool is then no weight of it).
    const only = t.via.size === 1 ? unfolded.get([...t.via][0]) : undefined;
    projections.push({ name, pre: p.pre, post: p.post, encoding, preIndex: t.src, postIndex: t.out, weight: p.weight, delayTicks, ...(only !== undefined ? { unfolded: only } : {}) });
    projInfos.push({ projection: name, pre: p.pre, post: p.post, via: [...t.via], modelWeights: t.modelWeights, synapses: n, encoding });
  }
  // Reset "snntorch-subtract": snnTorch takes θ off v in the step after a spike, undecayed
  // (U[t+1] = βU[t] + I[t+1] − θ·S[t]). The compartment does not reset; a self-synapse of −θ with delay 1
  // puts −θ into u at step t+1, and so into v. With currentDecay cd ≠ 0 (Cuba) u would carry −θ·cd^k into
  // the later steps too: +cd·θ with delay 2 cancels it (u[t+2] gets cd·(−θ) + cd·θ = 0), so v sees −θ once.
  // Neurons with β = 1 (IF) have resetInput 0 and the compartment's subtract reset instead (neurons.ts).
  for (const [name, low] of lowered) {
    const th = low.resetInput;
    if (th === undefined) continue;
    const cd = low.params.currentDecay;
    const post: number[] = [];
    const weight: number[] = [];
    const delay: number[] = [];
    for (let j = 0; j < th.length; j++) {
      if (th[j] === 0) continue;
      post.push(j); weight.push(-th[j]); delay.push(1);
      if (cd[j] !== 0) { post.push(j); weight.push(cd[j] * th[j]); delay.push(2); }
    }
    if (post.length === 0) continue;
    // Named with the front-end helper prefix "__" (chip/report/metrics.ts): the chip's reset, not a model synapse.
    const pname = uniqueName(nirResetProjectionName(name), new Set(projections.map((q) => q.name)));
    projections.push({ name: pname, pre: name, post: name, encoding: "sparse", preIndex: Uint32Array.from(post), postIndex: Uint32Array.from(post), weight: Float64Array.from(weight), delayTicks: Uint16Array.from(delay) });
    projInfos.push({ projection: pname, pre: name, post: name, via: [], modelWeights: 0, synapses: post.length, encoding: "sparse" });
  }
  if (clamped > 0) {
    warnings.push({ code: "W_NIR_CYCLE_LATENCY", severity: "warning", file, message: `${clamped} synapses on cycles were given delay 1 instead of their NIR timing`, hint: "add Delay nodes on cycles through several populations" });
  }

  // ---- constant drives -------------------------------------------------------------------------
  const startTicks = new Map<string, number>();
  const viaSource: ConstSynapse[] = [];
  const popByName = new Map(populations.map((p) => [p.name, p]));
  for (const c of constants) {
    const params = popByName.get(c.post)!.params!;
    const cd = params.currentDecay[c.index];
    // Into the compartment bias when asked, for a drive from step 0 that enters v: any drive of a
    // plain compartment (u = I there), or the k_m·v_leak drive of a Cuba compartment.
    if (opts.bias === "compartment" && c.start === 0 && (cd === 0 || c.intoV)) {
      params.bias[c.index] += c.value;
      startTicks.set(c.post, latency.get(c.post)!);
    } else if (c.intoV && cd !== 0) {
      // Into v through u, which filters with currentDecay: u gains c·(1−cd) every step plus c·cd
      // once at step 0, so that u's share of it is c from step 0 on.
      viaSource.push({ post: c.post, index: c.index, start: c.start, value: c.value * (1 - cd), once: false });
      viaSource.push({ post: c.post, index: c.index, start: c.start, value: c.value * cd, once: true });
    } else {
      viaSource.push({ post: c.post, index: c.index, start: c.start, value: c.value, once: false });
    }
  }
  if (startTicks.size > 0) {
    warnings.push({
      code: "W_NIR_NEEDS_START_TICK", severity: "warning", file,
      message: `bias: "compartment" put constant drives into compartment biases of ${[...startTicks].map(([p, L]) => `${p} (latency ${L})`).join(", ")}; the chip applies a bias from tick 0, not from the population's latency tick, so each of them integrates its bias for that many ticks before its NIR step 0: their potentials and spikes, and those of the layers they drive, are not NIR's (most in the first steps)`,
      hint: "use bias: \"source\" (the default), which is exact on every chip",
    });
  }
  // A spiking population that fires at rest (v = 0 passes its threshold, e.g. a Threshold node with
  // θ < 0) also fires during the ticks before its latency, which NIR has no steps for; those spikes
  // reach its targets early. Exact only with the start tick.
  const restless: string[] = [];
  for (const pop of populations) {
    if (pop.kind !== "neuron" || !pop.spiking || !lowered.has(pop.name)) continue;
    const q = pop.params!;
    let fires = false;
    for (let i = 0; i < pop.size && !fires; i++) fires = q.thresholdOp[i] === ThresholdOp.gt ? q.bias[i] > q.vThreshold[i] : q.bias[i] >= q.vThreshold[i];
    const L = latency.get(pop.name)!;
    if (fires && L > 0) {
      startTicks.set(pop.name, L);
      restless.push(pop.name);
    }
  }
  if (restless.length > 0) {
    warnings.push({
      code: "W_NIR_NEEDS_START_TICK", severity: "warning", file,
      message: `${restless.map((p) => `${p} (latency ${startTicks.get(p)})`).join(", ")} fire at rest (v = 0 passes the threshold), so they also fire in the ticks before their latency, which NIR has no steps for; those spikes reach their targets before the targets' step 0, so the targets' first steps are not NIR's (no chip holds a population back until its latency tick)`,
      hint: "give these nodes a threshold that v = 0 does not pass (v_threshold ≥ 0, as NIR fires on v > θ) if the model allows; otherwise treat the first steps of the layers they drive as inexact",
    });
  }
  // `firstTick` > 0: a staged bias source (constSourceParams) for drives whose delay from tick 0
  // exceeds opts.maxDelayTicks; its synapses get delay L_P + start − firstTick.
  const emitConstSource = (popName: string, list: readonly ConstSynapse[], once: boolean, firstTick = 0): void => {
    if (list.length === 0) return;
    const name = uniqueName(popName, new Set([...taken, ...populations.map((p) => p.name)]));
    taken.add(name);
    const params = constSourceParams(firstTick, once);
    populations.push({ name, kind: "neuron", size: 1, shape: [1], spiking: true, params });
    const byPost = new Map<string, ConstSynapse[]>();
    for (const c of list) {
      const l = byPost.get(c.post);
      if (l === undefined) byPost.set(c.post, [c]);
      else l.push(c);
    }
    for (const [post, cs] of byPost) {
      // Merge equal (index, delay) pairs.
      const merged = new Map<string, { index: number; delay: number; value: number }>();
      for (const c of cs) {
        const delay = latency.get(post)! + c.start - firstTick;
        if (delay > MAX_DELAY_TICKS) throw new AerchipError("E_NIR_DELAY_RANGE", `the bias of "${post}" needs a delay of ${delay} ticks; at most ${MAX_DELAY_TICKS}`, { file, hint: "shorten the Delay nodes or use a larger dt" });
        const k = `${c.index}:${delay}`;
        const m = merged.get(k);
        if (m === undefined) merged.set(k, { index: c.index, delay, value: c.value });
        else m.value += c.value;
      }
      const entries = [...merged.values()].sort((a, b) => a.index - b.index || a.delay - b.delay);
      const pname = uniqueName(`${name}->${post}`, new Set(projections.map((q) => q.name)));
      projections.push({
        name: pname, pre: name, post, encoding: "sparse",
        preIndex: new Uint32Array(entries.length), postIndex: Uint32Array.from(entries, (e) => e.index),
        weight: Float64Array.from(entries, (e) => e.value), delayTicks: Uint16Array.from(entries, (e) => e.delay),
      });
      projInfos.push({ projection: pname, pre: name, post, via: [], modelWeights: 0, synapses: entries.length, encoding: "sparse" });
    }
  };
  // Every-tick drives whose delay L_P + start from tick 0 the chip cannot hold (opts.maxDelayTicks, e.g. 1
  // on odin) come from a source that starts firing at tick L_P + start − maxDelayTicks instead, one per
  // distinct start tick; the others (all of them when the chip holds the delays) keep `__nir_bias`, so
  // programs for such chips are unchanged. One-shot drives (Cuba v_leak) keep their delay: a chip with
  // maxDelayTicks 1 has no separate current, so it holds no Cuba compartment anyway.
  const maxDelay = opts.maxDelayTicks;
  const firstTickOf = (c: ConstSynapse): number => Math.max(0, latency.get(c.post)! + c.start - maxDelay);
  // A chip that keeps one delay per neuron output (opts.delayPerSynapse false, truenorth) cannot send one source's
  // spike with several delays (E_CORE_DELAY_PER_NEURON), so the sources that fire from tick 0 are split by delay
  // d = L_P + start: the shortest keeps the source's name, each other d gets `<name>_delay_<d>` (same neuron, so
  // the same spikes reach the same neurons at the same ticks). A staged source has one delay, maxDelayTicks, already.
  const emitFromTick0 = (popName: string, list: readonly ConstSynapse[], once: boolean): void => {
    if (opts.delayPerSynapse) {
      emitConstSource(popName, list, once);
      return;
    }
    const delayOf = (c: ConstSynapse): number => latency.get(c.post)! + c.start;
    const delays = [...new Set(list.map(delayOf))].sort((a, b) => a - b);
    delays.forEach((d, i) => emitConstSource(i === 0 ? popName : `${popName}_delay_${d}`, list.filter((c) => delayOf(c) === d), once));
  };
  const every = viaSource.filter((c) => !c.once);
  emitFromTick0(BIAS_POPULATION, every.filter((c) => firstTickOf(c) === 0), false);
  for (const s of [...new Set(every.map(firstTickOf))].filter((s) => s > 0).sort((a, b) => a - b)) {
    emitConstSource(`${BIAS_POPULATION}_from_${s}`, every.filter((c) => firstTickOf(c) === s), false, s);
  }
  emitFromTick0(ONCE_POPULATION, viaSource.filter((c) => c.once), true);

  const withLatency = (i: NirPopulationInfo): NirPopulationInfo => ({ ...i, latencyTicks: latency.get(i.population)! });
  const nodes = infos.map(withLatency);
  let extraTicks = 0;
  for (const i of nodes) extraTicks = Math.max(extraTicks, i.latencyTicks);
  return {
    graph: { name: opts.name, defaultSteps: opts.defaultSteps, populations, projections },
    inputs: nodes.filter((i) => i.type === "Input"),
    outputs: outputs.map((o) => ({ ...o, latencyTicks: latency.get(o.population)! })),
    nodes,
    projections: projInfos,
    extraTicks,
    startTicks,
  };
}
