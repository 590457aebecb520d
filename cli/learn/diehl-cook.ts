/**
 * Unsupervised MNIST on the chip, Diehl & Cook 2015 style (papers.md §5; their released code's
 * parameters, mapped onto the chip's current-based compartment, voltages in mV above rest; the tick is
 * 1 ms by default, `params.tickMs` changes it and every decay, refractory period and trace constant with it):
 *   input (784, Poisson, rate = pixel·63.75 Hz·intensity/2) ─plastic─▶ exc (N LIF, adaptive θ)
 *   exc ─one-to-one─▶ inh (N) ─all-but-self, inhibitory─▶ exc          (winner-take-all as synapses)
 * Schedule per sample: Σ_i w_ij ← 78 for every exc neuron j (normalisation), 350 ms of input
 * with learning on; if exc fired < 5 spikes the intensity rises by 1 and the sample is shown again,
 * normalised again first (D&C); then the state resets (v, u, traces: what the 150 ms rest achieves; with params.restMs the rest
 * ticks are simulated and charged first). Readout: with weights and θ frozen, the training digits are shown once more and each
 * neuron is labelled with its strongest class (label assignment); then accuracy on the test digits.
 * Conductances become currents: one input spike of weight w moves v by ≈ 0.6·w mV (D&C: w·1 ms/100 ms
 * ·(E_exc − v) with v ≈ −60 mV), hence inputGain 0.38 with a 1 ms synaptic current (0.38·Σ e^−k ≈ 0.6);
 * one inhibitory spike moves v by ≈ −13.6 mV (17·2 ms/100 ms·(−100 + 60)).
 * With neuronModel "lif-cond" (`--neuron-model lif-cond`) the two populations are D&C's conductance neurons
 * instead, on a chip that runs them (cli/learn/diehl-cook-cond.ts: no mapping, weights go into g_e / g_i).
 *
 * The run is a step machine (DiehlCookRun: one sample per step) so the CLI can yield for Ctrl-C and
 * checkpoint between samples; `snapshot()`/`restore()` carry the whole between-sample state.
 */
import { learningBillingBasis, type ChipSpec, type LearningBillingBasis } from "../../chip/spec/types.ts";
import type { ChipProgram } from "../../chip/program/types.ts";
import { compileModel } from "../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type NeuronParamsIR } from "../../compiler/ir/types.ts";
import { ResetMode } from "../../chip/program/types.ts";
import { diehlCook2015, diehlCook2015Code, diehlCook2015Exp, pairStdp, type NamedRule } from "../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../chip/program/learning-program.ts";
import { buildSimState, resetNeuronState, type SimState } from "../../chip/sim/state.ts";
import { runState, type SimResult } from "../../chip/sim/run.ts";
import { buildLearningEngine, normaliseIncoming, resetLearningState, type LearningEngine } from "../../chip/sim/learning.ts";
import { CounterKind } from "../../chip/sim/counters.ts";
import { learningEnergyModelled } from "../../chip/report/run-report.ts";
import { dynamicEnergyPj } from "../../chip/report/energy.ts";
import { poissonEncode } from "../../chip/learning/encoders.ts";
import { bindsnetPoissonEncode } from "../../chip/learning/poisson-isi-encoder.ts";
import { accuracy, assignLabels } from "../../chip/learning/readout.ts";
import { createRng, restoreRngState, rngState, type Rng } from "../../core/rng.ts";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { MNIST_PIXELS, type LearnSplit } from "./mnist-data.ts";
import type { Clustering } from "./features-report.ts";
import { DIEHL_COOK_SOURCED } from "./diehl-cook-defaults.ts";
import { addRunCounters, newAccumulator, type Accumulator } from "./accumulate.ts";
import { MAX_LEARN_PASSES } from "../option-limits.ts";
import { LEARN_RULE_TEXT, MU_EXP_RULE, learnRuleOfMu } from "./rule-names.ts";
import { diehlCookCondPopulations, type LearnNeuronModel } from "./diehl-cook-cond.ts";

/** The network and schedule constants (D&C's code, mapped as the header explains); every one can be overridden. */
export interface DiehlCookParams {
  /** Simulation tick in ms (D&C: 0.5). Decays become exp(−tickMs/τ), refractory periods and trace time constants are converted to ticks. */
  readonly tickMs: number;
  /** Presentation length in ms (D&C: 350). */
  readonly presentMs: number;
  /**
   * Input-free ticks simulated after each presentation, ms (D&C: 150). They are charged to the sample (neuron
   * updates, learning-engine work, spikes if any) and its learning goes on through them; spikes in them do
   * not count as the sample's responses (D&C counts the presentation's). The state is then reset as without
   * a rest. 0 (the default): no rest ticks, the reset alone stands for the rest.
   */
  readonly restMs: number;
  readonly tauExcMs: number;
  readonly tauInhMs: number;
  readonly tauSynMs: number;
  readonly vThresholdExc: number;
  /** Excitatory reset potential after a spike, mV above rest (D&C: 0, reset = rest −65 mV; BindsNET: 5, reset −60 mV). */
  readonly vResetExc: number;
  readonly vThresholdInh: number;
  readonly vResetInh: number;
  readonly refractoryExcMs: number;
  readonly refractoryInhMs: number;
  /** Adaptive threshold: θ ← θ + thetaPlus on a spike, decaying with tauThetaMs. */
  readonly thetaPlus: number;
  readonly tauThetaMs: number;
  /** Input current gain of the excitatory neurons at a 1 ms tick (scaled by (1 − e^(−tick/τsyn))/(1 − e^(−1 ms/τsyn)) at other ticks). */
  readonly inputGainExc: number;
  readonly inputGainInh: number;
  /** E→I weight and I→E weight (negative: inhibition). */
  readonly wExcInh: number;
  readonly wInhExc: number;
  /** Initial input weights w = (U[0,1) + wInitOffset)·wInitMax (D&C: offset 0.01; BindsNET: 0). */
  readonly wInitMax: number;
  readonly wInitOffset: number;
  /** Normalisation: Σ_i w_ij ← normTotal·D/784 for every exc neuron j before each training sample (D&C: 78; BindsNET: 78.4). */
  readonly normTotal: number;
  /** Input rate per unit pixel at intensity 2 is rateHzPerPixel (D&C: 255/4 Hz). */
  readonly rateHzPerPixel: number;
  readonly minSpikes: number;
  readonly maxIntensity: number;
  /** The rule's learning rates (diehlCook2015Code) and trace time constants in ms. */
  readonly nuPre: number;
  readonly nuPost: number;
  readonly preTauMs: number;
  readonly post1TauMs: number;
  readonly post2TauMs: number;
  /**
   * The rule: −1 (default) the released code's (diehlCook2015Code: nuPre, nuPost, three traces); −2 BindsNET's
   * PostPre (pair STDP with traces set to 1 on a spike: pre spike w −= nuPre·post1, post spike w += nuPost·x_pre;
   * pairStdp nearest, additive, clipped to [0, 1]; post2TauMs unused); μ ≥ 0 the
   * paper's Δw = nuPost·(x_pre − xTar)·(1 − w)^μ on post spikes (diehlCook2015; its pre trace set to 1 on a
   * spike as in the code, τ preTauMs). μ other than 0 and 1 is a power factor: float weights on any chip,
   * quantised ones (--weight-bits) only on a chip with a learning lookup table (learning-rule.ts); −3 the
   * paper's exponential rule Δw = nuPost·(x_pre·e^(−beta·w) − xTar·e^(−beta·(1 − w))) on post spikes
   * (diehlCook2015Exp, pre trace set to 1 on a spike; exponentials of the weight, so the same chip limits as a
   * power). `aerchip learn --rule <name>` chooses by name (cli/learn/rule-names.ts).
   */
  readonly mu: number;
  readonly xTar: number;
  /** The exponential rule's β (mu −3; > 0 required there, no published value); 0 = unset, every other rule ignores it. */
  readonly beta: number;
  /**
   * Input→excitatory axonal delays: each synapse draws d ~ U[0, inputDelayMaxMs) ms and waits
   * 1 + ⌊d / tickMs⌋ ticks (the chip's least delay, one tick, stands for D&C's immediate delivery, as
   * without delays). 0 (the default): every input synapse takes one tick.
   */
  readonly inputDelayMaxMs: number;
}

