/**
 * quantise: maps a float model onto the chip's fixed-point arithmetic (docs/fixed-point.md).
 *
 * Per post-synaptic population P the compiler picks a state scale 2^q (q integer): potentials,
 * thresholds, biases and the weights arriving at P become integers in units of 2^-q. q is the largest
 * value for which
 *   |threshold|, |vReset|, |vInit| · 2^q ≤ 2^(stateBits − 3)   (two bits of headroom for overshoot), and
 *   |bias| · 2^q ≤ 2^(stateBits − 1) − 1,
 * so precision is spent where the neuron's range allows it. Weights onto P are mantissa · 2^e with the
 * mantissa in weightBits (signed or not; with `weightSignPerSource` an unsigned magnitude whose sign is the
 * source neuron's, compiler/passes/quantise-sign.ts; with `weightSignPerSynapse` a magnitude with its own
 * sign bit) and one exponent e per projection in the spec's exponent range
 * (0 only without `weightExponentBits`); e is the smallest exponent that holds the largest weight.
 * Rounding rules, one per operation:
 *   weights, biases, resets, initial values: round half away from zero;
 *   thresholds: round half away from zero to a multiple of the threshold granularity 2^thShift (below);
 *   membrane lower bounds vMin (vReverseThreshold of a compartment population, reverseResetMode saturate):
 *     the same rule, then saturated to ±(2^(stateBits − 1) − 1); vMin takes no part in choosing q (a deep
 *     bound must not cost the neuron precision; past the state's range it saturates, as v does). The same
 *     rule as vReset because rounding half away from zero is monotone: the front end's vMin ≤ vReset,
 *     vMin ≤ vInit and vMin < vThreshold stay ≤ on the integers, and a vMin equal to vReset stays equal
 *     (a ceil would put the bound above an equal reset, a floor below it);
 *   decays: D = round(decay · 2^decayBits), half away from zero (an exact decay stays exact);
 *   at run time decays truncate toward zero (chip/program/types.ts FixedPointProgram).
 * A weight that does not fit even at the largest exponent is clipped and counted (W_QUANT_CLIPPED).
 * Leaky populations on chips with an additive leak (`precision.leakKind` "additive") are refused (E_FIXED_LEAK_ADDITIVE).
 * inputGain is folded into the weights (w·gain) before rounding.
 */
import { AerchipError, type Diagnostic } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { ThresholdOp } from "../../chip/program/types.ts";
import { thresholdStep } from "../../chip/spec/threshold.ts";
import { weightFormat } from "../../chip/spec/weight-format.ts";
import type { ModelGraph, NeuronParamsIR, PopulationIR, ProjectionIR } from "../ir/types.ts";
import { checkSignPerSource } from "./quantise-sign.ts";

export interface LayerQuantisation {
  readonly population: string;
  /** State scale exponent: values are integers in units of 2^-q. */
  readonly stateScaleExp: number;
  /** Largest |w − w_q| over incoming weights, in model units, and relative to the largest |w|. */
  readonly maxAbsWeightError: number;
  readonly maxRelWeightError: number;
  readonly clippedWeights: number;
  readonly weightExponents: Readonly<Record<string, number>>;
  /** Largest |decay − D/2^decayBits|. */
  readonly maxDecayError: number;
  /** Largest |vThreshold − stored threshold|, in model units (state scale and threshold granularity). */
  readonly maxThresholdError: number;
}

export interface QuantisedModel {
  readonly graph: ModelGraph;
  readonly layers: readonly LayerQuantisation[];
  readonly stateScaleExp: ReadonlyMap<string, number>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Round half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
}

/**
 * Chips with an additive leak (`precision.leakKind` "additive": TrueNorth's signed leak λ, ODIN's leak strength
 * subtracted and floored at 0; chip/spec/types.ts) subtract a constant per leak event, v ← v − λ. No constant
 * reproduces the model's proportional decay v ← decay · v at every potential, and the fixed-point run applies
 * only the multiplicative rule (docs/fixed-point.md "Run time"), so a leaky population is refused rather than run
 * with a leak the chip does not have. Not leaky: voltageDecay = 1 (v kept) and currentDecay 0 (no current state:
 * u = this tick's input) or 1 (kept).
 */
