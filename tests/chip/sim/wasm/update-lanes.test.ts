/**
 * The WebAssembly update kernels of uniform cores (lifUniform, sanafeUniform: two neurons per float64x2
 * lane pair, scalar for refractory pairs and an odd last neuron) against their TypeScript twins, one tick
 * at a time on randomised state. Every potential, current, refractory counter, input mark, fired-list
 * entry (neuron, accessed, updated so far, fired so far) and per-core tally must agree bit for bit, with
 * the chip counting updates with input only or every update. The random state puts refractory neurons
 * beside active ones, both lanes of a pair over threshold, zero and negative-zero potentials, and
 * potentials under the reverse threshold, far more often than a network run does.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type NeuronParamsIR, type PopulationIR } from "../../../../compiler/ir/types.ts";
import { NeuronDynamics, ResetMode, ThresholdOp } from "../../../../chip/program/types.ts";
import { buildSimState, type SimState } from "../../../../chip/sim/state.ts";
import { CoreClass, classifyCores, classRuns, type UpdateContext } from "../../../../chip/sim/update.ts";
import { allocFiredLists, allocSharedUpdateBuffers, createUpdateContext } from "../../../../chip/sim/update-context.ts";
import { updateCoreRuns } from "../../../../chip/sim/update-cores.ts";
import { oneThreadContext, runBuffers, writeUpdateContext } from "../../../../chip/sim/wasm/binding.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { createRng, type Rng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";

type Variant = Parameters<typeof uniformNeuronParams>[1] & { sanafe?: { scale: number; reverse: number; reverseMode: ResetMode; force: boolean } };

/** Odd population sizes on cores of at most 23 neurons: most cores end on an unpaired neuron. */
const VARIANTS: Array<{ name: string; size: number; spiking?: boolean; v: Variant }> = [
  { name: "a", size: 37, v: { voltageDecay: 0.9, currentDecay: 0.5, vThreshold: 1, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.ge, refractoryTicks: 2, vReset: -0.25, bias: 0.0625, sanafe: { scale: 64, reverse: -0.5, reverseMode: ResetMode.zero, force: false } } },
  { name: "b", size: 52, v: { voltageDecay: 0.95, currentDecay: 0, vThreshold: 0.75, resetMode: ResetMode.subtract, thresholdOp: ThresholdOp.gt, refractoryTicks: 0, sanafe: { scale: 10, reverse: -0.25, reverseMode: ResetMode.subtract, force: true } } },
  { name: "c", size: 9, v: { voltageDecay: 0.6, currentDecay: 0.25, vThreshold: 0.5, resetMode: ResetMode.none, thresholdOp: ThresholdOp.ge, refractoryTicks: 3, inputGain: 0.5, sanafe: { scale: 0, reverse: -0.75, reverseMode: ResetMode.saturate, force: false } } },
  // Non-spiking (the kernels' third comparison variant), with −0 biases: not "all +0", so they are read.
  { name: "d", size: 45, spiking: false, v: { voltageDecay: 0.8, currentDecay: 0.5, vThreshold: 0.25, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.gt, refractoryTicks: 1, bias: -0, sanafe: { scale: 32, reverse: -0.5, reverseMode: ResetMode.zero, force: false } } },
  // Non-spiking with +0 biases (the constant-bias variant of the same loop).
  { name: "e", size: 23, spiking: false, v: { voltageDecay: 0.7, currentDecay: 0.5, vThreshold: 0.25, resetMode: ResetMode.subtract, thresholdOp: ThresholdOp.ge, refractoryTicks: 2, sanafe: { scale: 16, reverse: -0.5, reverseMode: ResetMode.zero, force: true } } },
];

function graphOf(dynamics: "lif" | "sanafe"): ModelGraph {
  const populations: PopulationIR[] = VARIANTS.map(({ name, size, spiking = true, v }) => {
    const base = uniformNeuronParams(size, v);
    const s = v.sanafe!;
    const params: NeuronParamsIR = dynamics === "lif" ? base : {
      ...base,
      dynamics: new Uint8Array(size).fill(NeuronDynamics.sanafeLif),
      vTruncScale: new Float64Array(size).fill(s.scale),
      vReverseThreshold: new Float64Array(size).fill(s.reverse),
      reverseResetMode: new Uint8Array(size).fill(s.reverseMode),
      vReverseReset: new Float64Array(size).fill(-0.125),
      forceUpdate: new Uint8Array(size).fill(s.force ? 1 : 0),
    };
    return { name, kind: "neuron", size, shape: [size], spiking, params };
  });
  return { name: `lanes-${dynamics}`, defaultSteps: 1, populations, projections: [] };
}

/** A random value of the kinds that steer the kernels' branches. */
function pick(rng: Rng, zeroShare: number, lo: number, hi: number): number {
  const r = rng.nextFloat();
  if (r < zeroShare / 2) return 0;
  if (r < zeroShare) return -0;
  return lo + (hi - lo) * rng.nextFloat();
}