/** The defaults; each one's source is in diehl-cook-defaults.ts (and in the result files' paramsProvenance). */
export const DIEHL_COOK_DEFAULTS: DiehlCookParams = Object.fromEntries(
  Object.entries(DIEHL_COOK_SOURCED).map(([k, d]) => [k, d.value]),
) as unknown as DiehlCookParams;

/** Overrides of DIEHL_COOK_DEFAULTS, checked: every value finite, time constants and the tick > 0. */
export function resolveDiehlCookParams(over: Partial<DiehlCookParams> = {}): DiehlCookParams {
  const p: Record<string, number> = { ...DIEHL_COOK_DEFAULTS };
  for (const [k, v] of Object.entries(over)) {
    if (!(k in DIEHL_COOK_DEFAULTS)) {
      throw new AerchipError("E_LEARN_PARAM", `unknown Diehl & Cook parameter "${k}"`, { field: k, hint: `use one of: ${Object.keys(DIEHL_COOK_DEFAULTS).join(", ")}` });
    }
    if (typeof v !== "number" || !Number.isFinite(v)) throw new AerchipError("E_LEARN_PARAM", `parameter ${k} is ${String(v)}; it must be a finite number`, { field: k, hint: `e.g. ${k}=${(DIEHL_COOK_DEFAULTS as unknown as Record<string, number>)[k]}` });
    p[k] = v;
  }
  if (!(p.restMs >= 0)) throw new AerchipError("E_LEARN_PARAM", `parameter restMs is ${p.restMs}; it must be >= 0`, { field: "restMs", hint: "e.g. restMs=150 (D&C's rest) or 0 (reset only)" });
  // tauSynMs 0: no synaptic current, an input spike's charge lands on v in the tick it arrives (BindsNET's v += Σ w·s); e^(−dt/0) = 0.
  if (!(p.tauSynMs >= 0)) throw new AerchipError("E_LEARN_PARAM", `parameter tauSynMs is ${p.tauSynMs}; it must be >= 0`, { field: "tauSynMs", hint: "e.g. tauSynMs=1 (D&C's τ_ge) or 0 (BindsNET: no synaptic current)" });
  for (const k of ["tickMs", "presentMs", "tauExcMs", "tauInhMs", "tauThetaMs", "preTauMs", "post1TauMs", "post2TauMs", "rateHzPerPixel", "maxIntensity"]) {
    if (!(p[k] > 0)) throw new AerchipError("E_LEARN_PARAM", `parameter ${k} is ${p[k]}; it must be > 0`, { field: k, hint: `e.g. ${k}=${(DIEHL_COOK_DEFAULTS as unknown as Record<string, number>)[k]}` });
  }
  if (!(p.mu === -1 || p.mu === -2 || p.mu === MU_EXP_RULE || p.mu >= 0)) throw new AerchipError("E_LEARN_PARAM", `parameter mu is ${p.mu}; it must be -1 (the released code's rule), -2 (BindsNET's PostPre), -3 (the paper's exponential rule) or >= 0 (the paper's power-law rule)`, { field: "mu", hint: "e.g. mu=0.2 (the paper's default), mu=-1 or mu=-2; or name the rule: --rule diehl-cook-2015-code|pair-stdp|diehl-cook-2015|diehl-cook-2015-exp" });
  if (!(p.beta >= 0)) throw new AerchipError("E_LEARN_PARAM", `parameter beta is ${p.beta}; it must be >= 0 (0: unset; the exponential rule needs > 0)`, { field: "beta", hint: "e.g. beta=3 with --rule diehl-cook-2015-exp" });
  // The exponential rule has no β of its own: papers.md gives no value, and model files' diehl-cook-2015-exp requires one too.
  if (p.mu === MU_EXP_RULE && !(p.beta > 0)) {
    throw new AerchipError("E_LEARN_PARAM", `the exponential rule (diehl-cook-2015-exp, mu -3) needs beta > 0, the strength of its weight dependence; beta is ${p.beta}`, {
      field: "beta", hint: "add --set beta=β with β > 0 (no published value: papers.md §5 names the rule, not its β; β → 0 is the power-law rule with mu=0)",
    });
  }
  if (!(p.normTotal > 0)) throw new AerchipError("E_LEARN_PARAM", `parameter normTotal is ${p.normTotal}; it must be > 0`, { field: "normTotal", hint: "e.g. normTotal=78 (D&C) or 78.4 (BindsNET)" });
  if (!(p.inputDelayMaxMs >= 0)) throw new AerchipError("E_LEARN_PARAM", `parameter inputDelayMaxMs is ${p.inputDelayMaxMs}; it must be >= 0`, { field: "inputDelayMaxMs", hint: "e.g. inputDelayMaxMs=10 (D&C's input delays) or 0 (none)" });
  // Delays are stored as 16-bit tick counts (the chip's own limit, core.maxDelayTicks, is checked when compiling).
  if (p.inputDelayMaxMs / p.tickMs > 65534) throw new AerchipError("E_LEARN_PARAM", `inputDelayMaxMs ${p.inputDelayMaxMs} is ${p.inputDelayMaxMs / p.tickMs} ticks of ${p.tickMs} ms; at most 65534`, { field: "inputDelayMaxMs", hint: "give a shorter delay or a longer tickMs" });
  return p as unknown as DiehlCookParams;
}

/** The harness's input encoders (DiehlCookOptions.inputEncoder). */
export type InputEncoderName = "per-tick" | "bindsnet-poisson";

/** When the harness normalises the incoming weights (DiehlCookOptions.normalise). */
export type NormaliseWhen = "before-each-sample" | "after-each-sample";

