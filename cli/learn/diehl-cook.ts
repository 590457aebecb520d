/**
 * Unsupervised MNIST on the chip, Diehl & Cook 2015 style (papers.md §5; their released code's
 * parameters, mapped onto the chip's current-based compartment with 1 ms ticks, voltages in mV above rest):
 *   input (784, Poisson, rate = pixel·63.75 Hz·intensity/2) ─plastic─▶ exc (N LIF, adaptive θ)
 *   exc ─one-to-one─▶ inh (N) ─all-but-self, inhibitory─▶ exc          (winner-take-all as synapses)
 * Schedule per sample: Σ_i w_ij ← 78 for every exc neuron j (normalisation), `ticksOn` ticks of input
 * with learning on; if exc fired < 5 spikes the intensity rises by 1 and the sample is shown again
 * (D&C); then the state resets (v, u, traces: what the 150-tick rest achieves, so the rest ticks are
 * not simulated). Readout: with weights and θ frozen, the training digits are shown once more and each
 * neuron is labelled with its strongest class (label assignment); then accuracy on the test digits.
 * Conductances become currents: one input spike of weight w moves v by ≈ 0.6·w mV (D&C: w·1 ms/100 ms
 * ·(E_exc − v) with v ≈ −60 mV), hence inputGain 0.38 with a 1 ms synaptic current (0.38·Σ e^−k ≈ 0.6);
 * one inhibitory spike moves v by ≈ −13.6 mV (17·2 ms/100 ms·(−100 + 60)).
 */
import type { ChipSpec } from "../../chip/spec/types.ts";
import { compileModel } from "../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../compiler/ir/types.ts";
import { ResetMode } from "../../chip/program/types.ts";
import { diehlCook2015Code } from "../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../chip/program/learning-program.ts";
import { buildSimState, resetNeuronState, type SimState } from "../../chip/sim/state.ts";
import { runState, type SimResult } from "../../chip/sim/run.ts";
import { buildLearningEngine, normaliseIncoming, resetLearningState } from "../../chip/sim/learning.ts";
import { COUNTER_COUNT, CounterKind } from "../../chip/sim/counters.ts";
import { dynamicEnergyPj } from "../../chip/report/energy.ts";
import { poissonEncode } from "../../chip/learning/encoders.ts";
import { accuracy, assignLabels } from "../../chip/learning/readout.ts";
import { createRng, type Rng } from "../../core/rng.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { MNIST_CLASSES, MNIST_PIXELS, type MnistSplit } from "./mnist-data.ts";

export interface DiehlCookOptions {
  readonly neurons: number;
  /** Training passes over the training digits (the issue allows at most 3). */
  readonly passes?: number;
  /** Weight memory width of the plastic synapses (absent = float64). */
  readonly weightBits?: number;
  readonly traceBits?: number;
  readonly rounding?: "nearest" | "stochastic";
  readonly seed?: number;
  readonly ticksOn?: number;
  readonly ticksRest?: number;
  readonly normTarget?: number;
  /**
   * Training digits (the last ones) shown again with weights and θ frozen to assign the labels
   * (default: all of them); 0 = label from the responses recorded during the last training pass.
   */
  readonly labelSamples?: number;
  /** Called after every training / label / test sample. */
  readonly onProgress?: (phase: "train" | "label" | "test", done: number, total: number) => void;
}

export interface LearningOps {
  readonly synUpdates: number;
  readonly ruleEvaluations: number;
  readonly traceUpdates: number;
  readonly normalisationOps: number;
  readonly synOps: number;
  readonly spikes: number;
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
  /** Dynamic energy (chip/report/energy.ts) per training presentation (re-presentations included) and per test sample. */
  readonly energyPerTrainSamplePj: number;
  readonly energyPerInferencePj: number;
  readonly learningEnergyPerTrainSamplePj: number;
  /** Learning work per training sample (means). */
  readonly opsPerTrainSample: LearningOps;
  readonly memory: { readonly plasticSynapses: number; readonly weightMemoryBits: number; readonly traceMemoryBits: number; readonly thetaMemoryBits: number };
  readonly presentations: number;
  readonly wallSeconds: number;
}

const D_AND_C = {
  tauExcMs: 100, tauInhMs: 10, tauSynMs: 1, vThresholdExc: 13, vThresholdInh: 20, vResetInh: 15,
  refractoryExc: 5, refractoryInh: 2, thetaPlus: 0.05, tauThetaMs: 1e7, inputGainExc: 0.38, inputGainInh: 3,
  wExcInh: 10.4, wInhExc: -22.6, wInitMax: 0.3, rateHzPerPixel: 63.75, minSpikes: 5, maxIntensity: 32,
} as const;