function refuseProportionalLeak(pop: PopulationIR, file: string): void {
  const pp = pop.params!;
  // The IR does not know the source format (compiler/ir/types.ts), so the message gives the aerchip-model-1
  // field and, for the voltage decay, snnref-1's `decay`/`tau` (snnref-1 has no current decay).
  const leak = (a: Float64Array, keep: (x: number) => boolean, field: string, snnref: string): void => {
    const i = a.findIndex((x) => !keep(x));
    if (i < 0) return;
    throw new AerchipError("E_FIXED_LEAK_ADDITIVE", `neuron ${i} of population "${pop.name}" has ${field}${snnref} ${a[i]}, a proportional leak; this chip's precision.leakKind is "additive" (v ← v − λ per tick), which fixed point cannot reproduce`, {
      file, field: `populations.${pop.name}.${field}`,
      hint: "use IF neurons (voltageDecay 1; decay 1 in an snnref-1 file), run with --precision float, or a chip with a multiplicative leak (loihi, generic)",
    });
  };
  leak(pp.voltageDecay, (x) => x === 1, "voltageDecay", " (decay, or tau, in an snnref-1 file)");
  leak(pp.currentDecay, (x) => x === 0 || x === 1, "currentDecay", "");
}

export function quantiseGraph(graph: ModelGraph, spec: ChipSpec, file = graph.name): QuantisedModel {
  const p = spec.precision;
  const stateLim = 2 ** (p.stateBits - 1) - 1;
  const headroomLim = 2 ** (p.stateBits - 3);
  // The chip's weight format (chip/spec/weight-format.ts). With a per-source sign (ODIN) the synapse stores a
  // magnitude and the source neuron its sign, so a weight may be anything in [−wMax, wMax] once
  // checkSignPerSource has found one sign per source; with a sign bit beside the magnitude (SpiNNaker's
  // synapse type, weightSignPerSynapse) likewise, per synapse.
  const { mMin: wMin, mMax: wMax, eLo, eHi } = weightFormat(p);
  const signPerSource = p.weightSignPerSource === true;
  const D = 2 ** p.decayBits;
  // Threshold granularity (chip/spec/threshold.ts): a `thresholdBits` mantissa in the high bits of the state
  // word, so thresholds are multiples of 2^max(0, stateBits − 1 − thresholdBits) (loihi: 2^6, hardware-facts.md
  // §2.1, §4). The mantissa's range never binds: (2^thresholdBits − 1) · step ≥ 2^(stateBits − 1) − step exceeds
  // the headroom 2^(stateBits − 3) that q obeys.
  const thStep = thresholdStep(p);
  const diagnostics: Diagnostic[] = [];
  const stateScaleExp = new Map<string, number>();
  const incoming = new Map<string, ProjectionIR[]>();
  for (const pr of graph.projections) {
    if (pr.plasticity !== undefined || pr.learning !== undefined) {
      throw new AerchipError("E_FIXED_PLASTIC_UNSUPPORTED", `projection "${pr.name}" is plastic; this build runs on-chip learning in float arithmetic only`, { file, field: `projections.${pr.name}.${pr.learning !== undefined ? "learning" : "stdp"}`, hint: "run with --precision float (a learning rule's own weightBits sets the precision of its weights)" });
    }
    const list = incoming.get(pr.post) ?? [];
    list.push(pr);
    incoming.set(pr.post, list);
  }
  if (signPerSource) checkSignPerSource(graph, file);
  const layers: LayerQuantisation[] = [];
  const newPops: PopulationIR[] = graph.populations.map((pop) => {
    if (pop.kind === "input" || pop.params === undefined) return pop;
    const pp = pop.params;
    // No chip that runs lif-cond has a modelled fixed-point datapath (sPyNNaker's s16.15 `accum` arithmetic is
    // not modelled; docs/fixed-point.md), so conductance neurons run in float64 only.
    if (pp.condERest !== undefined) throw new AerchipError("E_FIXED_COND_UNSUPPORTED", `population "${pop.name}" uses the conductance-based LIF (model "lif-cond"), which runs in float arithmetic only: no fixed-point datapath for it is modelled`, { file, field: `populations.${pop.name}.model`, hint: "run with --precision float (the default)" });
    if (pp.thetaPlus !== undefined) throw new AerchipError("E_FIXED_THETA_UNSUPPORTED", `population "${pop.name}" has an adaptive threshold, which runs in float arithmetic only`, { file, field: `populations.${pop.name}.thetaPlus`, hint: "run with --precision float" });
    if (pp.dynamics !== undefined) throw new AerchipError("E_FIXED_DYNAMICS_UNSUPPORTED", `population "${pop.name}" uses SANA-FE soma dynamics, which run in float arithmetic only`, { file, field: `populations.${pop.name}`, hint: "run with --precision float" });
    // Largest q the neuron's own values allow.
    const rangeMax = Math.max(maxAbs(pp.vThreshold), maxAbs(pp.vReset), maxAbs(pp.vInit));
    const biasMax = maxAbs(pp.bias);
    let q = 30;
    while (q > -30 && (rangeMax * 2 ** q > headroomLim || biasMax * 2 ** q > stateLim)) q--;
    // Gains folded into the weights; the largest incoming weight must fit at the largest exponent.
    const projs = incoming.get(pop.name) ?? [];
    let posMax = 0;
    let negMax = 0;
    for (const pr of projs) for (let s = 0; s < pr.weight.length; s++) {
      const w = pr.weight[s] * pp.inputGain[pr.postIndex[s]];
      if (w > posMax) posMax = w; else if (-w > negMax) negMax = -w;
    }
    const fits = (qq: number, e: number): boolean => posMax * 2 ** (qq - e) < wMax + 0.5 && -negMax * 2 ** (qq - e) > wMin - 0.5;
    while (q > -30 && !fits(q, eHi)) q--;
    stateScaleExp.set(pop.name, q);
    const scale = 2 ** q;
    const qArr = (a: Float64Array): Float64Array => Float64Array.from(a, (x) => roundHalfAway(x * scale));
    const qBound = (a: Float64Array): Float64Array => Float64Array.from(a, (x) => Math.min(stateLim, Math.max(-stateLim, roundHalfAway(x * scale))));
    const qDecay = (a: Float64Array, field: string): { out: Float64Array; err: number } => {
      let err = 0;
      const out = Float64Array.from(a, (x) => {
        if (!(x >= 0 && x <= 1)) throw new AerchipError("E_FIXED_DECAY_RANGE", `population "${pop.name}" has ${field} ${x}; fixed-point decays are in [0, 1]`, { file, field: `populations.${pop.name}.${field}`, hint: "use --precision float for growing dynamics" });
        const d = roundHalfAway(x * D);
        err = Math.max(err, Math.abs(x - d / D));
        return d;
      });
      return { out, err };
    };
    if (p.leakKind === "additive") refuseProportionalLeak(pop, file);
    const vd = qDecay(pp.voltageDecay, "voltageDecay");
    const cd = qDecay(pp.currentDecay, "currentDecay");
    let thErr = 0;
    const vResetQ = qArr(pp.vReset);
    const vInitQ = qArr(pp.vInit);
    // A threshold that rounds down to a level the neuron returns to (0 with no input, its reset value) would
    // fire it on every tick with no input (`>=`: v ≥ t at v = level). When the float threshold lies above
    // that level, the stored one is lifted to the smallest grid step above it, the error is reported in
    // maxThresholdError, and W_QUANT_THRESHOLD_AT_REST says so (docs/fixed-point.md "Thresholds"). vInit is
    // not such a level: rounding onto it costs at most one spike at tick 0, and lifting the threshold for it
    // would change every later tick.
    let liftedTh = 0;
    const vThresholdQ = Float64Array.from(pp.vThreshold, (x, i) => {
      let t = roundHalfAway((x * scale) / thStep) * thStep;
      const gt = pp.thresholdOp[i] === ThresholdOp.gt;
      const fires = (th: number, v: number): boolean => (gt ? v > th : v >= th);
      const levels: [number, number][] = [[0, 0], [pp.vReset[i], vResetQ[i]]];
      let lifted = false;
      for (const [vf, vq] of levels) {
        if (!fires(x, vf) && fires(t, vq)) {
          // Smallest multiple of thStep with !fires(t, vq): t > vq for `>=`, t ≥ vq for `>`.
          t = gt ? Math.ceil(vq / thStep) * thStep : (Math.floor(vq / thStep) + 1) * thStep;
          lifted = true;
        }
      }
      if (lifted) liftedTh++;
      thErr = Math.max(thErr, Math.abs(x - t / scale));
      return t;
    });
    if (liftedTh > 0) {
      diagnostics.push({ code: "W_QUANT_THRESHOLD_AT_REST", severity: "warning", message: `${liftedTh} neuron${liftedTh === 1 ? "" : "s"} of population "${pop.name}": vThreshold rounds to or below the neuron's resting (0) or reset value at state scale 2^${q} on the threshold grid of ${thStep} state units (2^${Math.log2(thStep) - q} model units), so it would fire on every tick; stored as the nearest grid step above that value (error in maxThresholdError)`, file, field: `populations.${pop.name}.vThreshold`, hint: "scale the threshold up relative to the incoming weights (the largest weight sets the state scale), or use a chip with a finer threshold step" });
    }
    const boundQ = pp.vReverseThreshold === undefined ? undefined : qBound(pp.vReverseThreshold);
    if (boundQ !== undefined && pop.spiking) {
      // A bound below the threshold can round onto it (or past it) at a coarse scale; the clamp would then
      // lift v to the threshold after every reset and the neuron would fire on every tick, whatever its
      // input. Kept one step below the firing level instead, and said so.
      let lifted = 0;
      for (let i = 0; i < boundQ.length; i++) {
        const top = pp.thresholdOp[i] === ThresholdOp.gt ? vThresholdQ[i] : vThresholdQ[i] - 1;
        if (boundQ[i] > top) { boundQ[i] = top; lifted++; }
      }
      if (lifted > 0) {
        diagnostics.push({ code: "W_QUANT_VMIN_AT_THRESHOLD", severity: "warning", message: `${lifted} neuron${lifted === 1 ? "" : "s"} of population "${pop.name}": vMin rounds onto the threshold at state scale 2^${q}; set one step (2^${-q}) below the firing level so the clamp cannot fire the neuron`, file, field: `populations.${pop.name}.vMin`, hint: "lower vMin, or use a chip with more state bits (a finer state scale)" });
      }
    }
    const params: NeuronParamsIR = {
      ...pp,
      voltageDecay: vd.out,
      currentDecay: cd.out,
      inputGain: new Float64Array(pop.size).fill(1),
      bias: qArr(pp.bias),
      vThreshold: vThresholdQ,
      vReset: vResetQ,
      vInit: vInitQ,
      ...(boundQ === undefined ? {} : { vReverseThreshold: boundQ }),
    };
    layers.push({ population: pop.name, stateScaleExp: q, maxAbsWeightError: 0, maxRelWeightError: 0, clippedWeights: 0, weightExponents: {}, maxDecayError: Math.max(vd.err, cd.err), maxThresholdError: thErr });
    return { ...pop, params };
  });
  const layerOf = new Map(layers.map((l, i) => [l.population, i] as const));
  const popByName = new Map(graph.populations.map((pop) => [pop.name, pop] as const));
  const newProjs: ProjectionIR[] = graph.projections.map((pr) => {
    const post = popByName.get(pr.post);
    const q = stateScaleExp.get(pr.post);
    if (post === undefined || q === undefined || post.params === undefined) return pr;
    const gain = post.params.inputGain;
    const scale = 2 ** q;
    const { weight, exponent: e, clipped, maxAbsError: maxErr, largest: big } = quantiseProjectionWeights(pr.weight, (s) => gain[pr.postIndex[s]], q, { mMin: wMin, mMax: wMax, eLo, eHi });
    const li = layerOf.get(pr.post);
    if (li !== undefined) {
      const l = layers[li];
      const wBig = big / scale;
      layers[li] = {
        ...l, maxAbsWeightError: Math.max(l.maxAbsWeightError, maxErr), maxRelWeightError: Math.max(l.maxRelWeightError, wBig > 0 ? maxErr / wBig : 0),
        clippedWeights: l.clippedWeights + clipped, weightExponents: { ...l.weightExponents, [pr.name]: e },
      };
    }
    if (clipped > 0) {
      diagnostics.push({ code: "W_QUANT_CLIPPED", severity: "warning", message: `${clipped} weights of projection "${pr.name}" were clipped to ${p.weightBits}-bit mantissas`, file, field: `projections.${pr.name}`, hint: "use a chip with more weight bits or a wider exponent range, or rescale the layer" });
    }
    return { ...pr, weight };
  });
  return { graph: { ...graph, populations: newPops, projections: newProjs }, layers, stateScaleExp, diagnostics };
}

