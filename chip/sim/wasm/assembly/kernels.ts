/**
 * AssemblyScript source of the WebAssembly kernels (chip/sim/wasm/README.md). Each function is the same
 * loop as its TypeScript twin in chip/sim/deliver.ts or chip/sim/update.ts, over the same arrays, which
 * live in the state's WebAssembly.Memory: every argument named `…Ptr`/`rec`/`ctx` is a byte address in that
 * memory. The float64 operations are the same, in the same order, so results are bit-identical to the
 * TypeScript kernels (IEEE 754 binary64, round to nearest even; no fused multiply-add in either).
 *
 * Why WebAssembly: V8 re-checks a typed array's length and base on every access in the TypeScript loops;
 * here a load is one instruction (wasm32 addresses are bounds-checked by guard pages).
 *
 * Built by scripts/build-wasm.mjs into chip/sim/wasm/kernels-binary.ts; tests/chip/sim/wasm checks that the
 * committed binary is this source compiled.
 */

// ---- Phase 1: deliver a bucket of records (group, first synapse, end synapse, target base) ----
//   acc[target] += weight, in record order then synapse order (deliver.ts).

@inline function weightAt<W>(wPtr: usize, s: i32): f64 {
  return <f64>load<W>(wPtr + (<usize>s) * sizeof<W>());
}

@inline function paletteAt<C>(codePtr: usize, tablePtr: usize, s: i32): f64 {
  const c = <usize>load<C>(codePtr + (<usize>s) * sizeof<C>());
  return load<f64>(tablePtr + (c << 3));
}

@inline function addTo(accPtr: usize, n: usize, x: f64): void {
  const p = accPtr + (n << 3);
  store<f64>(p, load<f64>(p) + x);
}

/** offset16 layout: target = base + offset[s], or side[s − shift] for a source with a negative base. */
@inline function deliverOffsetT<C, W>(
  rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, codePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool,
): void {
  for (let k = 0; k < count; k += 4) {
    const r = rec + ((<usize>k) << 2);
    const lo = load<i32>(r, 4);
    const hi = load<i32>(r, 8);
    const base = load<i32>(r, 12);
    if (base >= 0) {
      for (let s = lo; s < hi; s++) {
        const n = <usize>base + <usize>load<u16>(offsetPtr + ((<usize>s) << 1));
        addTo(accPtr, n, isInteger<C>() ? paletteAt<C>(codePtr, wPtr, s) : weightAt<W>(wPtr, s));
        if (mark) store<u8>(markPtr + n, 1);
      }
    } else {
      const shift = -1 - base;
      for (let s = lo; s < hi; s++) {
        const n = <usize>load<u32>(sidePtr + ((<usize>(s - shift)) << 2));
        addTo(accPtr, n, isInteger<C>() ? paletteAt<C>(codePtr, wPtr, s) : weightAt<W>(wPtr, s));
        if (mark) store<u8>(markPtr + n, 1);
      }
    }
  }
}

/** flat32 layout: target = target[s]. */
@inline function deliverFlatT<C, W>(
  rec: usize, count: i32, targetPtr: usize, codePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool,
): void {
  for (let k = 0; k < count; k += 4) {
    const r = rec + ((<usize>k) << 2);
    const lo = load<i32>(r, 4);
    const hi = load<i32>(r, 8);
    for (let s = lo; s < hi; s++) {
      const n = <usize>load<u32>(targetPtr + ((<usize>s) << 2));
      addTo(accPtr, n, isInteger<C>() ? paletteAt<C>(codePtr, wPtr, s) : weightAt<W>(wPtr, s));
      if (mark) store<u8>(markPtr + n, 1);
    }
  }
}

// Direct weights use C = f64 (not an integer: no palette); W is the weight array's element type.
// Palette weights use C = u8 | u16 (the code array) and `wPtr` = the palette table (float64).
// `markPtr` (gotInput) is written only by the *Mark variants.