export function diehlCookGraph(neurons: number, learning: ReturnType<typeof learningProgramFromNamedRule>, rng: Rng): ModelGraph {
  const N = neurons;
  const exc = uniformNeuronParams(N, {
    voltageDecay: Math.exp(-1 / D_AND_C.tauExcMs), currentDecay: Math.exp(-1 / D_AND_C.tauSynMs), inputGain: D_AND_C.inputGainExc,
    vThreshold: D_AND_C.vThresholdExc, vReset: 0, resetMode: ResetMode.zero, refractoryTicks: D_AND_C.refractoryExc,
  });
  const excParams = { ...exc, thetaPlus: new Float64Array(N).fill(D_AND_C.thetaPlus), thetaDecay: new Float64Array(N).fill(Math.exp(-1 / D_AND_C.tauThetaMs)) };
  const inh = uniformNeuronParams(N, {
    voltageDecay: Math.exp(-1 / D_AND_C.tauInhMs), currentDecay: 0, inputGain: D_AND_C.inputGainInh,
    vThreshold: D_AND_C.vThresholdInh, vReset: D_AND_C.vResetInh, resetMode: ResetMode.zero, refractoryTicks: D_AND_C.refractoryInh,
  });
  const S = MNIST_PIXELS * N;
  const pre = new Uint32Array(S);
  const post = new Uint32Array(S);
  const w = new Float64Array(S);
  for (let i = 0, s = 0; i < MNIST_PIXELS; i++) for (let j = 0; j < N; j++, s++) {
    pre[s] = i; post[s] = j; w[s] = (rng.nextFloat() + 0.01) * D_AND_C.wInitMax;
  }
  const oneToOne = Uint32Array.from({ length: N }, (_, j) => j);
  const ip: number[] = [];
  const ie: number[] = [];
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) { ip.push(i); ie.push(j); }
  return {
    name: `diehl-cook-${N}`, defaultSteps: 350,
    populations: [
      { name: "input", kind: "input", size: MNIST_PIXELS, shape: [28, 28], spiking: true },
      { name: "exc", kind: "neuron", size: N, shape: [N], spiking: true, params: excParams },
      { name: "inh", kind: "neuron", size: N, shape: [N], spiking: true, params: inh },
    ],
    projections: [
      { name: "input_exc", pre: "input", post: "exc", encoding: "dense", preIndex: pre, postIndex: post, weight: w, delayTicks: new Uint16Array(S).fill(1), learning },
      { name: "exc_inh", pre: "exc", post: "inh", encoding: "sparse", preIndex: oneToOne, postIndex: oneToOne.slice(), weight: new Float64Array(N).fill(D_AND_C.wExcInh), delayTicks: new Uint16Array(N).fill(1) },
      { name: "inh_exc", pre: "inh", post: "exc", encoding: "dense", preIndex: Uint32Array.from(ip), postIndex: Uint32Array.from(ie), weight: new Float64Array(ip.length).fill(D_AND_C.wInhExc), delayTicks: new Uint16Array(ip.length).fill(1) },
    ],
  };
}

interface Accumulator { counts: Float64Array; synOpsByEnc: Float64Array }

function addCounters(acc: Accumulator, st: SimState, res: SimResult): void {
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  for (let c = 0; c < st.coreCount; c++) {
    for (let k = 0; k < K; k++) acc.counts[k] += res.counters.perCore[c * K + k];
    for (let e = 0; e < E; e++) acc.synOpsByEnc[e] += res.counters.synOpsByEncoding[c * E + e];
  }
}

function newAcc(st: SimState): Accumulator {
  return { counts: new Float64Array(COUNTER_COUNT), synOpsByEnc: new Float64Array(Math.max(1, st.encodingNames.length)) };
}

/** Spikes of population `name` per neuron (population order) in one run. */
function countSpikes(res: SimResult, name: string, out: Float64Array, offset: number): number {
  const sp = res.spikes.get(name)!;
  for (let k = 0; k < sp.neuron.length; k++) out[offset + sp.neuron[k]]++;
  return sp.neuron.length;
}