export interface DiehlCookOptions {
  readonly neurons: number;
  /** Training passes over the training digits (the issue allows at most 3). */
  readonly passes?: number;
  /** Weight memory width of the plastic synapses (absent = float64). */
  readonly weightBits?: number;
  readonly traceBits?: number;
  readonly rounding?: "nearest" | "stochastic";
  readonly seed?: number;
  /** Presentation length in ticks (default presentMs / tickMs). */
  readonly ticksOn?: number;
  readonly normTarget?: number;
  /**
   * Training digits (the last ones) shown again with weights and θ frozen to assign the labels
   * (default: all of them); 0 = label from the responses recorded during the last training pass.
   */
  readonly labelSamples?: number;
  /** Network and schedule overrides (DIEHL_COOK_DEFAULTS). */
  readonly params?: Partial<DiehlCookParams>;
  /**
   * Input encoder: "per-tick" (default; chip/learning/encoders.ts, one Bernoulli draw per tick with
   * p = min(1, r·dt), D&C's code's Brian PoissonGroup: core/poisson-tick.ts) or "bindsnet-poisson" (BindsNET's Poisson inter-spike intervals,
   * chip/learning/poisson-isi-encoder.ts). A parameter set chooses it (cli/learn/param-sets.ts).
   */
  readonly inputEncoder?: InputEncoderName;
  /**
   * When the incoming weights are normalised (Σ_i w_ij ← normTarget): "before-each-sample" (default; D&C's code,
   * normalize_weights() at the start of every training presentation, re-presentations of a digit at higher
   * intensity included, none after the last) or "after-each-sample"
   * (BindsNET: network.run normalises after every training sample, so the label and test passes see
   * Σ_i w_ij = norm exactly and the first sample sees the raw initial weights). A parameter set chooses it.
   */
  readonly normalise?: NormaliseWhen;
  /** The neurons: "lif" (default) the current-based mapping, "lif-cond" D&C's conductance neurons (diehl-cook-cond.ts; a chip listing lif-cond). */
  readonly neuronModel?: LearnNeuronModel;
  /** Called after every training / label / test sample. */
  readonly onProgress?: (phase: "train" | "label" | "test", done: number, total: number) => void;
  /**
   * Learning curve: after every `evalEvery` training presentations (counted over the passes) the network is
   * evaluated as at the end, frozen (a label pass over the label samples, then the test samples), and the run
   * continues exactly as without it (weights, θ, random streams and counters restored; evaluations are not
   * charged to the training figures). The last point is the run's own final evaluation.
   */
  readonly evalEvery?: number;
  /** Extra scores of a curve point from its frozen label-pass responses (samples × neurons), e.g. purity and NMI. */
  readonly scoreResponses?: (labelResponses: Float64Array) => Readonly<Record<string, number | null>>;
}

/**
 * One point of a learning curve: the frozen evaluation after `samples` training presentations of distinct
 * samples (a sample shown again at a higher intensity counts once), `pass` passes started. accuracy: on the
 * test samples (null without any); labelAccuracy: of the label assignment on the label pass it came from.
 */
export interface CurvePoint {
  readonly samples: number;
  readonly accuracy: number | null;
  readonly labelAccuracy: number;
  readonly [score: string]: number | null;
}

export interface LearningOps {
  readonly synUpdates: number;
  readonly ruleEvaluations: number;
  readonly traceUpdates: number;
  readonly normalisationOps: number;
  readonly synOps: number;
  readonly spikes: number;
  /** Updates that changed a weight (the engine's, per training sample): what learning bills when learningBilledOn is "changes"; only then present. */
  readonly weightChanges?: number;
  /** Synaptic events on non-zero weights (per training sample): what energySynOpPj bills when synOpsBilledOn is "connected"; only then present. */
  readonly connectedSynOps?: number;
}

export interface DiehlCookResult {
  readonly neurons: number;
  readonly weightBits: number | "float";
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly passes: number;
  readonly accuracy: number;
  /** Accuracy of the label assignment on the (frozen) training responses it came from. */
  readonly trainAccuracy: number;
  /** Learning curve (with evalEvery): the frozen evaluations during training, then the final one. */
  readonly curve?: readonly CurvePoint[];
  /** Dynamic energy (chip/report/energy.ts) per training presentation (re-presentations included) and per test sample. */
  readonly energyPerTrainSamplePj: number;
  readonly energyPerInferencePj: number;
  /**
   * null: not modelled, the chip has a learning engine but no energySynUpdatePj (spinnaker2, odin, loihi-sanafe),
   * as run's report.json totals.energyPj.learning (cli/learn/learning-energy.ts); energyPerTrainSamplePj then leaves it out.
   */
  readonly learningEnergyPerTrainSamplePj: number | null;
  /** What the learning energy bills (the chip spec's learningBilledOn, or `learn --bill-learning`). */
  readonly learningBilledOn?: LearningBillingBasis;
  /** Learning work per training sample (means). */
  readonly opsPerTrainSample: LearningOps;
  readonly memory: { readonly plasticSynapses: number; readonly weightMemoryBits: number; readonly traceMemoryBits: number; readonly thetaMemoryBits: number };
  readonly presentations: number;
  /** Wall time of the whole run (summed over resumed parts). Not deterministic: reports keep it apart from the results. */
  readonly wallSeconds: number;
  /** Feature data sets (`aerchip learn FEATURES.npy`): each sample's cluster and their scores. */
  readonly clustering?: Clustering;
}

/**
 * The network: neuronModel "lif" (default) the current-based mapping of the header, "lif-cond" D&C's conductance
 * neurons (diehl-cook-cond.ts: the same parameters, the same weights and random draws, inh→exc as −17 onto g_i).
 */
export function diehlCookGraph(neurons: number, learning: ReturnType<typeof learningProgramFromNamedRule>, rng: Rng, params: DiehlCookParams = DIEHL_COOK_DEFAULTS, inputShape: readonly number[] = [28, 28], neuronModel: LearnNeuronModel = "lif"): ModelGraph {
  const D = inputShape.reduce((a, b) => a * b, 1);
  const N = neurons;
  const P = params;
  const dt = P.tickMs;
  let excParams: NeuronParamsIR;
  let inh: NeuronParamsIR;
  let wInhExc = P.wInhExc;
  if (neuronModel === "lif-cond") {
    ({ exc: excParams, inh, wInhExc } = diehlCookCondPopulations(N, P));
  } else {
    // Charge per input spike is kept at the 1 ms value: gain·Σ_k e^(−k·dt/τsyn) = gain·/(1 − e^(−dt/τsyn)).
    const gainExc = dt === 1 ? P.inputGainExc : P.inputGainExc * (1 - Math.exp(-dt / P.tauSynMs)) / (1 - Math.exp(-1 / P.tauSynMs));
    const exc = uniformNeuronParams(N, {
      voltageDecay: Math.exp(-dt / P.tauExcMs), currentDecay: Math.exp(-dt / P.tauSynMs), inputGain: gainExc,
      vThreshold: P.vThresholdExc, vReset: P.vResetExc, resetMode: ResetMode.zero, refractoryTicks: Math.round(P.refractoryExcMs / dt),
    });
    excParams = { ...exc, thetaPlus: new Float64Array(N).fill(P.thetaPlus), thetaDecay: new Float64Array(N).fill(Math.exp(-dt / P.tauThetaMs)) };
    inh = uniformNeuronParams(N, {
      voltageDecay: Math.exp(-dt / P.tauInhMs), currentDecay: 0, inputGain: P.inputGainInh,
      vThreshold: P.vThresholdInh, vReset: P.vResetInh, resetMode: ResetMode.zero, refractoryTicks: Math.round(P.refractoryInhMs / dt),
    });
  }
  const S = D * N;
  const pre = new Uint32Array(S);
  const post = new Uint32Array(S);
  const w = new Float64Array(S);
  for (let i = 0, s = 0; i < D; i++) for (let j = 0; j < N; j++, s++) {
    pre[s] = i; post[s] = j; w[s] = (rng.nextFloat() + P.wInitOffset) * P.wInitMax;
  }
  // Delays are drawn after every weight, so the weights do not depend on inputDelayMaxMs.
  const inputDelays = new Uint16Array(S).fill(1);
  if (P.inputDelayMaxMs > 0) for (let s = 0; s < S; s++) inputDelays[s] = 1 + Math.floor(rng.nextFloat() * P.inputDelayMaxMs / dt);
  const oneToOne = Uint32Array.from({ length: N }, (_, j) => j);
  const ip: number[] = [];
  const ie: number[] = [];
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) { ip.push(i); ie.push(j); }
  return {
    name: `diehl-cook-${N}`, defaultSteps: Math.round(P.presentMs / dt),
    populations: [
      { name: "input", kind: "input", size: D, shape: [...inputShape], spiking: true },
      { name: "exc", kind: "neuron", size: N, shape: [N], spiking: true, params: excParams },
      { name: "inh", kind: "neuron", size: N, shape: [N], spiking: true, params: inh },
    ],
    projections: [
      { name: "input_exc", pre: "input", post: "exc", encoding: "dense", preIndex: pre, postIndex: post, weight: w, delayTicks: inputDelays, learning },
      { name: "exc_inh", pre: "exc", post: "inh", encoding: "sparse", preIndex: oneToOne, postIndex: oneToOne.slice(), weight: new Float64Array(N).fill(P.wExcInh), delayTicks: new Uint16Array(N).fill(1) },
      { name: "inh_exc", pre: "inh", post: "exc", encoding: "dense", preIndex: Uint32Array.from(ip), postIndex: Uint32Array.from(ie), weight: new Float64Array(ip.length).fill(wInhExc), delayTicks: new Uint16Array(ip.length).fill(1) },
    ],
  };
}

