/**
 * Phase 2 over a range of cores: marks the stimulus' input neurons on `generic` cores, then runs each
 * maximal run of same-class cores through its kernel (update.ts), appending fired neurons in core order.
 * The one-thread run calls it for every core; each thread of a multi-threaded run for its own cores, with
 * its own fired list and stimulus cursor — the concatenation of the threads' lists in core order is the
 * one-thread list.
 */
import {
  classRuns, CoreClass, fireInputs, updateGeneric, updateLif, updateLifFixed, updateLifUniform, updateSanafe, updateSanafeUniform, type UpdateContext,
} from "./update.ts";

/** classRuns (first core, end core, class) of the cores [c0, c1) only. */
export function classRunsOf(coreClass: Uint8Array, c0: number, c1: number): Uint32Array {
  const runs = classRuns(coreClass.subarray(c0, c1));
  for (let i = 0; i < runs.length; i += 3) {
    runs[i] += c0;
    runs[i + 1] += c0;
  }
  return runs;
}

/**
 * Updates the cores of `runs` for tick t; `stim[from..to)` is the tick's sorted input-neuron list and
 * [n0, n1) the neurons of the cores in `runs`. Returns the number of neurons fired (in upd.fired).
 */
export function updateCoreRuns(
  upd: UpdateContext, runs: Uint32Array, t: number, stim: Uint32Array, from: number, to: number,
  coreClass: Uint8Array, coreOfNeuron: Uint32Array, n0: number, n1: number,
): number {
  const repeat = upd.inputRepeat;
  for (let k = from; k < to; k++) {
    const n = stim[k];
    if (n >= n0 && n < n1 && coreClass[coreOfNeuron[n]] === CoreClass.generic) {
      upd.inputNow[n] = 1;
      if (repeat.length !== 0) repeat[n]++;
    }
  }
  upd.stimCursor[0] = from;
  const clearGotInput = upd.hasDynamics;
  const cns = upd.coreNeuronStart;
  let nFired = 0;
  for (let i = 0; i < runs.length; i += 3) {
    const c0 = runs[i];
    const c1 = runs[i + 1];
    const cls = runs[i + 2];
    switch (cls) {
      case CoreClass.empty: break;
      case CoreClass.input: nFired = fireInputs(upd, c0, c1, stim, to, nFired); break;
      case CoreClass.lif: nFired = updateLif(upd, c0, c1, t, nFired); break;
      case CoreClass.lifUniform: nFired = upd.wasm !== undefined ? upd.wasm.updateLifUniform(upd.wasmContext, c0, c1, nFired) : updateLifUniform(upd, c0, c1, t, nFired); break;
      case CoreClass.lifFixed: nFired = updateLifFixed(upd, c0, c1, t, nFired); break;
      case CoreClass.sanafe: nFired = updateSanafe(upd, c0, c1, t, nFired); break;
      case CoreClass.sanafeUniform: nFired = upd.wasm !== undefined ? upd.wasm.updateSanafeUniform(upd.wasmContext, c0, c1, nFired, t > 0 ? 1 : 0) : updateSanafeUniform(upd, c0, c1, t, nFired); break;
      default: nFired = updateGeneric(upd, c0, c1, t, nFired); break;
    }
    if (clearGotInput && (cls === CoreClass.lif || cls === CoreClass.lifUniform || cls === CoreClass.lifFixed)) upd.gotInput.fill(0, cns[c0], cns[c1]);
  }
  return nFired;
}