export function deliverOffsetF64(rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverOffsetT<f64, f64>(rec, count, offsetPtr, sidePtr, 0, wPtr, accPtr, markPtr, true);
  else deliverOffsetT<f64, f64>(rec, count, offsetPtr, sidePtr, 0, wPtr, accPtr, 0, false);
}
export function deliverOffsetF32(rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverOffsetT<f64, f32>(rec, count, offsetPtr, sidePtr, 0, wPtr, accPtr, markPtr, true);
  else deliverOffsetT<f64, f32>(rec, count, offsetPtr, sidePtr, 0, wPtr, accPtr, 0, false);
}
export function deliverOffsetPalette8(rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, codePtr: usize, tablePtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverOffsetT<u8, f64>(rec, count, offsetPtr, sidePtr, codePtr, tablePtr, accPtr, markPtr, true);
  else deliverOffsetT<u8, f64>(rec, count, offsetPtr, sidePtr, codePtr, tablePtr, accPtr, 0, false);
}
export function deliverOffsetPalette16(rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, codePtr: usize, tablePtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverOffsetT<u16, f64>(rec, count, offsetPtr, sidePtr, codePtr, tablePtr, accPtr, markPtr, true);
  else deliverOffsetT<u16, f64>(rec, count, offsetPtr, sidePtr, codePtr, tablePtr, accPtr, 0, false);
}
export function deliverFlatF64(rec: usize, count: i32, targetPtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverFlatT<f64, f64>(rec, count, targetPtr, 0, wPtr, accPtr, markPtr, true);
  else deliverFlatT<f64, f64>(rec, count, targetPtr, 0, wPtr, accPtr, 0, false);
}
export function deliverFlatF32(rec: usize, count: i32, targetPtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverFlatT<f64, f32>(rec, count, targetPtr, 0, wPtr, accPtr, markPtr, true);
  else deliverFlatT<f64, f32>(rec, count, targetPtr, 0, wPtr, accPtr, 0, false);
}
export function deliverFlatPalette8(rec: usize, count: i32, targetPtr: usize, codePtr: usize, tablePtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverFlatT<u8, f64>(rec, count, targetPtr, codePtr, tablePtr, accPtr, markPtr, true);
  else deliverFlatT<u8, f64>(rec, count, targetPtr, codePtr, tablePtr, accPtr, 0, false);
}
export function deliverFlatPalette16(rec: usize, count: i32, targetPtr: usize, codePtr: usize, tablePtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  if (mark) deliverFlatT<u16, f64>(rec, count, targetPtr, codePtr, tablePtr, accPtr, markPtr, true);
  else deliverFlatT<u16, f64>(rec, count, targetPtr, codePtr, tablePtr, accPtr, 0, false);
}

// ---- Phase 2: `lifUniform` cores (update.ts updateLifUniform) ----
// u ← cd·u + ig·I;  v ← (vd·v + u) + bias;  fire iff v ≥ θ (ThresholdOp ge) or v > θ (gt); reset to vReset
// (ResetMode zero), v − θ (subtract) or keep v (none); refractory for refractoryTicks ticks, input discarded.
// The core's parameters are those of its first neuron (the core class guarantees they are shared).

/** Byte offsets of the words of the update context block (i32 each; wasm/binding.ts writes them). */
const CX_CORE_NEURON_START = 0;
const CX_CURRENT_DECAY = 4;
const CX_INPUT_GAIN = 8;
const CX_VOLTAGE_DECAY = 12;
const CX_V_THRESHOLD = 16;
const CX_V_RESET = 20;
const CX_RESET_MODE = 24;
const CX_THRESHOLD_OP = 28;
const CX_REFRACTORY_TICKS = 32;
const CX_SPIKING = 36;
const CX_ACC = 40;
const CX_V = 44;
const CX_U = 48;
const CX_REFRACTORY_LEFT = 52;
const CX_BIAS = 56;
const CX_FIRED = 60;
const CX_FIRED_ACCESSED = 64;
const CX_FIRED_UPDATED = 68;
const CX_FIRED_FIRED = 72;
const CX_CORE_TALLY = 76;
const CX_WITH_INPUT_COUNTS = 80;
const CX_RESET_ZERO = 84;
const CX_RESET_SUBTRACT = 88;
const CX_THRESHOLD_GE = 92;
const CX_TALLY_COUNT = 96;

@inline function ptr(ctx: usize, at: usize): usize {
  return <usize>load<u32>(ctx + at);
}