/** Spikes of population `name` before tick `until` (the presentation), added per neuron (population order) into `out` when given; returns their number. */
function countSpikes(res: SimResult, name: string, out: Float64Array | undefined, offset: number, until: number): number {
  const sp = res.spikes.get(name)!;
  let n = 0;
  for (let k = 0; k < sp.neuron.length; k++) {
    if (sp.tick[k] >= until) continue;
    if (out !== undefined) out[offset + sp.neuron[k]]++;
    n++;
  }
  return n;
}

/** Where a run is: phase, pass and sample index of the next sample to process. */
export const DiehlCookPhase = { train: 0, label: 1, test: 2, done: 3 } as const;
export type DiehlCookPhase = (typeof DiehlCookPhase)[keyof typeof DiehlCookPhase];

/**
 * Everything that changes between samples, for checkpoints (cli/learn/checkpoint.ts). Between two
 * samples the neuron state, the traces and the presentation intensity are at their reset values, so
 * the weights, θ, the two random streams (Poisson input, stochastic rounding per core), the position and
 * the accumulated counters and responses are the whole state.
 */
export interface DiehlCookSnapshot {
  readonly phase: DiehlCookPhase;
  readonly pass: number;
  readonly sample: number;
  readonly presentations: number;
  readonly normOps: number;
  readonly wallSeconds: number;
  /** Plastic weights in the engine's synapse order (LearningEngine.ruleSyn). */
  readonly weights: Float64Array;
  readonly theta: Float64Array;
  readonly encRng: Uint32Array;
  /** One 4-word state per program core, concatenated. */
  readonly coreRng: Uint32Array;
  readonly trainCounters: Float64Array;
  readonly trainSynOpsByEnc: Float64Array;
  readonly testCounters: Float64Array;
  readonly testSynOpsByEnc: Float64Array;
  /** Response rows filled so far (samples × neurons): last-pass training responses (labelSamples 0), label responses, test responses. */
  readonly trainCounts: Float64Array;
  readonly labelCounts: Float64Array;
  readonly testCounts: Float64Array;
  /** Learning-curve points so far (evalEvery; empty without it). */
  readonly curve: readonly CurvePoint[];
  /**
   * Per rule: the engine's updates that changed a weight so far (LearningEngine.weightChanges), which a chip billing
   * learning on changes bills. Absent from checkpoints written before it: resumed only where learning bills evaluations.
   */
  readonly weightChanges?: Float64Array;
}

/**
 * One training-and-evaluation run as a step machine: `step()` processes one sample (a training digit
 * with its re-presentations, a label digit or a test digit), so callers can yield, checkpoint and
 * resume between samples. `trainDiehlCook` runs it to the end in one call.
 */
export class DiehlCookRun {
  readonly neurons: number;
  readonly passes: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly nLabel: number;
  readonly params: DiehlCookParams;
  private readonly spec: ChipSpec;
  private readonly data: LearnSplit;
  private readonly opts: DiehlCookOptions;
  private readonly program: ChipProgram;
  private readonly st: SimState;
  private readonly le: LearningEngine;
  private readonly projIndex: number;
  private readonly encRng: Rng;
  private readonly ticksOn: number;
  private readonly restTicks: number;
  private readonly normTarget: number;
  private readonly rates: Float64Array;
  private readonly trainAcc: Accumulator;
  private readonly testAcc: Accumulator;
  private readonly trainCounts: Float64Array;
  private readonly labelCounts: Float64Array;
  private readonly testCounts: Float64Array;
  private assignment: Int32Array | undefined;
  private curve: CurvePoint[] = [];
  private phaseNow: DiehlCookPhase = DiehlCookPhase.train;
  private passNow = 0;
  private sampleNow = 0;
  private normOps = 0;
  private presentations = 0;
  private wallBefore = 0;
  private readonly t0 = performance.now();