function randomise(rng: Rng, st: SimState, gotInput: Uint8Array): void {
  for (let n = 0; n < st.neuronCount; n++) {
    st.acc[n] = pick(rng, 0.4, -0.5, 1.5);
    st.v[n] = pick(rng, 0.2, -1, 2);
    st.u[n] = pick(rng, 0.3, -0.25, 0.5);
    st.refractoryLeft[n] = rng.nextFloat() < 0.15 ? 1 + rng.nextBelow(3) : 0;
    if (gotInput.length > 0) gotInput[n] = rng.nextFloat() < 0.3 ? 1 : 0;
  }
}

function copyState(from: SimState, to: SimState, gotFrom: Uint8Array, gotTo: Uint8Array): void {
  to.acc.set(from.acc);
  to.v.set(from.v);
  to.u.set(from.u);
  to.refractoryLeft.set(from.refractoryLeft);
  gotTo.set(gotFrom);
}

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function expectSameBits(what: string, a: ArrayBufferView, b: ArrayBufferView): void {
  expect(Buffer.from(bytes(a)).equals(Buffer.from(bytes(b))), what).toBe(true);
}

function checkAgainstTwin(dynamics: "lif" | "sanafe", withInputCounts: boolean, seed: number): { fired: number; refractoryPairs: number } {
  const spec = genericWith({ maxNeurons: 23 });
  const { program } = compileModel(graphOf(dynamics), spec, {});
  const wa = buildSimState(spec, program);
  const js = buildSimState(spec, program, { kernels: "js" });
  const coreClass = classifyCores(wa, false);
  const uniform = dynamics === "lif" ? CoreClass.lifUniform : CoreClass.sanafeUniform;
  expect(Array.from(coreClass).every((c) => c === uniform), `every core is ${dynamics}Uniform`).toBe(true);
  const b = wa.wasm!;
  const updW: UpdateContext = createUpdateContext(wa, undefined, withInputCounts, { ...runBuffers(b, wa), stimCursor: new Int32Array(1) });
  updW.wasm = kernelsFor(b.memory);
  updW.wasmContext = writeUpdateContext(b.memory, oneThreadContext(b), updW);
  const updJ: UpdateContext = createUpdateContext(js, undefined, withInputCounts, { ...allocSharedUpdateBuffers(js), ...allocFiredLists(js.neuronCount), stimCursor: new Int32Array(1) });
  const runs = classRuns(coreClass);
  const none = new Uint32Array(0);
  const rng = createRng(seed);
  let fired = 0;
  let refractoryPairs = 0;
  for (let t = 0; t < 60; t++) {
    randomise(rng, wa, updW.gotInput);
    copyState(wa, js, updW.gotInput, updJ.gotInput);
    for (let n = 0; n + 1 < wa.neuronCount; n += 2) if (wa.refractoryLeft[n] > 0 !== wa.refractoryLeft[n + 1] > 0) refractoryPairs++;
    const nW = updateCoreRuns(updW, runs, t, none, 0, 0, coreClass, wa.coreOfNeuron, 0, wa.neuronCount);
    const nJ = updateCoreRuns(updJ, runs, t, none, 0, 0, coreClass, js.coreOfNeuron, 0, js.neuronCount);
    const at = `${dynamics}, tick ${t}, with-input counts ${withInputCounts}`;
    expect(nW, `${at}: fired`).toBe(nJ);
    for (const k of ["fired", "firedAccessed", "firedUpdated", "firedFired"] as const) expectSameBits(`${at}: ${k}`, updW[k].subarray(0, nW), updJ[k].subarray(0, nJ));
    for (const k of ["v", "u", "acc", "refractoryLeft"] as const) expectSameBits(`${at}: ${k}`, wa[k], js[k]);
    expectSameBits(`${at}: gotInput`, updW.gotInput, updJ.gotInput);
    expectSameBits(`${at}: core tallies`, updW.coreTally, updJ.coreTally);
    fired += nW;
  }
  return { fired, refractoryPairs };
}

describe("the WebAssembly update kernels of uniform cores equal their TypeScript twins tick by tick", () => {
  for (const dynamics of ["lif", "sanafe"] as const) {
    for (const withInputCounts of [true, false]) {
      it(`${dynamics}Uniform, counting ${withInputCounts ? "updates with input" : "every update"}`, () => {
        const { fired, refractoryPairs } = checkAgainstTwin(dynamics, withInputCounts, dynamics === "lif" ? 5 : 6);
        // The random states exercise what they are for: many spikes (both lanes of pairs) and mixed pairs.
        expect(fired).toBeGreaterThan(1000);
        expect(refractoryPairs).toBeGreaterThan(500);
      });
    }
  }
});