/** Returns the new length of the fired list (nFired on entry). Tallies per core: accesses, updates, with input, fired, 0. */
export function updateLifUniform(ctx: usize, c0: i32, c1: i32, nFired: i32): i32 {
  const cns = ptr(ctx, CX_CORE_NEURON_START);
  const accP = ptr(ctx, CX_ACC);
  const vP = ptr(ctx, CX_V);
  const uP = ptr(ctx, CX_U);
  const refP = ptr(ctx, CX_REFRACTORY_LEFT);
  const biasP = ptr(ctx, CX_BIAS);
  const firedP = ptr(ctx, CX_FIRED);
  const accessedP = ptr(ctx, CX_FIRED_ACCESSED);
  const updatedP = ptr(ctx, CX_FIRED_UPDATED);
  const firedFiredP = ptr(ctx, CX_FIRED_FIRED);
  const tallyP = ptr(ctx, CX_CORE_TALLY);
  const withInputCounts = load<i32>(ctx + CX_WITH_INPUT_COUNTS) !== 0;
  const resetZero = load<i32>(ctx + CX_RESET_ZERO);
  const resetSubtract = load<i32>(ctx + CX_RESET_SUBTRACT);
  const thresholdGe = load<i32>(ctx + CX_THRESHOLD_GE);
  const tallyCount = <usize>load<i32>(ctx + CX_TALLY_COUNT);
  for (let c = c0; c < c1; c++) {
    const lo = load<i32>(cns + ((<usize>c) << 2));
    const hi = load<i32>(cns + ((<usize>(c + 1)) << 2));
    const l8 = (<usize>lo) << 3;
    const cd = load<f64>(ptr(ctx, CX_CURRENT_DECAY) + l8);
    const ig = load<f64>(ptr(ctx, CX_INPUT_GAIN) + l8);
    const vd = load<f64>(ptr(ctx, CX_VOLTAGE_DECAY) + l8);
    const th = load<f64>(ptr(ctx, CX_V_THRESHOLD) + l8);
    const vr = load<f64>(ptr(ctx, CX_V_RESET) + l8);
    const rm = <i32>load<u8>(ptr(ctx, CX_RESET_MODE) + <usize>lo);
    const toValue = rm === resetZero;
    const subtract = rm === resetSubtract;
    const ge = <i32>load<u8>(ptr(ctx, CX_THRESHOLD_OP) + <usize>lo) === thresholdGe;
    const rt = load<u32>(ptr(ctx, CX_REFRACTORY_TICKS) + ((<usize>lo) << 2));
    const spiking = load<u8>(ptr(ctx, CX_SPIKING) + <usize>lo) === 1;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    for (let n = lo; n < hi; n++) {
      const o = (<usize>n) << 3;
      const I = load<f64>(accP + o);
      store<f64>(accP + o, 0);
      const rp = refP + ((<usize>n) << 2);
      const left = load<u32>(rp);
      if (left > 0) {
        store<u32>(rp, left - 1);
        continue;
      }
      updates++;
      withInput += <i32>(I != 0);
      const un = cd * load<f64>(uP + o) + ig * I;
      let vn = vd * load<f64>(vP + o) + un + load<f64>(biasP + o);
      store<f64>(uP + o, un);
      if (spiking && (ge ? vn >= th : vn > th)) {
        if (toValue) vn = vr;
        else if (subtract) vn = vn - th;
        store<u32>(rp, rt);
        firedHere++;
        const f = (<usize>nFired) << 2;
        store<u32>(firedP + f, n);
        store<u32>(accessedP + f, n - lo + 1);
        store<u32>(updatedP + f, withInputCounts ? withInput : updates);
        store<u32>(firedFiredP + f, firedHere);
        nFired++;
      }
      store<f64>(vP + o, vn);
    }
    const t = tallyP + (((<usize>c) * tallyCount) << 3);
    store<f64>(t, <f64>(hi - lo));
    store<f64>(t, <f64>updates, 8);
    store<f64>(t, <f64>withInput, 16);
    store<f64>(t, <f64>firedHere, 24);
    store<f64>(t, 0, 32);
  }
  return nFired;
}