/** A projection's weights on the chip's grid (quantiseProjectionWeights). */
export interface QuantisedWeights {
  /** Stored weights m·2^e, in state units of the post population (2^-q of the model's). */
  readonly weight: Float64Array;
  /** The projection's exponent e. */
  readonly exponent: number;
  /** Weights whose mantissa did not fit even at the largest exponent, clipped to the mantissa range. */
  readonly clipped: number;
  /** Largest |w·gain − stored/2^q|, in model units. */
  readonly maxAbsError: number;
  /** Largest |w·gain|·2^q (state units). */
  readonly largest: number;
}

/**
 * The weights of one projection onto a post population at state scale 2^q, in a weight format of mantissas
 * [mMin, mMax] and exponents [eLo, eHi] (chip/spec/weight-format.ts): with x_s = w_s·gain_s·2^q,
 *   e = the smallest exponent in [eLo, eHi] at which every round(x_s / 2^e) fits [mMin, mMax],
 *   m_s = round_half_away(x_s / 2^e), clipped to [mMin, mMax] (counted), stored m_s·2^e.
 * Also used for the weights a fixed-point program loads (cli/program-initial-weights.ts), at the program's q.
 */
export function quantiseProjectionWeights(w: Float64Array, gainOf: (s: number) => number, q: number, fmt: { readonly mMin: number; readonly mMax: number; readonly eLo: number; readonly eHi: number }): QuantisedWeights {
  const { mMin: wMin, mMax: wMax, eLo, eHi } = fmt;
  const scale = 2 ** q;
  let big = 0;
  let pos = 0;
  let neg = 0;
  for (let s = 0; s < w.length; s++) {
    const x = w[s] * gainOf(s) * scale;
    big = Math.max(big, Math.abs(x));
    if (x > pos) pos = x; else if (-x > neg) neg = -x;
  }
  // Smallest exponent at which every rounded mantissa fits: m = round(w / 2^e) in [wMin, wMax].
  let e = eLo;
  while (e < eHi && (pos / 2 ** e >= wMax + 0.5 || -neg / 2 ** e <= wMin - 0.5)) e++;
  const step = 2 ** e;
  let clipped = 0;
  let maxErr = 0;
  const weight = new Float64Array(w.length);
  for (let s = 0; s < w.length; s++) {
    const x = w[s] * gainOf(s);
    let m = roundHalfAway((x * scale) / step);
    if (m > wMax) { m = wMax; clipped++; } else if (m < wMin) { m = wMin; clipped++; }
    weight[s] = m * step;
    maxErr = Math.max(maxErr, Math.abs(x - (m * step) / scale));
  }
  return { weight, exponent: e, clipped, maxAbsError: maxErr, largest: big };
}
