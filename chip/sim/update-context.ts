/**
 * Builds the UpdateContext the update kernels (update.ts) read and write: the state's neuron arrays plus
 * the per-run buffers (fired lists, per-core tallies, input flags). A multi-threaded run gives every
 * thread its own fired lists and stimulus cursor, and shares the per-neuron and per-core buffers (each
 * thread writes only its own cores' entries), so the same kernels serve one thread or many.
 */
import type { FixedPointProgram } from "../program/types.ts";
import type { ChipSpec } from "../spec/types.ts";
import { heapArrays, type ArrayAllocator } from "./alloc.ts";
import type { SimState } from "./state.ts";
import { TALLY_COUNT, type UpdateContext } from "./update.ts";

/** Per-run buffers of an UpdateContext. */
export type UpdateBuffers = Pick<UpdateContext, "gotInput" | "inputNow" | "fired" | "firedAccessed" | "firedUpdated" | "firedFired" | "coreTally" | "stimCursor"> & {
  /** UpdateContext.inputRepeat (runs whose stimulus keeps repeats); absent: empty. */
  readonly inputRepeat?: Uint32Array;
};

/** Per-neuron and per-core buffers (shared by every thread of a run). */
export type SharedUpdateBuffers = Pick<UpdateContext, "gotInput" | "inputNow" | "coreTally">;

export function allocSharedUpdateBuffers(st: SimState, alloc: ArrayAllocator = heapArrays): SharedUpdateBuffers {
  return {
    gotInput: alloc.u8(st.dynamics !== undefined ? st.neuronCount : 0),
    inputNow: alloc.u8(st.neuronCount),
    coreTally: alloc.f64(st.coreCount * TALLY_COUNT),
  };
}

/** Fired lists for up to `capacity` neurons (a thread's share, or every neuron). */
export function allocFiredLists(capacity: number, alloc: ArrayAllocator = heapArrays): Pick<UpdateBuffers, "fired" | "firedAccessed" | "firedUpdated" | "firedFired"> {
  const n = Math.max(1, capacity);
  return { fired: alloc.u32(n), firedAccessed: alloc.u32(n), firedUpdated: alloc.u32(n), firedFired: alloc.u32(n) };
}

/**
 * Which compartments the timing model counts as "updated": Loihi-style specs (an inactive-update cost)
 * count those that received input; others every integrating compartment.
 */
export function countsUpdatesWithInput(spec: ChipSpec): boolean {
  return spec.costs.energyNeuronInactivePj !== undefined || spec.costs.latencyNeuronInactiveNs !== undefined;
}

/**
 * `updatedWithInput`: the timing model counts compartments that received input as updated (Loihi-style
 * specs), else every integrating compartment.
 */
export function createUpdateContext(st: SimState, fx: FixedPointProgram | undefined, updatedWithInput: boolean, buffers: UpdateBuffers): UpdateContext {
  const hasDynamics = st.dynamics !== undefined;
  const none8 = new Uint8Array(0);
  const noneF = new Float64Array(0);
  return {
    kind: st.kind, spiking: st.spiking, voltageDecay: st.voltageDecay, currentDecay: st.currentDecay, inputGain: st.inputGain, bias: st.bias, coreBiasZero: st.coreBiasZero,
    vThreshold: st.vThreshold, vReset: st.vReset, resetMode: st.resetMode, thresholdOp: st.thresholdOp, refractoryTicks: st.refractoryTicks,
    v: st.v, u: st.u, acc: st.acc, refractoryLeft: st.refractoryLeft,
    dynamics: st.dynamics ?? none8, vTruncScale: st.vTruncScale ?? noneF, vReverseThreshold: st.vReverseThreshold ?? noneF,
    reverseResetMode: st.reverseResetMode ?? none8, vReverseReset: st.vReverseReset ?? noneF, forceUpdate: st.forceUpdate ?? none8, hasDynamics,
    hasReverse: st.reverseResetMode !== undefined,
    theta: st.theta ?? noneF, thetaPlus: st.thetaPlus ?? noneF, thetaDecay: st.thetaDecay ?? noneF, hasTheta: st.theta !== undefined,
    thetaDrift: st.thetaDrift ?? noneF, thetaMin: st.thetaMin ?? noneF, thetaMax: st.thetaMax ?? noneF, hasThetaBounds: st.theta !== undefined && st.thetaDrift !== undefined,
    cond: st.cond,
    gotInput: buffers.gotInput, inputNow: buffers.inputNow, inputRepeat: buffers.inputRepeat ?? new Uint32Array(0),
    fired: buffers.fired, firedAccessed: buffers.firedAccessed, firedUpdated: buffers.firedUpdated, firedFired: buffers.firedFired,
    updatedWithInput, fixed: fx !== undefined,
    decayDen: fx === undefined ? 1 : 2 ** fx.decayBits, stateLim: fx === undefined ? Infinity : 2 ** (fx.stateBits - 1) - 1, curLim: fx === undefined ? Infinity : 2 ** (fx.currentBits - 1) - 1,
    coreTally: buffers.coreTally, coreNeuronStart: st.coreNeuronStart, stimCursor: buffers.stimCursor,
    wasm: undefined, wasmContext: 0,
  };
}