  constructor(spec: ChipSpec, data: LearnSplit, opts: DiehlCookOptions) {
    const N = opts.neurons;
    if (!Number.isInteger(N) || N < 1) throw new AerchipError("E_LEARN_NEURONS", `--neurons is ${N}; it must be an integer ≥ 1`, { field: "--neurons", hint: "e.g. --neurons 100" });
    const passes = opts.passes ?? 1;
    if (!Number.isInteger(passes) || passes < 1 || passes > MAX_LEARN_PASSES) {
      throw new AerchipError("E_LEARN_PASSES", `--passes is ${passes}; it must be an integer in 1..${MAX_LEARN_PASSES}`, { field: "--passes", hint: `give 1..${MAX_LEARN_PASSES} passes over the training samples (BindsNET users trained 6400 neurons for 15 epochs)` });
    }
    const every = opts.evalEvery;
    if (every !== undefined) {
      if (!Number.isInteger(every) || every < 1) throw new AerchipError("E_LEARN_EVAL_EVERY", `--eval-every is ${every}; it must be an integer ≥ 1`, { field: "--eval-every", hint: "e.g. --eval-every 500 (training samples between curve points)" });
      if (opts.labelSamples === 0) throw new AerchipError("E_CLI_OPTION", "--eval-every evaluates frozen, with a label pass; --label-samples 0 labels from the last training pass instead, which a point in the middle of training does not have", { field: "--eval-every", hint: "drop --label-samples 0, or drop --eval-every" });
    }
    this.neurons = N;
    this.passes = passes;
    this.spec = spec;
    this.data = data;
    this.opts = opts;
    const P = resolveDiehlCookParams(opts.params);
    this.params = P;
    const seed = opts.seed ?? 1;
    this.ticksOn = opts.ticksOn ?? Math.round(P.presentMs / P.tickMs);
    this.restTicks = Math.round(P.restMs / P.tickMs);
    // D&C's Σ_i w_ij = 78 over 784 pixels: the same mean weight per input, normTotal·D/784, for D inputs.
    this.normTarget = opts.normTarget ?? P.normTotal * data.inputs / MNIST_PIXELS;
    this.rates = new Float64Array(data.inputs);
    const rng = createRng(seed);
    const rule = diehlCookRule(P);
    const lr = learningProgramFromNamedRule(rule, {
      ...(opts.weightBits === undefined ? {} : { weightBits: opts.weightBits }),
      ...(opts.traceBits === undefined ? {} : { traceBits: opts.traceBits }),
      rounding: opts.rounding ?? "stochastic", seed,
    });
    const graph = diehlCookGraph(N, lr, rng.fork(1), P, data.inputShape, opts.neuronModel ?? "lif");
    this.program = compileDiehlCook(graph, spec, P);
    this.st = buildSimState(spec, this.program);
    this.le = buildLearningEngine(this.program, this.st);
    this.projIndex = this.program.projections.findIndex((p) => p.name === "input_exc");
    this.encRng = rng.fork(2);
    this.nTrain = data.trainLabels.length;
    this.nTest = data.testLabels.length;
    this.nLabel = Math.min(this.nTrain, opts.labelSamples ?? this.nTrain);
    this.trainAcc = newAccumulator(this.st, spec, this.program);
    this.testAcc = newAccumulator(this.st, spec, this.program);
    this.trainCounts = new Float64Array(this.nLabel === 0 ? this.nTrain * N : 0);
    this.labelCounts = new Float64Array(this.nLabel * N);
    this.testCounts = new Float64Array(this.nTest * N);
  }

  get phase(): DiehlCookPhase { return this.phaseNow; }
  get done(): boolean { return this.phaseNow === DiehlCookPhase.done; }

  /** "training sample 12 of 9000 (pass 2 of 3)" and the like, for messages. */
  where(): string {
    switch (this.phaseNow) {
      case DiehlCookPhase.train: return `training sample ${this.sampleNow} of ${this.nTrain} (pass ${this.passNow + 1} of ${this.passes})`;
      case DiehlCookPhase.label: return `label sample ${this.sampleNow} of ${this.nLabel}`;
      case DiehlCookPhase.test: return `test sample ${this.sampleNow} of ${this.nTest}`;
      default: return "the end";
    }
  }

  /** Samples processed so far and in total (all phases). */
  progress(): { done: number; total: number } {
    const total = this.passes * this.nTrain + this.nLabel + this.nTest;
    const done = this.phaseNow === DiehlCookPhase.train ? this.passNow * this.nTrain + this.sampleNow
      : this.phaseNow === DiehlCookPhase.label ? this.passes * this.nTrain + this.sampleNow
        : this.phaseNow === DiehlCookPhase.test ? this.passes * this.nTrain + this.nLabel + this.sampleNow : total;
    return { done, total };
  }

  private present(images: Float32Array, s: number, intensity: number, learn: boolean): SimResult {
    const P = this.params;
    const D = this.data.inputs;
    for (let p = 0; p < D; p++) this.rates[p] = images[s * D + p] * P.rateHzPerPixel * (intensity / 2);
    const train = this.opts.inputEncoder === "bindsnet-poisson" ? bindsnetPoissonEncode(this.rates, this.ticksOn, P.tickMs, this.encRng)
      : poissonEncode(this.rates, this.ticksOn, P.tickMs, this.encRng);
    // The rest ticks follow in the same run (the train has no spikes past ticksOn), so spikes still in
    // flight on delayed synapses arrive in them, as in D&C's rest.
    const res = runState(this.spec, this.program, this.st, { spikes: new Map([["input", train]]) }, { steps: this.ticksOn + this.restTicks, learningEngine: this.le, learningEnabled: learn });
    resetNeuronState(this.st);
    resetLearningState(this.le);
    return res;
  }