export function trainDiehlCook(spec: ChipSpec, data: MnistSplit, opts: DiehlCookOptions): DiehlCookResult {
  const t0 = performance.now();
  const N = opts.neurons;
  if (!Number.isInteger(N) || N < 1) throw new AerchipError("E_LEARN_NEURONS", `--neurons is ${N}; it must be an integer ≥ 1`, { field: "--neurons", hint: "e.g. --neurons 100" });
  const passes = opts.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1 || passes > 3) throw new AerchipError("E_LEARN_PASSES", `--passes is ${passes}; it must be 1, 2 or 3`, { field: "--passes", hint: "the benchmark allows at most 3 passes over the training digits" });
  const seed = opts.seed ?? 1;
  const ticksOn = opts.ticksOn ?? 350;
  const normTarget = opts.normTarget ?? 78;
  const rng = createRng(seed);
  const rule = diehlCook2015Code();
  const lr = learningProgramFromNamedRule(rule, {
    ...(opts.weightBits === undefined ? {} : { weightBits: opts.weightBits }),
    ...(opts.traceBits === undefined ? {} : { traceBits: opts.traceBits }),
    rounding: opts.rounding ?? "stochastic", seed,
  });
  const graph = diehlCookGraph(N, lr, rng.fork(1));
  const { program } = compileModel(graph, spec, {});
  const st = buildSimState(spec, program);
  const le = buildLearningEngine(program, st);
  const projIndex = program.projections.findIndex((p) => p.name === "input_exc");
  const encRng = rng.fork(2);
  const nTrain = data.trainLabels.length;
  const nTest = data.testLabels.length;
  const rates = new Float64Array(MNIST_PIXELS);
  const trainAcc = newAcc(st);
  let normOps = 0;
  let presentations = 0;
  const trainCounts = new Float64Array(nTrain * N);
  const present = (images: Float32Array, s: number, intensity: number, learn: boolean): SimResult => {
    for (let p = 0; p < MNIST_PIXELS; p++) rates[p] = images[s * MNIST_PIXELS + p] * D_AND_C.rateHzPerPixel * (intensity / 2);
    const train = poissonEncode(rates, ticksOn, 1, encRng);
    const res = runState(spec, program, st, { spikes: new Map([["input", train]]) }, { steps: ticksOn, learningEngine: le, learningEnabled: learn });
    resetNeuronState(st);
    resetLearningState(le);
    return res;
  };
  for (let pass = 0; pass < passes; pass++) {
    const last = pass === passes - 1;
    for (let s = 0; s < nTrain; s++) {
      normOps += normaliseIncoming(le, st, projIndex, normTarget);
      let intensity = 2;
      for (;;) {
        const res = present(data.trainImages, s, intensity, true);
        presentations++;
        addCounters(trainAcc, st, res);
        const spikes = res.spikes.get("exc")!.neuron.length;
        if (spikes >= D_AND_C.minSpikes || intensity >= D_AND_C.maxIntensity) {
          if (last) countSpikes(res, "exc", trainCounts, s * N);
          break;
        }
        intensity++;
      }
      opts.onProgress?.("train", pass * nTrain + s + 1, passes * nTrain);
    }
  }
  // From here on weights and θ are frozen (D&C's test mode).
  st.thetaPlus?.fill(0);
  st.thetaDecay?.fill(1);
  const respond = (images: Float32Array, s: number, counts: Float64Array, row: number, acc: Accumulator | undefined): void => {
    let intensity = 2;
    for (;;) {
      counts.fill(0, row * N, (row + 1) * N);
      const res = present(images, s, intensity, false);
      if (acc !== undefined) addCounters(acc, st, res);
      const spikes = countSpikes(res, "exc", counts, row * N);
      if (spikes >= D_AND_C.minSpikes || intensity >= D_AND_C.maxIntensity) break;
      intensity++;
    }
  };
  const nLabel = Math.min(nTrain, opts.labelSamples ?? nTrain);
  let labelCounts = trainCounts;
  let labelLabels: ArrayLike<number> = data.trainLabels;
  if (nLabel > 0) {
    labelCounts = new Float64Array(nLabel * N);
    labelLabels = data.trainLabels.subarray(nTrain - nLabel);
    for (let k = 0; k < nLabel; k++) {
      respond(data.trainImages, nTrain - nLabel + k, labelCounts, k, undefined);
      opts.onProgress?.("label", k + 1, nLabel);
    }
  }
  const assignment = assignLabels(labelCounts, labelLabels, N, MNIST_CLASSES);
  const trainAccuracy = accuracy(labelCounts, labelLabels, assignment, MNIST_CLASSES);
  const testAcc = newAcc(st);
  const testCounts = new Float64Array(nTest * N);
  for (let s = 0; s < nTest; s++) {
    respond(data.testImages, s, testCounts, s, testAcc);
    opts.onProgress?.("test", s + 1, nTest);
  }
  const acc = accuracy(testCounts, data.testLabels, assignment, MNIST_CLASSES);
  const eTrain = dynamicEnergyPj(spec, trainAcc.counts, 0, trainAcc.synOpsByEnc, 0, st.encodingNames);
  const eTest = dynamicEnergyPj(spec, testAcc.counts, 0, testAcc.synOpsByEnc, 0, st.encodingNames);
  const perTrain = Math.max(1, passes * nTrain);
  const plasticSynapses = le.ruleSyn.length;
  return {
    neurons: N, weightBits: opts.weightBits ?? "float", trainSamples: nTrain, testSamples: nTest, passes,
    accuracy: acc, trainAccuracy,
    energyPerTrainSamplePj: eTrain.dynamic / perTrain, energyPerInferencePj: eTest.dynamic / Math.max(1, nTest),
    learningEnergyPerTrainSamplePj: eTrain.learning / perTrain,
    opsPerTrainSample: {
      synUpdates: trainAcc.counts[CounterKind.synUpdates] / perTrain, ruleEvaluations: trainAcc.counts[CounterKind.learnRuleEvaluations] / perTrain,
      traceUpdates: trainAcc.counts[CounterKind.learnTraceUpdates] / perTrain, normalisationOps: normOps / perTrain,
      synOps: trainAcc.counts[CounterKind.synOps] / perTrain, spikes: trainAcc.counts[CounterKind.spikes] / perTrain,
    },
    memory: {
      plasticSynapses, weightMemoryBits: plasticSynapses * (opts.weightBits ?? 64), traceMemoryBits: le.traceMemoryBits,
      thetaMemoryBits: N * 64,
    },
    presentations, wallSeconds: (performance.now() - t0) / 1000,
  };
}