  /**
   * The input-gain probe (cli/learn/auto-gain.ts): the untrained network — the first sample's normalisation
   * (Σ_i w_ij ← target) applied, θ frozen at its initial value, learning off — shown each of the first
   * `samples` training samples once at D&C's first intensity (2, i.e. rateHzPerPixel itself, no re-showing);
   * returns each one's excitatory spike count in the presentation. Meant for a run built only to be probed:
   * it leaves the weights normalised and θ frozen, and draws from the run's Poisson stream.
   */
  probeSpikes(samples: number): Float64Array {
    const n = Math.min(samples, this.nTrain);
    normaliseIncoming(this.le, this.st, this.projIndex, this.normTarget);
    this.freeze();
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) out[s] = countSpikes(this.present(this.data.trainImages, s, 2, false), "exc", undefined, 0, this.ticksOn);
    return out;
  }

  /** Weights and θ frozen (D&C's test mode). */
  private freeze(): void {
    this.st.thetaPlus?.fill(0);
    this.st.thetaDecay?.fill(1);
  }

  private respond(images: Float32Array, s: number, counts: Float64Array, row: number, acc: Accumulator | undefined): void {
    const N = this.neurons;
    let intensity = 2;
    for (;;) {
      counts.fill(0, row * N, (row + 1) * N);
      const res = this.present(images, s, intensity, false);
      if (acc !== undefined) addRunCounters(acc, this.st, res);
      const spikes = countSpikes(res, "exc", counts, row * N, this.ticksOn);
      if (spikes >= this.params.minSpikes || intensity >= this.params.maxIntensity) break;
      intensity++;
    }
  }

  private labelSet(): { counts: Float64Array; labels: ArrayLike<number> } {
    return this.nLabel > 0
      ? { counts: this.labelCounts, labels: this.data.trainLabels.subarray(this.nTrain - this.nLabel) }
      : { counts: this.trainCounts, labels: this.data.trainLabels };
  }

  private enterPhaseAfterTraining(): void {
    this.freeze();
    this.sampleNow = 0;
    if (this.nLabel > 0) { this.phaseNow = DiehlCookPhase.label; return; }
    this.startTest();
  }

  private startTest(): void {
    const ls = this.labelSet();
    this.assignment = assignLabels(ls.counts, ls.labels, this.neurons, this.data.classes);
    this.phaseNow = this.nTest > 0 ? DiehlCookPhase.test : DiehlCookPhase.done;
    this.sampleNow = 0;
  }

  /** Processes the next sample. */
  step(): void {
    const N = this.neurons;
    const P = this.params;
    switch (this.phaseNow) {
      case DiehlCookPhase.train: {
        const s = this.sampleNow;
        const last = this.passNow === this.passes - 1;
        const after = this.opts.normalise === "after-each-sample";
        let intensity = 2;
        for (;;) {
          // D&C's code (Diehl&Cook_spiking_MNIST.py, main loop): normalize_weights() at the top of every
          // training iteration, and a digit with < 5 spikes is shown again by the next iteration, so each
          // presentation, re-presentations at higher intensity included, starts normalised (audit s24c #2).
          if (!after) this.normOps += normaliseIncoming(this.le, this.st, this.projIndex, this.normTarget);
          const res = this.present(this.data.trainImages, s, intensity, true);
          this.presentations++;
          addRunCounters(this.trainAcc, this.st, res);
          const spikes = countSpikes(res, "exc", undefined, 0, this.ticksOn);
          if (spikes >= P.minSpikes || intensity >= P.maxIntensity) {
            if (last && this.nLabel === 0) countSpikes(res, "exc", this.trainCounts, s * N, this.ticksOn);
            break;
          }
          intensity++;
        }
        if (after) this.normOps += normaliseIncoming(this.le, this.st, this.projIndex, this.normTarget);
        const seen = this.passNow * this.nTrain + s + 1;
        this.opts.onProgress?.("train", seen, this.passes * this.nTrain);
        this.sampleNow++;
        if (this.sampleNow === this.nTrain) {
          this.sampleNow = 0;
          this.passNow++;
          if (this.passNow === this.passes) this.enterPhaseAfterTraining();
        }
        const every = this.opts.evalEvery;
        if (every !== undefined && seen % every === 0 && seen < this.passes * this.nTrain) {
          const point = this.evaluateFrozen(seen); // restores this.curve from its snapshot: push after
          this.curve.push(point);
        }
        return;
      }
      case DiehlCookPhase.label: {
        const k = this.sampleNow;
        this.respond(this.data.trainImages, this.nTrain - this.nLabel + k, this.labelCounts, k, undefined);
        this.opts.onProgress?.("label", k + 1, this.nLabel);
        this.sampleNow++;
        if (this.sampleNow === this.nLabel) this.startTest();
        return;
      }
      case DiehlCookPhase.test: {
        const s = this.sampleNow;
        this.respond(this.data.testImages, s, this.testCounts, s, this.testAcc);
        this.opts.onProgress?.("test", s + 1, this.nTest);
        this.sampleNow++;
        if (this.sampleNow === this.nTest) this.phaseNow = DiehlCookPhase.done;
        return;
      }
      default:
        throw new AerchipError("E_LEARN_DONE", "the learning run has finished", { field: "run", hint: "read result()" });
    }
  }

  /**
   * A learning-curve point now (between two training samples): the end-of-run evaluation (freeze, label
   * pass, label assignment, test) on the current weights and θ, then everything it touched is put back
   * (snapshot/restore, and θ's learning parameters), so the training continues as if it had not happened.
   * The evaluation's Poisson inputs start from the training stream's current state, as the final one does.
   */
  private evaluateFrozen(samples: number): CurvePoint {
    const snap = this.snapshot();
    const wallBefore = this.wallBefore;
    const thetaPlus = this.st.thetaPlus?.slice();
    const thetaDecay = this.st.thetaDecay?.slice();
    this.freeze();
    const N = this.neurons;
    const first = this.nTrain - this.nLabel;
    const labelCounts = new Float64Array(this.nLabel * N);
    for (let k = 0; k < this.nLabel; k++) this.respond(this.data.trainImages, first + k, labelCounts, k, undefined);
    const labels = this.data.trainLabels.subarray(first);
    const assignment = assignLabels(labelCounts, labels, N, this.data.classes);
    const labelAccuracy = accuracy(labelCounts, labels, assignment, this.data.classes);
    let acc: number | null = null;
    if (this.nTest > 0) {
      const testCounts = new Float64Array(this.nTest * N);
      for (let s = 0; s < this.nTest; s++) this.respond(this.data.testImages, s, testCounts, s, undefined);
      acc = accuracy(testCounts, this.data.testLabels, assignment, this.data.classes);
    }
    const extra = this.opts.scoreResponses?.(labelCounts) ?? {};
    this.restore(snap);
    this.wallBefore = wallBefore;
    if (thetaPlus !== undefined) this.st.thetaPlus!.set(thetaPlus);
    if (thetaDecay !== undefined) this.st.thetaDecay!.set(thetaDecay);
    return { samples, accuracy: acc, labelAccuracy, ...extra };
  }

  /**
   * Spike counts of the frozen label phase, samples × neurons (row k = the k-th of the last `nLabel`
   * training samples): the responses the label assignment, and a clustering's winners, are read from.
   */
  labelResponses(): Float64Array {
    if (!this.done) throw new AerchipError("E_LEARN_NOT_DONE", `the learning run is at ${this.where()}`, { field: "run", hint: "step() until done" });
    return this.labelSet().counts;
  }

  /** The run's results (after the last step). */
  result(): DiehlCookResult {
    if (!this.done) throw new AerchipError("E_LEARN_NOT_DONE", `the learning run is at ${this.where()}`, { field: "run", hint: "step() until done" });
    const N = this.neurons;
    if (this.assignment === undefined) this.startTest();
    const assignment = this.assignment!;
    const ls = this.labelSet();
    const trainAccuracy = accuracy(ls.counts, ls.labels, assignment, this.data.classes);
    const acc = accuracy(this.testCounts, this.data.testLabels, assignment, this.data.classes);
    const { spec, st, trainAcc, testAcc } = this;
    // A chip spec billing learning on weight changes (learningBilledOn "changes") bills the engine's, all made in
    // training (the test runs frozen: no engine, no updates).
    // The accumulators' synOpsByEnc are the counts energySynOpPj bills, as run's report bills them: every entry, or
    // on a spec billing connected synapses the events on non-zero weights (accumulate.ts).
    const eTrain = dynamicEnergyPj(spec, trainAcc.counts, 0, trainAcc.synOpsByEnc, 0, st.encodingNames, this.le.weightChanges.reduce((a, b) => a + b, 0));
    const eTest = dynamicEnergyPj(spec, testAcc.counts, 0, testAcc.synOpsByEnc, 0, st.encodingNames, 0);
    const perTrain = Math.max(1, this.passes * this.nTrain);
    const plasticSynapses = this.le.ruleSyn.length;
    return {
      neurons: N, weightBits: this.opts.weightBits ?? "float", trainSamples: this.nTrain, testSamples: this.nTest, passes: this.passes,
      accuracy: acc, trainAccuracy,
      energyPerTrainSamplePj: eTrain.dynamic / perTrain, energyPerInferencePj: eTest.dynamic / Math.max(1, this.nTest),
      learningEnergyPerTrainSamplePj: learningEnergyModelled(spec, trainAcc.counts[CounterKind.synUpdates]) ? eTrain.learning / perTrain : null, learningBilledOn: learningBillingBasis(spec),
      opsPerTrainSample: {
        synUpdates: trainAcc.counts[CounterKind.synUpdates] / perTrain, ruleEvaluations: trainAcc.counts[CounterKind.learnRuleEvaluations] / perTrain,
        traceUpdates: trainAcc.counts[CounterKind.learnTraceUpdates] / perTrain, normalisationOps: this.normOps / perTrain,
        synOps: trainAcc.counts[CounterKind.synOps] / perTrain, spikes: trainAcc.counts[CounterKind.spikes] / perTrain,
        // Billed on changes: the count the learning energy multiplies, so the figure can be reconciled from the file.
        ...(learningBillingBasis(spec) === "changes" ? { weightChanges: this.le.weightChanges.reduce((a, b) => a + b, 0) / perTrain } : {}),
        // Billed on connected synapses (ChipSpec.synOpsBilledOn "connected"): the events on non-zero weights energySynOpPj bills.
        ...(trainAcc.connectedOf === undefined ? {} : { connectedSynOps: trainAcc.synOpsByEnc.reduce((a, b) => a + b, 0) / perTrain }),
      },
      memory: {
        plasticSynapses, weightMemoryBits: plasticSynapses * (this.opts.weightBits ?? 64), traceMemoryBits: this.le.traceMemoryBits,
        thetaMemoryBits: N * 64,
      },
      presentations: this.presentations, wallSeconds: this.wallSeconds(),
      ...(this.opts.evalEvery === undefined ? {} : {
        curve: [...this.curve, {
          samples: this.passes * this.nTrain, accuracy: this.nTest > 0 ? acc : null, labelAccuracy: trainAccuracy,
          ...(this.opts.scoreResponses?.(ls.counts) ?? {}),
        }],
      }),
    };
  }

  private wallSeconds(): number {
    return this.wallBefore + (performance.now() - this.t0) / 1000;
  }

  /** The state between two samples (copies). */
  snapshot(): DiehlCookSnapshot {
    const { le, st, N } = { le: this.le, st: this.st, N: this.neurons };
    const weights = new Float64Array(le.ruleSyn.length);
    for (let i = 0; i < weights.length; i++) weights[i] = st.synWeight[le.ruleSyn[i]];
    const coreRng = new Uint32Array(4 * le.coreRng.length);
    le.coreRng.forEach((r, c) => coreRng.set(rngState(r), 4 * c));
    const rows = (counts: Float64Array, filled: number) => counts.slice(0, filled * N);
    const trainRows = this.phaseNow === DiehlCookPhase.train ? (this.passNow === this.passes - 1 ? this.sampleNow : 0) : this.nTrain;
    const labelRows = this.phaseNow === DiehlCookPhase.train ? 0 : this.phaseNow === DiehlCookPhase.label ? this.sampleNow : this.nLabel;
    const testRows = this.phaseNow === DiehlCookPhase.test ? this.sampleNow : this.phaseNow === DiehlCookPhase.done ? this.nTest : 0;
    return {
      phase: this.phaseNow, pass: this.passNow, sample: this.sampleNow, presentations: this.presentations, normOps: this.normOps,
      wallSeconds: this.wallSeconds(), weights, theta: (st.theta ?? new Float64Array(0)).slice(), encRng: rngState(this.encRng), coreRng,
      trainCounters: this.trainAcc.counts.slice(), trainSynOpsByEnc: this.trainAcc.synOpsByEnc.slice(),
      testCounters: this.testAcc.counts.slice(), testSynOpsByEnc: this.testAcc.synOpsByEnc.slice(),
      trainCounts: rows(this.trainCounts, this.trainCounts.length === 0 ? 0 : trainRows),
      labelCounts: rows(this.labelCounts, labelRows), testCounts: rows(this.testCounts, testRows),
      curve: this.curve.map((p) => ({ ...p })),
      weightChanges: le.weightChanges.slice(),
    };
  }

  /** Continues from a snapshot of a run with the same options (the checkpoint layer checks that). */
  restore(snap: DiehlCookSnapshot): void {
    const { le, st } = this;
    const bad = (field: string, detail: string): never => {
      throw new AerchipError("E_CHECKPOINT_MISMATCH", `checkpoint field ${field}: ${detail}`, { field, hint: "resume with the options of the run that wrote the checkpoint, or start again without --resume" });
    };
    if (snap.weights.length !== le.ruleSyn.length) bad("weights", `${snap.weights.length} plastic weights; this network has ${le.ruleSyn.length}`);
    if (snap.theta.length !== (st.theta?.length ?? 0)) bad("theta", `${snap.theta.length} thresholds; this network has ${st.theta?.length ?? 0}`);
    if (snap.coreRng.length !== 4 * le.coreRng.length) bad("coreRng", `${snap.coreRng.length / 4} rounding streams; this program has ${le.coreRng.length} cores`);
    if (snap.trainCounters.length !== this.trainAcc.counts.length || snap.testCounters.length !== this.testAcc.counts.length) bad("trainCounters", "counter table size differs");
    if (snap.trainSynOpsByEnc.length !== this.trainAcc.synOpsByEnc.length || snap.testSynOpsByEnc.length !== this.testAcc.synOpsByEnc.length) bad("trainSynOpsByEnc", "encoding count differs");
    if (!(snap.phase >= DiehlCookPhase.train && snap.phase <= DiehlCookPhase.done)) bad("phase", `${snap.phase} is not a phase`);
    if (!(Number.isInteger(snap.pass) && snap.pass >= 0 && snap.pass <= this.passes)) bad("pass", `${snap.pass} is outside 0..${this.passes}`);
    const phaseLen = [this.nTrain, this.nLabel, this.nTest, 0][snap.phase];
    if (!(Number.isInteger(snap.sample) && snap.sample >= 0 && snap.sample <= phaseLen)) bad("sample", `${snap.sample} is outside 0..${phaseLen}`);
    const N = this.neurons;
    const fits = (name: string, got: Float64Array, into: Float64Array) => { if (got.length > into.length || got.length % Math.max(1, N) !== 0) bad(name, `${got.length} values do not fit ${into.length}`); into.fill(0); into.set(got); };
    fits("trainCounts", snap.trainCounts, this.trainCounts);
    fits("labelCounts", snap.labelCounts, this.labelCounts);
    fits("testCounts", snap.testCounts, this.testCounts);
    if (snap.weightChanges !== undefined && snap.weightChanges.length !== le.weightChanges.length) bad("weightChanges", `${snap.weightChanges.length} rules; this network has ${le.weightChanges.length}`);
    // Without the count (a checkpoint from before it was saved), a bill on weight changes would miss the changes made before it.
    if (snap.weightChanges === undefined && learningBillingBasis(this.spec) === "changes") bad("weightChanges", "the checkpoint does not hold the weight changes, which this chip's learning energy bills (learningBilledOn \"changes\")");
    le.weightChanges.set(snap.weightChanges ?? new Float64Array(le.weightChanges.length));
    for (let i = 0; i < snap.weights.length; i++) st.synWeight[le.ruleSyn[i]] = snap.weights[i];
    st.theta?.set(snap.theta);
    restoreRngState(this.encRng, snap.encRng);
    le.coreRng.forEach((r, c) => restoreRngState(r, snap.coreRng.subarray(4 * c, 4 * c + 4)));
    this.trainAcc.counts.set(snap.trainCounters);
    this.trainAcc.synOpsByEnc.set(snap.trainSynOpsByEnc);
    this.testAcc.counts.set(snap.testCounters);
    this.testAcc.synOpsByEnc.set(snap.testSynOpsByEnc);
    this.phaseNow = snap.phase;
    this.passNow = snap.pass;
    this.sampleNow = snap.sample;
    this.presentations = snap.presentations;
    this.normOps = snap.normOps;
    this.wallBefore = snap.wallSeconds - (performance.now() - this.t0) / 1000;
    this.assignment = undefined;
    this.curve = snap.curve.map((p) => ({ ...p }));
    if (this.phaseNow !== DiehlCookPhase.train) this.freeze();
    if (this.phaseNow === DiehlCookPhase.test || this.phaseNow === DiehlCookPhase.done) {
      const ls = this.labelSet();
      this.assignment = assignLabels(ls.counts, ls.labels, this.neurons, this.data.classes);
    }
  }
}

/** The harness's rule (params.mu: −1 the released code's, −2 BindsNET's PostPre, −3 the paper's exponential rule, μ ≥ 0 its power-law rule). */
export function diehlCookRule(P: DiehlCookParams): NamedRule {
  // The paper's exponential weight dependence (diehl-cook-2015-exp): η = nuPost (the code's ν_post, as the power-law
  // rule's), x_tar = xTar, β = beta (user-given), wMax 1 (the code's wmax_ee), pre trace set to 1 on a spike as the code's.
  if (P.mu === MU_EXP_RULE) {
    return diehlCook2015Exp({ eta: P.nuPost, xTar: P.xTar, beta: P.beta, preTauTicks: P.preTauMs / P.tickMs, preTraceMode: "set", wMin: 0, wMax: 1 });
  }
  // BindsNET's PostPre (bindsnet/learning/MCC_learning.py): traces set to 1 on a spike (trace_scale 1, not additive),
  // pre spike w −= ν0·x_post, post spike w += ν1·x_pre, weights clipped to [wmin 0, wmax 1].
  if (P.mu === -2) {
    return pairStdp({ aPlus: P.nuPost, aMinus: P.nuPre, preTauTicks: P.preTauMs / P.tickMs, postTauTicks: P.post1TauMs / P.tickMs, pairing: "nearest", weightDependence: "additive", wMin: 0, wMax: 1 });
  }
  if (P.mu < 0) {
    return diehlCook2015Code({
      nuPre: P.nuPre, nuPost: P.nuPost, preTauTicks: P.preTauMs / P.tickMs, post1TauTicks: P.post1TauMs / P.tickMs, post2TauTicks: P.post2TauMs / P.tickMs,
    });
  }
  return diehlCook2015({ eta: P.nuPost, xTar: P.xTar, mu: P.mu, preTauTicks: P.preTauMs / P.tickMs, preTraceMode: "set", wMin: 0, wMax: 1 });
}

/** The DiehlCookParams a rule does not read (their --set is refused, their provenance says so). */
export function paramsUnusedByRule(mu: number): Array<keyof DiehlCookParams> {
  switch (learnRuleOfMu(mu)) {
    case "pair-stdp": return ["xTar", "post2TauMs", "beta"];
    case "diehl-cook-2015-code": return ["xTar", "beta"];
    case "diehl-cook-2015": return ["nuPre", "post1TauMs", "post2TauMs", "beta"];
    case "diehl-cook-2015-exp": return ["nuPre", "post1TauMs", "post2TauMs"];
  }
}

/**
 * --set keys the chosen rule does not read, refused (E_CLI_OPTION) rather than recorded as if they had acted:
 * the released code's rule (mu −1) has no x_tar; the paper's rules (mu ≥ 0: Δw = nuPost·(x_pre − xTar)·(1 − w)^mu,
 * and the exponential one, mu −3) have no pre-spike term (nuPre) and no post traces (post1TauMs, post2TauMs);
 * only the exponential rule reads beta.
 */
export function checkRuleParamsUsed(overrides: Partial<DiehlCookParams>, P: DiehlCookParams): void {
  const given = paramsUnusedByRule(P.mu).filter((k) => Object.hasOwn(overrides, k));
  if (given.length === 0) return;
  const name = learnRuleOfMu(P.mu);
  const rule = name === "diehl-cook-2015-code" ? "the released code's rule (mu −1, the default)" : name === "diehl-cook-2015" ? `the paper's rule (mu ${P.mu}: Δw = nuPost·(x_pre − xTar)·(1 − w)^mu on post spikes)` : LEARN_RULE_TEXT[name];
  const hint = given.includes("beta") && given.length === 1 ? "drop beta, or choose the exponential rule that reads it: --rule diehl-cook-2015-exp"
    : name === "pair-stdp" ? `drop ${given.join(", ")} (PostPre has one post trace, post1TauMs), or use another rule (mu -1 or mu >= 0)`
      : name === "diehl-cook-2015-code" ? "add --set mu=0.2 (the paper's rule, which reads xTar), or drop xTar"
        : `drop ${given.join(", ")}, or use the released code's rule (drop mu)`;
  throw new AerchipError("E_CLI_OPTION", `--set ${given.join(", ")}: ${rule} does not read ${given.length === 1 ? "it" : "them"}, so ${given.length === 1 ? "it" : "they"} would change nothing`, { field: "--set", hint });
}

/**
 * Before any width runs: a power-law rule (μ not 0 or 1) or the exponential rule with quantised weights needs a chip
 * whose learning engine has a lookup table (the compiler would refuse it only at that width, after the float run,
 * with the same E_LEARNING_CLOSED_FORM as a model file's rule: compiler/passes/learning-lut.ts).
 */
export function checkDiehlCookRuleFits(spec: ChipSpec, P: DiehlCookParams, widths: ReadonlyArray<number | undefined>): void {
  const w = widths.find((x) => x !== undefined);
  if (w === undefined || spec.precision.learningLutFractionBits !== undefined) return;
  if (P.mu === MU_EXP_RULE) {
    throw new AerchipError("E_LEARNING_CLOSED_FORM", `the exponential rule (diehl-cook-2015-exp) has exponentials of the weight, e^(−beta·w) and e^(−beta·(1 − w)); with --weight-bits ${w}, chip "${spec.name}"'s learning engine (sum-of-products only) has no lookup table for them`, {
      field: "--rule", hint: "drop --weight-bits (float weights: the ideal mode), or use a chip whose learning engine has a lookup table (--arch generic, a modelling choice), or another --rule",
    });
  }
  if (P.mu < 0 || P.mu === 0 || P.mu === 1) return;
  throw new AerchipError("E_LEARNING_CLOSED_FORM", `mu = ${P.mu} makes the rule's (1 − w)^mu a power of the weight; with --weight-bits ${w}, chip "${spec.name}"'s learning engine (sum-of-products only) cannot evaluate it`, {
    field: "mu", hint: "drop --weight-bits (float weights: the ideal mode), or use a chip whose learning engine has a lookup table (--arch generic, a modelling choice), or mu=0, mu=1 or mu=-1",
  });
}

/** The network compiled for the chip; a chip whose delays are too short for inputDelayMaxMs is named by the parameter. */
function compileDiehlCook(graph: ModelGraph, spec: ChipSpec, P: DiehlCookParams): ChipProgram {
  try {
    return compileModel(graph, spec, {}).program;
  } catch (e) {
    if (!isAerchipError(e) || e.code !== "E_CORE_DELAY_EXCEEDED" || !(P.inputDelayMaxMs > 0)) throw e;
    const most = spec.core.maxDelayTicks;
    throw new AerchipError(e.code, `${e.message} (the input delays of inputDelayMaxMs ${P.inputDelayMaxMs} at tickMs ${P.tickMs})`, {
      field: "inputDelayMaxMs", hint: `give --set inputDelayMaxMs of at most ${most * P.tickMs} (d < inputDelayMaxMs waits 1 + ⌊d/tickMs⌋ ticks; this chip holds ${most}), or a chip with longer delays`, cause: e,
    });
  }
}

export function trainDiehlCook(spec: ChipSpec, data: LearnSplit, opts: DiehlCookOptions): DiehlCookResult {
  const run = new DiehlCookRun(spec, data, opts);
  while (!run.done) run.step();
  return run.result();
}
