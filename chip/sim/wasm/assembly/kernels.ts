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

/** A record's first-synapse word without the dense flag (dense-groups.ts RECORD_SYNAPSE_MASK). */
const RECORD_SYNAPSE_MASK = 0x7fffffff;

/**
 * A dense run (dense-groups.ts): synapses [lo, hi) reach first, first + 1, …. Float64 weights go two per
 * f64x2 add (acc[i] + w[i] lane-wise: the same IEEE additions, and the targets are distinct), float32 ones
 * widened exactly two at a time; palette codes one by one. Marked targets are one byte range.
 */
@inline function deliverDense<C, W>(lo: i32, hi: i32, first: i32, codePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool): void {
  const len = hi - lo;
  const a = accPtr + ((<usize>first) << 3);
  let i = 0;
  if (!isInteger<C>()) {
    const w = wPtr + (<usize>lo) * sizeof<W>();
    for (; i + 1 < len; i += 2) {
      const p = a + ((<usize>i) << 3);
      const x = sizeof<W>() == 8 ? v128.load(w + ((<usize>i) << 3)) : f64x2.promote_low_f32x4(v128.load64_zero(w + ((<usize>i) << 2)));
      v128.store(p, f64x2.add(v128.load(p), x));
    }
  }
  for (; i < len; i++) {
    const p = a + ((<usize>i) << 3);
    store<f64>(p, load<f64>(p) + (isInteger<C>() ? paletteAt<C>(codePtr, wPtr, lo + i) : weightAt<W>(wPtr, lo + i)));
  }
  if (mark) memory.fill(markPtr + <usize>first, 1, <usize>len);
}

/** offset16 layout: target = base + offset[s], or side[s − shift] for a source with a negative base. */
@inline function deliverOffsetT<C, W>(
  rec: usize, count: i32, offsetPtr: usize, sidePtr: usize, codePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool,
): void {
  let sink = 0;
  for (let k = 0; k < count; k += 4) {
    const r = rec + ((<usize>k) << 2);
    if (k + 4 * TOUCH_AHEAD_RECORDS < count) sink += touchSynapses<C, W>(r + 16 * TOUCH_AHEAD_RECORDS, offsetPtr, 2, codePtr, wPtr);
    let lo = load<i32>(r, 4);
    const hi = load<i32>(r, 8);
    const base = load<i32>(r, 12);
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const first = base >= 0 ? base + <i32>load<u16>(offsetPtr + ((<usize>lo) << 1)) : load<i32>(sidePtr + ((<usize>(lo + 1 + base)) << 2));
      deliverDense<C, W>(lo, hi, first, codePtr, wPtr, accPtr, markPtr, mark);
      continue;
    }
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
  touchSink = sink;
}

/**
 * How many records ahead delivery touches a record's synapse arrays. A spike's synapses are a few cache
 * lines at a random place (bench_lif10k: ~110 synapses, 220 B of offsets and 220 B of palette codes); the
 * hardware prefetcher needs a few misses to follow a stream that short, so the loop would wait on each
 * line in turn. Loading one word per line of a later record first (independent loads, whose sum goes to
 * a global so no compiler drops them) lets those misses overlap with this record's additions.
 */
const TOUCH_AHEAD_RECORDS = 1;
let touchSink: i32 = 0;

/**
 * Loads one byte per 64-byte line of record r's synapse index array (`indexBytes` per synapse: offsets or
 * targets) and of its weights (palette codes, or the weights themselves); returns their sum.
 */
@inline function touchSynapses<C, W>(r: usize, indexPtr: usize, indexBytes: i32, codePtr: usize, wPtr: usize): i32 {
  const lo = load<i32>(r, 4) & RECORD_SYNAPSE_MASK;
  const hi = load<i32>(r, 8);
  let x = 0;
  for (let s = lo; s < hi; s += 64 / indexBytes) x += <i32>load<u8>(indexPtr + (<usize>s) * <usize>indexBytes);
  const wBytes = isInteger<C>() ? <i32>sizeof<C>() : <i32>sizeof<W>();
  const weights = isInteger<C>() ? codePtr : wPtr;
  for (let s = lo; s < hi; s += 64 / wBytes) x += <i32>load<u8>(weights + (<usize>s) * <usize>wBytes);
  return x;
}

/** flat32 layout: target = target[s]. */
@inline function deliverFlatT<C, W>(
  rec: usize, count: i32, targetPtr: usize, codePtr: usize, wPtr: usize, accPtr: usize, markPtr: usize, mark: bool,
): void {
  let sink = 0;
  for (let k = 0; k < count; k += 4) {
    const r = rec + ((<usize>k) << 2);
    if (k + 4 * TOUCH_AHEAD_RECORDS < count) sink += touchSynapses<C, W>(r + 16 * TOUCH_AHEAD_RECORDS, targetPtr, 4, codePtr, wPtr);
    let lo = load<i32>(r, 4);
    const hi = load<i32>(r, 8);
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      deliverDense<C, W>(lo, hi, load<i32>(targetPtr + ((<usize>lo) << 2)), codePtr, wPtr, accPtr, markPtr, mark);
      continue;
    }
    for (let s = lo; s < hi; s++) {
      const n = <usize>load<u32>(targetPtr + ((<usize>s) << 2));
      addTo(accPtr, n, isInteger<C>() ? paletteAt<C>(codePtr, wPtr, s) : weightAt<W>(wPtr, s));
      if (mark) store<u8>(markPtr + n, 1);
    }
  }
  touchSink = sink;
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
const CX_GOT_INPUT = 80;
const CX_V_TRUNC_SCALE = 84;
const CX_V_REVERSE_THRESHOLD = 88;
const CX_REVERSE_RESET_MODE = 92;
const CX_V_REVERSE_RESET = 96;
const CX_FORCE_UPDATE = 100;
const CX_CORE_BIAS_ZERO = 104;
const CX_WITH_INPUT_COUNTS = 108;
const CX_RESET_ZERO = 112;
const CX_RESET_SUBTRACT = 116;
const CX_THRESHOLD_GE = 120;
const CX_TALLY_COUNT = 124;
const CX_RESET_SATURATE = 128;

@inline function ptr(ctx: usize, at: usize): usize {
  return <usize>load<u32>(ctx + at);
}

/** Appends neuron n to the fired list with its core's running soma counts (read by the detailed timing model). */
@inline function recordFired(ctx: usize, at: i32, n: i32, accessed: i32, updated: i32, firedInCore: i32): void {
  const f = (<usize>at) << 2;
  store<u32>(ptr(ctx, CX_FIRED) + f, n);
  store<u32>(ptr(ctx, CX_FIRED_ACCESSED) + f, accessed);
  store<u32>(ptr(ctx, CX_FIRED_UPDATED) + f, updated);
  store<u32>(ptr(ctx, CX_FIRED_FIRED) + f, firedInCore);
}

/** Core c's tallies: accesses, updates, updates with input, fired, overflows (0: float kernels). */
@inline function writeTally(ctx: usize, c: i32, accesses: i32, updates: i32, withInput: i32, fired: i32): void {
  const t = ptr(ctx, CX_CORE_TALLY) + (((<usize>c) * (<usize>load<i32>(ctx + CX_TALLY_COUNT))) << 3);
  store<f64>(t, <f64>accesses);
  store<f64>(t, <f64>updates, 8);
  store<f64>(t, <f64>withInput, 16);
  store<f64>(t, <f64>fired, 24);
  store<f64>(t, 0, 32);
}

/** The potential after a spike: vReset (reset mode zero), v − θ (subtract) or v (none). */
@inline function resetAfterSpike(vn: f64, toValue: bool, subtract: bool, vr: f64, th: f64): f64 {
  return toValue ? vr : subtract ? vn - th : vn;
}

/** SANA-FE's reverse threshold: below rth, reset to rreset, subtract rth, or saturate at rth (else v). */
@inline function reverseThreshold(vn: f64, rth: f64, revToValue: bool, revSubtract: bool, revSaturate: bool, rreset: f64): f64 {
  if (!(vn < rth)) return vn;
  return revToValue ? rreset : revSubtract ? vn - rth : revSaturate ? rth : vn;
}

/**
 * Returns the new length of the fired list (nFired on entry). Tallies per core: accesses, updates, with input,
 * fired, 0. Per neuron (update.ts updateLifUniform): I ← acc, acc ← 0; a refractory neuron only counts its
 * refractory ticks down; otherwise u ← cd·u + ig·I, v ← vd·v + u + bias, and it fires iff v > θ (or v ≥ θ),
 * then v is reset and the refractory count set.
 *
 * Two neurons per float64x2 operation, without branches on the common path: lane arithmetic is the scalar
 * IEEE binary64 product and sum, so each lane equals the scalar loop bit for bit. A refractory lane is
 * computed too and then discarded by a lane select (its u and v kept, its count decremented), so refractory
 * neurons cost no mispredicted branch; the counts of updated neurons and of those with input are kept in
 * vector lanes. An odd last neuron goes through the same arithmetic on lane 0 alone (lifLane0). Spikes are
 * rare (a few per cent of neurons per tick): a pair with a lane over threshold (`any_true`) goes to
 * `fireLanes`, a function of its own so the loop keeps its values in registers. The loop is written out for `≥` and `>` thresholds and for non-spiking cores
 * (`lifCore` is inlined with constant flags), so the comparison is one instruction. A core whose biases are
 * all +0 (coreBiasZero) adds the constant +0 instead of loading them: v + (+0) is the same sum (−0 + +0 = +0
 * included), and update is then bound by the bytes it streams.
 */
export function updateLifUniform(ctx: usize, c0: i32, c1: i32, nFired: i32): i32 {
  const cns = ptr(ctx, CX_CORE_NEURON_START);
  const thresholdGe = load<i32>(ctx + CX_THRESHOLD_GE);
  const opP = ptr(ctx, CX_THRESHOLD_OP);
  const spP = ptr(ctx, CX_SPIKING);
  const bzP = ptr(ctx, CX_CORE_BIAS_ZERO);
  // Loaded once: the stores below could alias the context block as far as the compiler knows.
  const a = ptr(ctx, CX_ACC), u = ptr(ctx, CX_U), v = ptr(ctx, CX_V), rf = ptr(ctx, CX_REFRACTORY_LEFT), b = ptr(ctx, CX_BIAS);
  const cd = ptr(ctx, CX_CURRENT_DECAY), ig = ptr(ctx, CX_INPUT_GAIN), vd = ptr(ctx, CX_VOLTAGE_DECAY), th = ptr(ctx, CX_V_THRESHOLD);
  for (let c = c0; c < c1; c++) {
    const lo = load<i32>(cns + ((<usize>c) << 2));
    const hi = load<i32>(cns + ((<usize>(c + 1)) << 2));
    const bz = load<u8>(bzP + <usize>c) !== 0;
    // The core's packed counts: updates | withInput << 20 | fired << 40 (each < 2^20 per core).
    let packed: u64;
    if (load<u8>(spP + <usize>lo) !== 1) packed = bz ? lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, false, false, true) : lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, false, false, false);
    else if (<i32>load<u8>(opP + <usize>lo) === thresholdGe) packed = bz ? lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, true, true, true) : lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, true, true, false);
    else packed = bz ? lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, true, false, true) : lifCore(ctx, a, u, v, rf, b, cd, ig, vd, th, lo, hi, nFired, true, false, false);
    const firedHere = <i32>(packed >> 40);
    nFired += firedHere;
    writeTally(ctx, c, hi - lo, <i32>(packed & 0xfffff), <i32>((packed >> 20) & 0xfffff), firedHere);
  }
  return nFired;
}

/** One core's neurons [lo, hi): pairs, then an odd last neuron on lane 0. */
@inline function lifCore(
  ctx: usize, accP: usize, uP: usize, vP: usize, refP: usize, biasP: usize, cdP: usize, igP: usize, vdP: usize, thP: usize,
  lo: i32, hi: i32, nFired: i32, spiking: bool, ge: bool, biasZero: bool,
): u64 {
  const l8 = (<usize>lo) << 3;
  const cd2 = f64x2.splat(load<f64>(cdP + l8));
  const ig2 = f64x2.splat(load<f64>(igP + l8));
  const vd2 = f64x2.splat(load<f64>(vdP + l8));
  const th2 = f64x2.splat(load<f64>(thP + l8));
  const zero2 = f64x2.splat(0);
  // Per-lane counts of updated neurons and of updated neurons with input, as 64-bit lanes: a lane mask is
  // −1 where true, so subtracting it counts (cheaper than a bitmask and a popcount per pair).
  let freeCount = i64x2.splat(0);
  let gotCount = i64x2.splat(0);
  let firedHere = 0;
  const end = lo + ((hi - lo) & ~1);
  let n = lo;
  for (; n < end; n += 2) {
    // Both lanes loaded and stored (lifLane0 is the same for one neuron); the counts stay in vector registers.
    const o = (<usize>n) << 3;
    const rp = refP + ((<usize>n) << 2);
    const ref = v128.load64_zero(rp);
    const freeMask = i64x2.eq(i64x2.extend_low_i32x4_u(ref), i64x2.splat(0));
    v128.store64_lane(rp, i32x4.add(ref, i32x4.ne(ref, i32x4.splat(0))), 0);
    const I2 = v128.load(accP + o);
    v128.store(accP + o, zero2);
    const u0 = v128.load(uP + o);
    const v0 = v128.load(vP + o);
    const un2 = f64x2.add(f64x2.mul(cd2, u0), f64x2.mul(ig2, I2));
    const vn2 = f64x2.add(f64x2.add(f64x2.mul(vd2, v0), un2), biasZero ? zero2 : v128.load(biasP + o));
    v128.store(uP + o, v128.bitselect(un2, u0, freeMask));
    v128.store(vP + o, v128.bitselect(vn2, v0, freeMask));
    const gotMask = v128.and(f64x2.ne(I2, zero2), freeMask);
    freeCount = i64x2.sub(freeCount, freeMask);
    gotCount = i64x2.sub(gotCount, gotMask);
    if (spiking) {
      const overMask = v128.and(ge ? f64x2.ge(vn2, th2) : f64x2.gt(vn2, th2), freeMask);
      if (v128.any_true(overMask)) {
        const over = i64x2.bitmask(overMask), free = i64x2.bitmask(freeMask), got = i64x2.bitmask(gotMask);
        // The counts before this pair: the running sums less this pair's lanes.
        const updatesBefore = laneSum(freeCount) - popcnt<i32>(free);
        const withInputBefore = laneSum(gotCount) - popcnt<i32>(got);
        fireLanes(ctx, lo, n, over, free, got, updatesBefore, withInputBefore, firedHere, nFired + firedHere);
        firedHere += popcnt<i32>(over);
      }
    }
  }
  let updates = laneSum(freeCount);
  let withInput = laneSum(gotCount);
  if (n < hi) {
    const r = lifLane0(n, accP, uP, vP, refP, biasP, cd2, ig2, vd2, th2, spiking, ge, biasZero);
    const free = r & 3, got = (r >> 2) & 3, over = r >> 4;
    if (over != 0) {
      fireLanes(ctx, lo, n, over, free, got, updates, withInput, firedHere, nFired + firedHere);
      firedHere += popcnt<i32>(over);
    }
    updates += popcnt<i32>(free);
    withInput += popcnt<i32>(got);
  }
  return (<u64>updates) | ((<u64>withInput) << 20) | ((<u64>firedHere) << 40);
}

/** The sum of the two 64-bit lanes of a count vector. */
@inline function laneSum(v: v128): i32 {
  return <i32>(i64x2.extract_lane(v, 0) + i64x2.extract_lane(v, 1));
}

/**
 * Neuron n alone (a core's odd last neuron) as lane 0, with the pair loop's arithmetic: only lane 0 is
 * loaded and stored (the next neuron may be another thread's). Returns its bits: free (not refractory) |
 * got (nonzero input, free) << 2 | over (threshold crossed, free) << 4.
 */
@inline function lifLane0(
  n: i32, accP: usize, uP: usize, vP: usize, refP: usize, biasP: usize, cd2: v128, ig2: v128, vd2: v128, th2: v128,
  spiking: bool, ge: bool, biasZero: bool,
): i32 {
  const o = (<usize>n) << 3;
  const rp = refP + ((<usize>n) << 2);
  const zero2 = f64x2.splat(0);
  const ref = v128.load32_zero(rp);
  const freeMask = i64x2.eq(i64x2.extend_low_i32x4_u(ref), i64x2.splat(0));
  v128.store32_lane(rp, i32x4.add(ref, i32x4.ne(ref, i32x4.splat(0))), 0);
  const I2 = v128.load64_zero(accP + o);
  v128.store64_lane(accP + o, zero2, 0);
  const u0 = v128.load64_zero(uP + o);
  const v0 = v128.load64_zero(vP + o);
  const un2 = f64x2.add(f64x2.mul(cd2, u0), f64x2.mul(ig2, I2));
  const vn2 = f64x2.add(f64x2.add(f64x2.mul(vd2, v0), un2), biasZero ? zero2 : v128.load64_zero(biasP + o));
  v128.store64_lane(uP + o, v128.bitselect(un2, u0, freeMask), 0);
  v128.store64_lane(vP + o, v128.bitselect(vn2, v0, freeMask), 0);
  const free = i64x2.bitmask(freeMask) & 1;
  const got = i64x2.bitmask(f64x2.ne(I2, zero2)) & free;
  const over = spiking ? i64x2.bitmask(ge ? f64x2.ge(vn2, th2) : f64x2.gt(vn2, th2)) & free : 0;
  return free | (got << 2) | (over << 4);
}

/**
 * Resets the lanes of neurons n, n + 1 that fired (bits of `over`) and appends them to the fired list in
 * neuron order, with the core's running counts up to and including each (updates and withInput are the
 * counts before the pair; freeBits and got its lanes' update and input bits).
 */
@inline(never) function fireLanes(ctx: usize, lo: i32, n: i32, over: i32, freeBits: i32, got: i32, updates: i32, withInput: i32, firedHere: i32, nFired: i32): void {
  const vP = ptr(ctx, CX_V);
  const withInputCounts = load<i32>(ctx + CX_WITH_INPUT_COUNTS) !== 0;
  const rm = <i32>load<u8>(ptr(ctx, CX_RESET_MODE) + <usize>lo);
  const toValue = rm === load<i32>(ctx + CX_RESET_ZERO);
  const subtract = rm === load<i32>(ctx + CX_RESET_SUBTRACT);
  const l8 = (<usize>lo) << 3;
  const vr = load<f64>(ptr(ctx, CX_V_RESET) + l8);
  const th = load<f64>(ptr(ctx, CX_V_THRESHOLD) + l8);
  const rt = load<u32>(ptr(ctx, CX_REFRACTORY_TICKS) + ((<usize>lo) << 2));
  for (let lane = 0; lane < 2; lane++) {
    if ((over & (1 << lane)) == 0) continue;
    const m = n + lane;
    const mo = (<usize>m) << 3;
    const below = (2 << lane) - 1; // this lane and the ones before it
    store<f64>(vP + mo, resetAfterSpike(load<f64>(vP + mo), toValue, subtract, vr, th));
    store<u32>(ptr(ctx, CX_REFRACTORY_LEFT) + ((<usize>m) << 2), rt);
    firedHere++;
    recordFired(ctx, nFired++, m, m - lo + 1,
      withInputCounts ? withInput + popcnt<i32>(got & below) : updates + popcnt<i32>(freeBits & below), firedHere);
  }
}

// ---- Phase 2: `sanafeUniform` cores (update.ts updateSanafeUniform: SANA-FE's leaky_integrate_fire soma) ----
// Per neuron, with the core's shared parameters: updated iff v ≠ 0, a synapse reached it, bias ≠ 0 or
// forced; from the second tick u ← cd·u, v ← vd·v; v ← trunc(v·s)/s when s > 0 (division: for a power of
// two s it equals the TypeScript product with 1/s exactly); unless refractory: v ← v + bias, u ← u + ig·I,
// v ← v + u, fire iff v > θ (gt) or v ≥ θ, reset, then the reverse threshold (reset to a value, subtract,
// or saturate at it). For a power of two s the division is the product with 1/s, exactly as in update.ts.

export function updateSanafeUniform(ctx: usize, c0: i32, c1: i32, nFired: i32, decay: bool): i32 {
  const cns = ptr(ctx, CX_CORE_NEURON_START);
  const accP = ptr(ctx, CX_ACC);
  const vP = ptr(ctx, CX_V);
  const uP = ptr(ctx, CX_U);
  const refP = ptr(ctx, CX_REFRACTORY_LEFT);
  const biasP = ptr(ctx, CX_BIAS);
  const bzP = ptr(ctx, CX_CORE_BIAS_ZERO);
  const gotP = ptr(ctx, CX_GOT_INPUT);
  const withInputCounts = load<i32>(ctx + CX_WITH_INPUT_COUNTS) !== 0;
  const resetZero = load<i32>(ctx + CX_RESET_ZERO);
  const resetSubtract = load<i32>(ctx + CX_RESET_SUBTRACT);
  const resetSaturate = load<i32>(ctx + CX_RESET_SATURATE);
  const thresholdGe = load<i32>(ctx + CX_THRESHOLD_GE);
  const cdP = ptr(ctx, CX_CURRENT_DECAY), igP = ptr(ctx, CX_INPUT_GAIN), vdP = ptr(ctx, CX_VOLTAGE_DECAY);
  const thP = ptr(ctx, CX_V_THRESHOLD), vrP = ptr(ctx, CX_V_RESET), rmP = ptr(ctx, CX_RESET_MODE), opP = ptr(ctx, CX_THRESHOLD_OP);
  const rtP = ptr(ctx, CX_REFRACTORY_TICKS), spP = ptr(ctx, CX_SPIKING);
  const scP = ptr(ctx, CX_V_TRUNC_SCALE), rthP = ptr(ctx, CX_V_REVERSE_THRESHOLD), rrP = ptr(ctx, CX_REVERSE_RESET_MODE);
  const rresetP = ptr(ctx, CX_V_REVERSE_RESET), forceP = ptr(ctx, CX_FORCE_UPDATE);
  for (let c = c0; c < c1; c++) {
    const lo = load<i32>(cns + ((<usize>c) << 2));
    const hi = load<i32>(cns + ((<usize>(c + 1)) << 2));
    const l8 = (<usize>lo) << 3;
    const cd = load<f64>(cdP + l8);
    const ig = load<f64>(igP + l8);
    const vd = load<f64>(vdP + l8);
    const th = load<f64>(thP + l8);
    const vr = load<f64>(vrP + l8);
    const rm = <i32>load<u8>(rmP + <usize>lo);
    const toValue = rm === resetZero;
    const subtract = rm === resetSubtract;
    const gt = <i32>load<u8>(opP + <usize>lo) !== thresholdGe;
    const rt = load<u32>(rtP + ((<usize>lo) << 2));
    const spiking = load<u8>(spP + <usize>lo) === 1;
    const scale = load<f64>(scP + l8);
    // trunc(v·s)/s: for a power of two s (Loihi: 64) the product with 1/s is exact and equal to the
    // division (as in update.ts), and much cheaper than a division per neuron.
    const invScale = 1 / scale;
    const pow2 = scale > 0 && (reinterpret<u64>(scale) & 0x000fffffffffffff) == 0 && isFinite<f64>(scale) && isFinite<f64>(invScale) && invScale * scale == 1;
    const rth = load<f64>(rthP + l8);
    const rr = <i32>load<u8>(rrP + <usize>lo);
    const revToValue = rr === resetZero;
    const revSubtract = rr === resetSubtract;
    const revSaturate = rr === resetSaturate;
    const rreset = load<f64>(rresetP + l8);
    const force = load<u8>(forceP + <usize>lo) === 1;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    // Two neurons per iteration in float64x2 lanes when neither is refractory (as updateLifUniform: each
    // lane is the scalar IEEE operation, f64x2.trunc is trunc). A pair with a lane that fires finishes
    // both lanes' potentials one by one, in neuron order (a reset comes before the reverse threshold).
    const cd2 = f64x2.splat(cd), ig2 = f64x2.splat(ig), vd2 = f64x2.splat(vd), th2 = f64x2.splat(th);
    const sc2 = f64x2.splat(scale), inv2 = f64x2.splat(invScale), rth2 = f64x2.splat(rth), rreset2 = f64x2.splat(rreset);
    const zero2 = f64x2.splat(0);
    const forced = force ? 3 : 0;
    const biasZero = load<u8>(bzP + <usize>c) !== 0;
    let n = lo;
    while (n < hi) {
      const o = (<usize>n) << 3;
      const rp = refP + ((<usize>n) << 2);
      const gp = gotP + <usize>n;
      if (n + 1 < hi && load<u64>(rp) == 0) {
        const I2 = v128.load(accP + o);
        v128.store(accP + o, zero2);
        let vn2 = v128.load(vP + o);
        // +0 biases (coreBiasZero): the constant, not the array (the same sums and the same "bias ≠ 0" test).
        const b2 = biasZero ? zero2 : v128.load(biasP + o);
        const g = <i32>load<u16>(gp);
        store<u16>(gp, 0);
        // Lane i is updated iff v ≠ 0, it got input (gotInput byte == 1), bias ≠ 0, forced, or it fires.
        const upd = i64x2.bitmask(v128.or(f64x2.ne(vn2, zero2), f64x2.ne(b2, zero2))) | <i32>((g & 0xff) == 1) | (<i32>((g >> 8) == 1) << 1) | forced;
        let un2 = v128.load(uP + o);
        if (decay) {
          un2 = f64x2.mul(cd2, un2);
          vn2 = f64x2.mul(vd2, vn2);
        }
        if (scale > 0) {
          const tr = f64x2.trunc(f64x2.mul(vn2, sc2));
          vn2 = pow2 ? f64x2.mul(tr, inv2) : f64x2.div(tr, sc2);
        }
        vn2 = f64x2.add(vn2, b2);
        un2 = f64x2.add(un2, f64x2.mul(ig2, I2));
        vn2 = f64x2.add(vn2, un2);
        v128.store(uP + o, un2);
        const fire = spiking ? i64x2.bitmask(gt ? f64x2.gt(vn2, th2) : f64x2.ge(vn2, th2)) : 0;
        const got = i64x2.bitmask(f64x2.ne(I2, zero2));
        const updated = upd | fire;
        if (fire == 0) {
          // Below the reverse threshold: reset to a value, subtract it, or saturate at it, lane-wise. A
          // select, not a branch: whether a lane falls below it is close to a coin toss in DVS.
          const below = f64x2.lt(vn2, rth2);
          if (revToValue) vn2 = v128.bitselect(rreset2, vn2, below);
          else if (revSubtract) vn2 = v128.bitselect(f64x2.sub(vn2, rth2), vn2, below);
          else if (revSaturate) vn2 = v128.bitselect(rth2, vn2, below);
          v128.store(vP + o, vn2);
        } else {
          for (let lane = 0; lane < 2; lane++) {
            const m = n + lane;
            let vn = lane == 0 ? f64x2.extract_lane(vn2, 0) : f64x2.extract_lane(vn2, 1);
            if ((fire & (1 << lane)) != 0) {
              vn = resetAfterSpike(vn, toValue, subtract, vr, th);
              store<u32>(refP + ((<usize>m) << 2), rt);
              firedHere++;
              // Counts up to and including neuron m (lane 0 leaves out lane 1).
              const upTo = updates + (lane == 0 ? 1 : popcnt<i32>(updated));
              const inUpTo = withInput + (lane == 0 ? (got & 1) : popcnt<i32>(got));
              recordFired(ctx, nFired++, m, m - lo + 1, withInputCounts ? inUpTo : upTo, firedHere);
            }
            store<f64>(vP + ((<usize>m) << 3), reverseThreshold(vn, rth, revToValue, revSubtract, revSaturate, rreset));
          }
        }
        updates += popcnt<i32>(updated);
        withInput += popcnt<i32>(got);
        n += 2;
        continue;
      }
      n++;
      const I = load<f64>(accP + o);
      store<f64>(accP + o, 0);
      let vn = load<f64>(vP + o);
      const b = biasZero ? 0 : load<f64>(biasP + o);
      let updated = vn != 0 || load<u8>(gp) == 1 || b != 0 || force;
      store<u8>(gp, 0);
      let un = load<f64>(uP + o);
      if (decay) {
        un = cd * un;
        vn = vd * vn;
      }
      if (scale > 0) vn = pow2 ? trunc<f64>(vn * scale) * invScale : trunc<f64>(vn * scale) / scale;
      let didFire = false;
      const left = load<u32>(rp);
      if (left > 0) {
        store<u32>(rp, left - 1);
      } else {
        vn = vn + b;
        un = un + ig * I;
        vn = vn + un;
        if (spiking && (gt ? vn > th : vn >= th)) {
          vn = resetAfterSpike(vn, toValue, subtract, vr, th);
          store<u32>(rp, rt);
          didFire = true;
        }
        vn = reverseThreshold(vn, rth, revToValue, revSubtract, revSaturate, rreset);
      }
      store<f64>(uP + o, un);
      store<f64>(vP + o, vn);
      if (didFire) updated = true;
      if (updated) updates++;
      if (I != 0) withInput++;
      if (didFire) {
        firedHere++;
        recordFired(ctx, nFired++, n - 1, n - lo, withInputCounts ? withInput : updates, firedHere);
      }
    }
    writeTally(ctx, c, hi - lo, updates, withInput, firedHere);
  }
  return nFired;
}

// ---- Input spikes of one population to global neurons (stimulus.ts resolveStimulus, its first pass) ----
// For spikes k of the population, in input order: invalid (index outside [0, size) or tick < 0) → return k;
// tick t < steps → perTick[t + 1] += 1, out[outLen++] = globalOf[index], and `ordered` cleared unless
// (t, global) increases strictly over the previous kept spike (also across populations: the state words
// carry on between calls), and the tick of each kept spike into keptTick. Returns −1 when every spike is
// valid.

const SX_TICK = 0;
const SX_NEURON = 4;
const SX_COUNT = 8;
const SX_STEPS = 12;
const SX_SIZE = 16;
const SX_GLOBAL_OF = 20;
const SX_PER_TICK = 24;
const SX_OUT = 28;
const SX_OUT_LEN = 32;
const SX_PREV_TICK = 36;
const SX_PREV_NEURON = 40;
const SX_ORDERED = 44;
const SX_KEPT_TICK = 48;
const SX_SORTED = 52;
const SX_CURSOR = 56;
const SX_TICK_OUT = 60;

/** Ticks with more input spikes than this are left to the TypeScript sort (insertion sort is quadratic). */
const SORT_MAX_PER_TICK = 256;

export function mapStimulus(sx: usize): i32 {
  const tick = ptr(sx, SX_TICK), neuron = ptr(sx, SX_NEURON), globalOf = ptr(sx, SX_GLOBAL_OF);
  const perTick = ptr(sx, SX_PER_TICK), out = ptr(sx, SX_OUT), kept = ptr(sx, SX_KEPT_TICK);
  const count = word(sx, SX_COUNT), steps = word(sx, SX_STEPS), size = word(sx, SX_SIZE);
  let outLen = word(sx, SX_OUT_LEN), prevTick = word(sx, SX_PREV_TICK), prevNeuron = word(sx, SX_PREV_NEURON);
  let ordered = word(sx, SX_ORDERED);
  let bad = -1;
  for (let k = 0; k < count; k++) {
    const t = at32(tick, k);
    const i = at32(neuron, k);
    if (i < 0 || i >= size || t < 0) {
      bad = k;
      break;
    }
    if (t < steps) {
      addU32(perTick, t + 1, 1);
      const g = at32(globalOf, i);
      store<i32>(out + ((<usize>outLen) << 2), g);
      store<i32>(kept + ((<usize>outLen) << 2), t);
      outLen++;
      if (t < prevTick || (t == prevTick && <u32>g <= <u32>prevNeuron)) ordered = 0;
      prevTick = t;
      prevNeuron = g;
    }
  }
  store<i32>(sx + SX_OUT_LEN, outLen);
  store<i32>(sx + SX_PREV_TICK, prevTick);
  store<i32>(sx + SX_PREV_NEURON, prevNeuron);
  store<i32>(sx + SX_ORDERED, ordered);
  return bad;
}

/**
 * After mapStimulus over every population, for input not already in order (stimulus.ts, its general path):
 * the kept spikes by tick (a counting sort: perTick's counts become offsets), each tick's neurons sorted
 * (insertion sort) with repeats dropped, into out[0, n) with tickOut[t]..tickOut[t + 1] for tick t.
 * Returns n, or −1 (nothing written to out) when a tick holds more than SORT_MAX_PER_TICK spikes.
 */
export function sortStimulus(sx: usize): i32 {
  const perTick = ptr(sx, SX_PER_TICK), out = ptr(sx, SX_OUT), kept = ptr(sx, SX_KEPT_TICK);
  const sorted = ptr(sx, SX_SORTED), cursor = ptr(sx, SX_CURSOR), tickOut = ptr(sx, SX_TICK_OUT);
  const steps = word(sx, SX_STEPS), n = word(sx, SX_OUT_LEN);
  for (let t = 0; t < steps; t++) if (at32(perTick, t + 1) > SORT_MAX_PER_TICK) return -1;
  // Counts → first offsets; cursors from them.
  for (let t = 0; t < steps; t++) store<i32>(perTick + ((<usize>(t + 1)) << 2), at32(perTick, t + 1) + at32(perTick, t));
  memory.copy(cursor, perTick, (<usize>steps) << 2);
  for (let j = 0; j < n; j++) {
    const c = cursor + ((<usize>at32(kept, j)) << 2);
    const at = load<i32>(c);
    store<i32>(c, at + 1);
    store<i32>(sorted + ((<usize>at) << 2), at32(out, j));
  }
  let w = 0;
  store<i32>(tickOut, 0);
  for (let t = 0; t < steps; t++) {
    const lo = at32(perTick, t), hi = at32(perTick, t + 1);
    for (let a = lo + 1; a < hi; a++) {
      const x = <u32>at32(sorted, a);
      let b = a - 1;
      while (b >= lo && <u32>at32(sorted, b) > x) {
        store<i32>(sorted + ((<usize>(b + 1)) << 2), at32(sorted, b));
        b--;
      }
      store<i32>(sorted + ((<usize>(b + 1)) << 2), <i32>x);
    }
    for (let a = lo; a < hi; a++) {
      const x = at32(sorted, a);
      if (a > lo && x == at32(sorted, a - 1)) continue;
      store<i32>(out + ((<usize>w) << 2), x);
      w++;
    }
    store<i32>(tickOut + ((<usize>(t + 1)) << 2), w);
  }
  return w;
}

// ---- Pair STDP (plasticity.ts): arrival with depression, potentiation, trace decay ----
// Arrival (P2):   acc[target] += w (the weight as read), then w ← min(max(w − A−·y_post, wMin), wMax);
//                 then the group's pre traces jump: x ← x + 1 (all-to-all) or 1 (nearest).
// Post spike (P5): w ← min(max(w + A+·x_pre, wMin), wMax); then y ← y + 1 or 1.
// min/max are f64.min/f64.max, which order −0 below +0 and propagate NaN as Math.min/Math.max do.
// Synaptic updates are added per core to `coreSynUpdates` (float64, whole numbers: exact in any order).

/** Byte offsets of the words of the plasticity context block (wasm/binding.ts writes them). */
const PX_ACC = 0;
const PX_SYN_TARGET = 4;
const PX_SYN_WEIGHT = 8;
const PX_GROUP_PLASTIC = 12;
const PX_GROUP_TRACE_START = 16;
const PX_GROUP_TRACE_ID = 20;
const PX_GROUP_RUN_START = 24;
const PX_RUN_SYN_START = 28;
const PX_RUN_PROJECTION = 32;
const PX_RUN_CORE = 36;
const PX_RUN_KIND = 40;
const PX_SYN_Y_SLOT = 44;
const PX_X = 48;
const PX_X_DECAY = 52;
const PX_X_NEAREST = 56;
const PX_Y = 60;
const PX_Y_DECAY = 64;
const PX_Y_NEAREST = 68;
const PX_POST_PTR = 72;
const PX_POST_SYN = 76;
const PX_POST_TRACE = 80;
const PX_NEURON_POST_RUN_START = 84;
const PX_POST_RUN_END = 88;
const PX_POST_RUN_PROJECTION = 92;
const PX_POST_RUN_STRIDE = 96;
const PX_NEURON_Y_PTR = 100;
const PX_NEURON_Y_SLOT = 104;
const PX_A_PLUS = 108;
const PX_A_MINUS = 112;
const PX_W_MIN = 116;
const PX_W_MAX = 120;
const PX_CORE_OF_NEURON = 124;
const PX_CORE_SYN_UPDATES = 128;
const PX_X_COUNT = 132;
const PX_Y_COUNT = 136;

@inline function at32(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}

@inline function atF(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}

@inline function clip(w: f64, lo: f64, hi: f64): f64 {
  return min<f64>(max<f64>(w, lo), hi);
}

/** Step 0 of a tick: x ← decayPre·x, y ← decayPost·y. */
export function decayStdpTraces(px: usize): void {
  const xP = ptr(px, PX_X);
  const xdP = ptr(px, PX_X_DECAY);
  const nx = load<i32>(px + PX_X_COUNT);
  for (let i = 0; i < nx; i++) {
    const o = (<usize>i) << 3;
    store<f64>(xP + o, load<f64>(xP + o) * load<f64>(xdP + o));
  }
  const yP = ptr(px, PX_Y);
  const ydP = ptr(px, PX_Y_DECAY);
  const ny = load<i32>(px + PX_Y_COUNT);
  for (let i = 0; i < ny; i++) {
    const o = (<usize>i) << 3;
    store<f64>(yP + o, load<f64>(yP + o) * load<f64>(ydP + o));
  }
}

/** Phase 1 of a program with pair STDP (wide layout, no dynamics, no general learning rule). */
export function deliverStdp(px: usize, rec: usize, count: i32): void {
  const accP = ptr(px, PX_ACC);
  const tgtP = ptr(px, PX_SYN_TARGET);
  const wP = ptr(px, PX_SYN_WEIGHT);
  const gPlastic = ptr(px, PX_GROUP_PLASTIC);
  const gTraceStart = ptr(px, PX_GROUP_TRACE_START);
  const gTraceId = ptr(px, PX_GROUP_TRACE_ID);
  const gRunStart = ptr(px, PX_GROUP_RUN_START);
  const runSynStart = ptr(px, PX_RUN_SYN_START);
  const runProj = ptr(px, PX_RUN_PROJECTION);
  const runCore = ptr(px, PX_RUN_CORE);
  const runKind = ptr(px, PX_RUN_KIND);
  const ySlotP = ptr(px, PX_SYN_Y_SLOT);
  const xP = ptr(px, PX_X);
  const xNearP = ptr(px, PX_X_NEAREST);
  const yP = ptr(px, PX_Y);
  const aMinusP = ptr(px, PX_A_MINUS);
  const wMinP = ptr(px, PX_W_MIN);
  const wMaxP = ptr(px, PX_W_MAX);
  const updP = ptr(px, PX_CORE_SYN_UPDATES);
  for (let k = 0; k < count; k += 4) {
    const r4 = rec + ((<usize>k) << 2);
    const g = load<i32>(r4);
    if (load<u8>(gPlastic + <usize>g) != 1) {
      const lo = load<i32>(r4, 4);
      const hi = load<i32>(r4, 8);
      for (let s = lo; s < hi; s++) addTo(accP, <usize>at32(tgtP, s), atF(wP, s));
      continue;
    }
    const r1 = at32(gRunStart, g + 1);
    for (let r = at32(gRunStart, g); r < r1; r++) {
      const lo = at32(runSynStart, r);
      const hi = at32(runSynStart, r + 1);
      const kind = load<u8>(runKind + <usize>r);
      if (kind == 0) {
        for (let s = lo; s < hi; s++) addTo(accP, <usize>at32(tgtP, s), atF(wP, s));
        continue;
      }
      const p = <i32>load<u16>(runProj + ((<usize>r) << 1));
      const am = atF(aMinusP, p);
      const wl = atF(wMinP, p);
      const wh = atF(wMaxP, p);
      if (kind == 2) {
        // Consecutive targets and post slots (a dense row): no per-synapse index.
        const t0 = at32(tgtP, lo) - lo;
        const y0 = at32(ySlotP, lo) - lo;
        for (let s = lo; s < hi; s++) {
          const wp = wP + ((<usize>s) << 3);
          const w = load<f64>(wp);
          addTo(accP, <usize>(t0 + s), w);
          store<f64>(wp, clip(w - am * atF(yP, y0 + s), wl, wh));
        }
      } else {
        for (let s = lo; s < hi; s++) {
          const wp = wP + ((<usize>s) << 3);
          const w = load<f64>(wp);
          addTo(accP, <usize>at32(tgtP, s), w);
          store<f64>(wp, clip(w - am * atF(yP, at32(ySlotP, s)), wl, wh));
        }
      }
      const cu = updP + ((<usize>at32(runCore, r)) << 3);
      store<f64>(cu, load<f64>(cu) + <f64>(hi - lo));
    }
    const i1 = at32(gTraceStart, g + 1);
    for (let i = at32(gTraceStart, g); i < i1; i++) {
      const id = at32(gTraceId, i);
      const xp = xP + ((<usize>id) << 3);
      store<f64>(xp, load<u8>(xNearP + <usize>id) == 1 ? 1.0 : load<f64>(xp) + 1.0);
    }
  }
}

/** P5 for the fired list [0, nFired): potentiate each fired neuron's plastic synapses, then bump its post traces. */
export function potentiateStdp(px: usize, firedP: usize, nFired: i32): void {
  const wP = ptr(px, PX_SYN_WEIGHT);
  const postPtr = ptr(px, PX_POST_PTR);
  const postSyn = ptr(px, PX_POST_SYN);
  const postTrace = ptr(px, PX_POST_TRACE);
  const nPostRunStart = ptr(px, PX_NEURON_POST_RUN_START);
  const postRunEnd = ptr(px, PX_POST_RUN_END);
  const postRunProj = ptr(px, PX_POST_RUN_PROJECTION);
  const postRunStride = ptr(px, PX_POST_RUN_STRIDE);
  const xP = ptr(px, PX_X);
  const aPlusP = ptr(px, PX_A_PLUS);
  const wMinP = ptr(px, PX_W_MIN);
  const wMaxP = ptr(px, PX_W_MAX);
  const nYPtr = ptr(px, PX_NEURON_Y_PTR);
  const nYSlot = ptr(px, PX_NEURON_Y_SLOT);
  const yP = ptr(px, PX_Y);
  const yNearP = ptr(px, PX_Y_NEAREST);
  const coreOf = ptr(px, PX_CORE_OF_NEURON);
  const updP = ptr(px, PX_CORE_SYN_UPDATES);
  for (let f = 0; f < nFired; f++) {
    const n = at32(firedP, f);
    let i = at32(postPtr, n);
    const q1 = at32(nPostRunStart, n + 1);
    for (let q = at32(nPostRunStart, n); q < q1; q++) {
      const p = <i32>load<u16>(postRunProj + ((<usize>q) << 1));
      const ap = atF(aPlusP, p);
      const wl = atF(wMinP, p);
      const wh = atF(wMaxP, p);
      const end = at32(postRunEnd, q);
      const stride = <i32>atF(postRunStride, q);
      if (stride > 0) {
        // A dense column: synapse postSyn[i] + j·stride with pre trace postTrace[i] + j.
        const len = end - i;
        const x0 = at32(postTrace, i);
        let s = at32(postSyn, i);
        for (let j = 0; j < len; j++, s += stride) {
          const wp = wP + ((<usize>s) << 3);
          store<f64>(wp, clip(load<f64>(wp) + ap * atF(xP, x0 + j), wl, wh));
        }
        i = end;
        continue;
      }
      for (; i < end; i++) {
        const wp = wP + ((<usize>at32(postSyn, i)) << 3);
        store<f64>(wp, clip(load<f64>(wp) + ap * atF(xP, at32(postTrace, i)), wl, wh));
      }
    }
    const count = at32(postPtr, n + 1) - at32(postPtr, n);
    if (count > 0) {
      const cu = updP + ((<usize>at32(coreOf, n)) << 3);
      store<f64>(cu, load<f64>(cu) + <f64>count);
    }
    const j1 = at32(nYPtr, n + 1);
    for (let j = at32(nYPtr, n); j < j1; j++) {
      const slot = at32(nYSlot, j);
      const yp = yP + ((<usize>slot) << 3);
      store<f64>(yp, load<u8>(yNearP + <usize>slot) == 1 ? 1.0 : load<f64>(yp) + 1.0);
    }
  }
}

// ---- Counters derived from spike counts at the end of a run (derive-counters.ts) ----
// spikes_c, packetsOut_c, hops_c, packetsLocal_c, packetsInTile_c += Σ_{n on c} spikes_n · (per-spike value of n)
// packetsIn_d += Σ_n spikes_n · (routes of n to d);   synOps_d[e, p] += spikes_n · (synapses of the route's row)
// Every value is a whole number below 2^53: exact in any order. The outputs are scratch arrays the caller
// zeroes and then adds to the run's counters (weightReadBits follows there, from the total synOps).

const DX_SPIKES = 0;
const DX_CORE_OF_NEURON = 4;
const DX_ROUTE_PTR = 8;
const DX_ROUTE_DEST_CORE = 12;
const DX_ROUTE_AXON = 16;
const DX_ROUTE_SYNAPSES = 20;
const DX_ROUTE_CELL = 24;
const DX_AXON_CELL_START = 28;
const DX_AXON_CELL_ID = 32;
const DX_AXON_CELL_COUNT = 36;
const DX_CELL_CORE = 40;
const DX_CELL_ENCODING = 44;
const DX_CELL_PROJECTION = 48;
const DX_HOPS_EAST = 52;
const DX_HOPS_WEST = 56;
const DX_HOPS_NORTH = 60;
const DX_HOPS_SOUTH = 64;
const DX_PACKETS_LOCAL = 68;
const DX_PACKETS_IN_TILE = 72;
const DX_PER_CORE = 76;
const DX_SYN_OPS_BY_ENCODING = 80;
const DX_SYN_OPS_BY_PROJECTION = 84;
const DX_CELL_OPS = 88;
const DX_AXON_SPIKES = 92;
/** log2 of the element size of the variable-width arrays (routeDestCore, routeSynapses, hops, packets). */
const DX_SHIFT_ROUTE_DEST_CORE = 96;
const DX_SHIFT_ROUTE_SYNAPSES = 100;
const DX_SHIFT_HOPS_EAST = 104;
const DX_SHIFT_HOPS_WEST = 108;
const DX_SHIFT_HOPS_NORTH = 112;
const DX_SHIFT_HOPS_SOUTH = 116;
const DX_SHIFT_PACKETS_LOCAL = 120;
const DX_SHIFT_PACKETS_IN_TILE = 124;
const DX_NEURONS = 128;
const DX_AXONS = 132;
const DX_CELLS = 136;
const DX_ENCODINGS = 140;
/** CounterKind indices and the counters per core (K). */
const DX_K = 144;
const DX_KIND_SYN_OPS = 148;
const DX_KIND_SPIKES = 152;
const DX_KIND_PACKETS_OUT = 156;
const DX_KIND_PACKETS_IN = 160;
const DX_KIND_HOPS_EAST = 164;
const DX_KIND_HOPS_WEST = 168;
const DX_KIND_HOPS_NORTH = 172;
const DX_KIND_HOPS_SOUTH = 176;
const DX_KIND_PACKETS_IN_TILE = 180;
const DX_KIND_PACKETS_LOCAL = 184;

/** Element i of an unsigned array whose elements are 1 << shift bytes wide. */
/** Element i of an unsigned array of 1 << shift bytes per element. */
@inline function uintAtU(p: usize, i: i32, shift: i32): u32 {
  if (shift == 0) return <u32>load<u8>(p + <usize>i);
  if (shift == 1) return <u32>load<u16>(p + ((<usize>i) << 1));
  return load<u32>(p + ((<usize>i) << 2));
}

/** uintAtU as a float64 (exact). */
@inline function uintAt(p: usize, i: i32, shift: i32): f64 {
  return <f64>uintAtU(p, i, shift);
}

@inline function word(dx: usize, at: usize): i32 {
  return load<i32>(dx + at);
}

@inline function addF(p: usize, i: i32, x: f64): void {
  const a = p + ((<usize>i) << 3);
  store<f64>(a, load<f64>(a) + x);
}

// ---- Synaptic events in flight at the end of a run (run.ts, in-flight.ts inFlightByProjection) ----
// The spikes of the run's last ticks (neurons in record order, IX_TICK_END[i] = end of window tick i), tick
// i being IX_LEFT − i ticks before the end: each group g of a spike with delay_g ≥ ticks left was scheduled
// but never delivered; its synapses count per projection (IX_PROJ_BYTES 0: no projection array, all are
// projection 0). Whole numbers, so the sums are exact in any order.
const IX_NEURONS = 0;
const IX_TICK_END = 4;
const IX_TICKS = 8;
const IX_LEFT = 12;
const IX_GROUP_START = 16;
const IX_GROUP_DELAY = 20;
const IX_GROUP_SYN = 24;
const IX_PROJ = 28;
const IX_PROJ_BYTES = 32;
const IX_OUT = 36;

export function inFlightSynapses(ix: usize): void {
  const neurons = ptr(ix, IX_NEURONS);
  const tickEnd = ptr(ix, IX_TICK_END);
  const D = word(ix, IX_TICKS);
  const left0 = word(ix, IX_LEFT);
  const groupStart = ptr(ix, IX_GROUP_START);
  const groupDelay = ptr(ix, IX_GROUP_DELAY);
  const groupSyn = ptr(ix, IX_GROUP_SYN);
  const proj = ptr(ix, IX_PROJ);
  const projBytes = word(ix, IX_PROJ_BYTES);
  const out = ptr(ix, IX_OUT);
  let k = 0;
  for (let i = 0; i < D; i++) {
    const left = left0 - i;
    const end = at32(tickEnd, i);
    for (; k < end; k++) {
      const n = at32(neurons, k);
      const g1 = at32(groupStart, n + 1);
      for (let g = at32(groupStart, n); g < g1; g++) {
        if (<i32>load<u16>(groupDelay + ((<usize>g) << 1)) < left) continue;
        const lo = at32(groupSyn, g), hi = at32(groupSyn, g + 1);
        if (projBytes == 0) addF(out, 0, <f64>(hi - lo));
        else if (projBytes == 1) for (let s = lo; s < hi; s++) addF(out, <i32>load<u8>(proj + <usize>s), 1);
        else for (let s = lo; s < hi; s++) addF(out, <i32>load<u16>(proj + ((<usize>s) << 1)), 1);
      }
    }
  }
}

/**
 * Neurons [n0, n1); `last` adds the per-cell pass (after every neuron's chunk). Sums of whole numbers:
 * chunks in any order give the same result. The caller runs it in chunks so that a long derivation is
 * not all in V8's baseline code (its optimising tier takes over between calls, never within one).
 */
export function deriveSpikeCounters(dx: usize, n0: i32, n1: i32, last: bool): void {
  const spikesP = ptr(dx, DX_SPIKES);
  const coreOf = ptr(dx, DX_CORE_OF_NEURON);
  const routePtr = ptr(dx, DX_ROUTE_PTR);
  const destP = ptr(dx, DX_ROUTE_DEST_CORE);
  const axonP = ptr(dx, DX_ROUTE_AXON);
  const synP = ptr(dx, DX_ROUTE_SYNAPSES);
  const cellP = ptr(dx, DX_ROUTE_CELL);
  const perCore = ptr(dx, DX_PER_CORE);
  const byEnc = ptr(dx, DX_SYN_OPS_BY_ENCODING);
  const byProj = ptr(dx, DX_SYN_OPS_BY_PROJECTION);
  const cellOps = ptr(dx, DX_CELL_OPS);
  const axonSpikes = ptr(dx, DX_AXON_SPIKES);
  const hE = ptr(dx, DX_HOPS_EAST), hW = ptr(dx, DX_HOPS_WEST), hN = ptr(dx, DX_HOPS_NORTH), hS = ptr(dx, DX_HOPS_SOUTH);
  const pL = ptr(dx, DX_PACKETS_LOCAL), pT = ptr(dx, DX_PACKETS_IN_TILE);
  const sDest = word(dx, DX_SHIFT_ROUTE_DEST_CORE), sSyn = word(dx, DX_SHIFT_ROUTE_SYNAPSES);
  const sE = word(dx, DX_SHIFT_HOPS_EAST), sW = word(dx, DX_SHIFT_HOPS_WEST), sN = word(dx, DX_SHIFT_HOPS_NORTH), sS = word(dx, DX_SHIFT_HOPS_SOUTH);
  const sL = word(dx, DX_SHIFT_PACKETS_LOCAL), sT = word(dx, DX_SHIFT_PACKETS_IN_TILE);
  const N = word(dx, DX_NEURONS);
  const A = word(dx, DX_AXONS);
  const cells = word(dx, DX_CELLS);
  const E = word(dx, DX_ENCODINGS);
  const K = word(dx, DX_K);
  const kSyn = word(dx, DX_KIND_SYN_OPS), kSpikes = word(dx, DX_KIND_SPIKES), kOut = word(dx, DX_KIND_PACKETS_OUT), kIn = word(dx, DX_KIND_PACKETS_IN);
  const kE = word(dx, DX_KIND_HOPS_EAST), kW = word(dx, DX_KIND_HOPS_WEST), kN = word(dx, DX_KIND_HOPS_NORTH), kS = word(dx, DX_KIND_HOPS_SOUTH);
  const kT = word(dx, DX_KIND_PACKETS_IN_TILE), kL = word(dx, DX_KIND_PACKETS_LOCAL);
  const hasCells = cells > 0;
  const nEnd = min<i32>(n1, N);
  for (let n = n0; n < nEnd; n++) {
    const sp = atF(spikesP, n);
    if (sp == 0) continue;
    const o = at32(coreOf, n) * K;
    addF(perCore, o + kSpikes, sp);
    const r0 = at32(routePtr, n);
    const r1 = at32(routePtr, n + 1);
    if (r1 == r0) continue;
    addF(perCore, o + kOut, sp * <f64>(r1 - r0));
    addF(perCore, o + kE, sp * uintAt(hE, n, sE));
    addF(perCore, o + kW, sp * uintAt(hW, n, sW));
    addF(perCore, o + kN, sp * uintAt(hN, n, sN));
    addF(perCore, o + kS, sp * uintAt(hS, n, sS));
    addF(perCore, o + kL, sp * uintAt(pL, n, sL));
    addF(perCore, o + kT, sp * uintAt(pT, n, sT));
    for (let r = r0; r < r1; r++) {
      const d = <i32>uintAt(destP, r, sDest);
      addF(perCore, d * K + kIn, sp);
      const rs = uintAt(synP, r, sSyn);
      if (hasCells) {
        const one = at32(cellP, r);
        if (one >= 0) addF(cellOps, one, sp * rs);
        else store<f64>(axonSpikes + ((<usize>at32(axonP, r)) << 3), sp);
      } else if (rs > 0) {
        const x = sp * rs;
        addF(perCore, d * K + kSyn, x);
        addF(byEnc, d * E, x);
        addF(byProj, 0, x);
      }
    }
  }
  if (hasCells && last) {
    const acStart = ptr(dx, DX_AXON_CELL_START);
    const acId = ptr(dx, DX_AXON_CELL_ID);
    const acCount = ptr(dx, DX_AXON_CELL_COUNT);
    for (let a = 0; a < A; a++) {
      const sp = atF(axonSpikes, a);
      if (sp == 0) continue;
      const k1 = at32(acStart, a + 1);
      for (let k = at32(acStart, a); k < k1; k++) addF(cellOps, at32(acId, k), sp * <f64>load<u32>(acCount + ((<usize>k) << 2)));
    }
    const cCore = ptr(dx, DX_CELL_CORE);
    const cEnc = ptr(dx, DX_CELL_ENCODING);
    const cProj = ptr(dx, DX_CELL_PROJECTION);
    for (let cell = 0; cell < cells; cell++) {
      const x = atF(cellOps, cell);
      if (x == 0) continue;
      const cc = at32(cCore, cell);
      addF(perCore, cc * K + kSyn, x);
      addF(byEnc, cc * E + <i32>load<u8>(cEnc + <usize>cell), x);
      addF(byProj, <i32>load<u16>(cProj + ((<usize>cell) << 1)), x);
    }
  }
}

// ---- Spikes by population at the end of a run (spike-record.ts byPopulation) ----
// The record (global neuron ids, ticks ascending, each tick in core order) is split by population and each
// population's spikes sorted by (tick, index in population) with a two-pass counting sort: stable by index,
// then stable by tick (a neuron fires at most once per tick: keys never tie). Output: for population p,
// entries [popStart[p], popStart[p + 1]) of outTick / outIndex.

const BX_NEURONS = 0;
const BX_TICK_END = 4;
const BX_POPULATION_OF_NEURON = 8;
const BX_INDEX_IN_POPULATION = 12;
const BX_POPULATION_SIZE = 16;
const BX_POP_START = 20;
const BX_FILL = 24;
const BX_REC_TICK = 28;
const BX_REC_INDEX = 32;
const BX_BY_INDEX = 36;
const BX_BY_TICK = 40;
const BX_OUT_TICK = 44;
const BX_OUT_INDEX = 48;
const BX_SPIKES = 52;
const BX_TICKS = 56;
const BX_POPULATIONS = 60;
const BX_LAST_KEY = 64;
const BX_UNSORTED = 68;
/** Zeroed scratch of one bit per index of the largest population (64-bit words), left zeroed. */
const BX_BITMAP = 72;

/** Phases of spikesByPopulation (one function, called phase by phase and in chunks: see by-population.ts). */
const BP_COUNT = 0;
const BP_PREFIX = 1;
const BP_SCATTER = 2;
const BP_SORT = 3;

/**
 * BP_COUNT: population counts of spikes [from, to) (the first call, from = 0, zeroes them); BP_PREFIX:
 * first entries and fill cursors; BP_SCATTER: ticks [from, to) into record order per population; BP_SORT:
 * population `from`. Called in chunks so that V8 moves the function to its optimising tier between calls.
 */
export function spikesByPopulation(bx: usize, phase: i32, from: i32, to: i32): void {
  const neurons = ptr(bx, BX_NEURONS);
  const popOf = ptr(bx, BX_POPULATION_OF_NEURON);
  const popStart = ptr(bx, BX_POP_START);
  const fill = ptr(bx, BX_FILL);
  const S = word(bx, BX_SPIKES);
  const T = word(bx, BX_TICKS);
  const P = word(bx, BX_POPULATIONS);
  const lastKey = ptr(bx, BX_LAST_KEY);
  const unsorted = ptr(bx, BX_UNSORTED);
  if (phase == BP_COUNT) {
    // Counts, then (BP_PREFIX) each population's first entry.
    if (from == 0) for (let p = 0; p <= P; p++) store<i32>(popStart + ((<usize>p) << 2), 0);
    const end = min<i32>(to, S);
    for (let k = from; k < end; k++) {
      const p = <i32>load<u16>(popOf + ((<usize>at32(neurons, k)) << 1));
      const a = popStart + ((<usize>(p + 1)) << 2);
      store<i32>(a, load<i32>(a) + 1);
    }
    return;
  }
  if (phase == BP_PREFIX) {
    for (let p = 0; p < P; p++) {
      const a = popStart + ((<usize>(p + 1)) << 2);
      store<i32>(a, load<i32>(a) + at32(popStart, p));
      store<i32>(fill + ((<usize>p) << 2), at32(popStart, p));
      store<i64>(lastKey + ((<usize>p) << 3), -1);
      store<i32>(unsorted + ((<usize>p) << 2), 0);
    }
    return;
  }
  if (phase == BP_SCATTER) {
    scatterByPopulation(bx, from, min<i32>(to, T));
    return;
  }
  sortPopulation(bx, from);
}

/**
 * Ticks [t0, t1) of the record into record order per population, noting the populations whose spikes are
 * not already in (tick, index) order there (keys (tick << 32) | index strictly increasing): only those are
 * sorted. A tick's fired list is in core order, so a population whose blocks lie in index order needs none.
 */
@inline function scatterByPopulation(bx: usize, t0: i32, t1: i32): void {
  const neurons = ptr(bx, BX_NEURONS);
  const tickEnd = ptr(bx, BX_TICK_END);
  const popOf = ptr(bx, BX_POPULATION_OF_NEURON);
  const indexOf = ptr(bx, BX_INDEX_IN_POPULATION);
  const fill = ptr(bx, BX_FILL);
  const recTick = ptr(bx, BX_REC_TICK);
  const recIndex = ptr(bx, BX_REC_INDEX);
  const lastKey = ptr(bx, BX_LAST_KEY);
  const unsorted = ptr(bx, BX_UNSORTED);
  let k = t0 == 0 ? 0 : <i32>atF(tickEnd, t0 - 1);
  for (let t = t0; t < t1; t++) {
    const end = <i32>atF(tickEnd, t);
    for (; k < end; k++) {
      const g = at32(neurons, k);
      const p = <i32>load<u16>(popOf + ((<usize>g) << 1));
      const fa = fill + ((<usize>p) << 2);
      const i = load<i32>(fa);
      store<i32>(fa, i + 1);
      const x = at32(indexOf, g);
      store<i32>(recTick + ((<usize>i) << 2), t);
      store<i32>(recIndex + ((<usize>i) << 2), x);
      const key = ((<i64>t) << 32) | <i64>x;
      const ka = lastKey + ((<usize>p) << 3);
      if (key <= load<i64>(ka)) store<i32>(unsorted + ((<usize>p) << 2), 1);
      store<i64>(ka, key);
    }
  }
}

/**
 * Population p's spikes [j0, j1) (record order, so ticks ascending) sorted by index within each tick through
 * a bitmap: each tick's indices set their bits, then the words between the tick's least and greatest index
 * are read in order (each set bit, lowest first, is the next spike) and cleared. The same order as the
 * counting sort, whose two passes scatter every spike to a random place of the population's range (~20 ns
 * a spike on bench_lif10k). Returns false, with the bitmap zeroed and nothing to keep, when a tick repeats
 * an index (a bitmap would merge the two; the counting sort keeps both).
 */
@inline function sortByBitmap(bx: usize, j0: i32, j1: i32): bool {
  const recTick = ptr(bx, BX_REC_TICK);
  const recIndex = ptr(bx, BX_REC_INDEX);
  const outTick = ptr(bx, BX_OUT_TICK);
  const outIndex = ptr(bx, BX_OUT_INDEX);
  const bits = ptr(bx, BX_BITMAP);
  let a = j0;
  while (a < j1) {
    const t = at32(recTick, a);
    let b = a;
    let lo = i32.MAX_VALUE, hi = -1;
    for (; b < j1 && at32(recTick, b) == t; b++) {
      const x = at32(recIndex, b);
      const w = bits + ((<usize>(x >>> 6)) << 3);
      const m = (<u64>1) << (<u64>(x & 63));
      const old = load<u64>(w);
      if ((old & m) != 0) {
        // A repeated index: clear this tick's bits (those of [a, b)) and leave the sort to the counting sort.
        for (let c = a; c < b; c++) store<u64>(bits + ((<usize>(at32(recIndex, c) >>> 6)) << 3), 0);
        return false;
      }
      store<u64>(w, old | m);
      lo = min(lo, x);
      hi = max(hi, x);
    }
    let o = a;
    for (let wi = lo >>> 6; wi <= (hi >>> 6); wi++) {
      const w = bits + ((<usize>wi) << 3);
      let v = load<u64>(w);
      if (v == 0) continue;
      store<u64>(w, 0);
      while (v != 0) {
        const x = (wi << 6) + <i32>ctz(v);
        store<i32>(outTick + ((<usize>o) << 2), t);
        store<i32>(outIndex + ((<usize>o) << 2), x);
        o++;
        v &= v - 1;
      }
    }
    a = b;
  }
  return true;
}

/**
 * Population p's spikes: copied when in order; else sorted within each tick by a bitmap when reading the
 * population's bitmap once per tick costs at most a few reads per spike (T · ⌈size / 64⌉ ≤ 4 · spikes), or
 * by a counting sort by index, then by tick.
 */
@inline function sortPopulation(bx: usize, p: i32): void {
  const popSize = ptr(bx, BX_POPULATION_SIZE);
  const popStart = ptr(bx, BX_POP_START);
  const recTick = ptr(bx, BX_REC_TICK);
  const recIndex = ptr(bx, BX_REC_INDEX);
  const byIndex = ptr(bx, BX_BY_INDEX);
  const byTick = ptr(bx, BX_BY_TICK);
  const outTick = ptr(bx, BX_OUT_TICK);
  const outIndex = ptr(bx, BX_OUT_INDEX);
  const unsorted = ptr(bx, BX_UNSORTED);
  const T = word(bx, BX_TICKS);
  const j0 = at32(popStart, p);
  const j1 = at32(popStart, p + 1);
  if (j1 == j0) return;
  if (at32(unsorted, p) == 0) {
    memory.copy(outTick + ((<usize>j0) << 2), recTick + ((<usize>j0) << 2), (<usize>(j1 - j0)) << 2);
    memory.copy(outIndex + ((<usize>j0) << 2), recIndex + ((<usize>j0) << 2), (<usize>(j1 - j0)) << 2);
    return;
  }
  const size = at32(popSize, p);
  if ((<i64>T) * (<i64>((size + 63) >>> 6)) <= 4 * (<i64>(j1 - j0)) && sortByBitmap(bx, j0, j1)) return;
  for (let x = 0; x <= size; x++) store<i32>(byIndex + ((<usize>x) << 2), 0);
  for (let t = 0; t <= T; t++) store<i32>(byTick + ((<usize>t) << 2), 0);
  for (let j = j0; j < j1; j++) {
    const bi = byIndex + ((<usize>(at32(recIndex, j) + 1)) << 2);
    store<i32>(bi, load<i32>(bi) + 1);
    const bt = byTick + ((<usize>(at32(recTick, j) + 1)) << 2);
    store<i32>(bt, load<i32>(bt) + 1);
  }
  for (let x = 0; x < size; x++) {
    const a = byIndex + ((<usize>(x + 1)) << 2);
    store<i32>(a, load<i32>(a) + at32(byIndex, x));
  }
  for (let t = 0; t < T; t++) {
    const a = byTick + ((<usize>(t + 1)) << 2);
    store<i32>(a, load<i32>(a) + at32(byTick, t));
  }
  // Pass 1 (by index) into out*, offsets relative to j0.
  for (let j = j0; j < j1; j++) {
    const x = at32(recIndex, j);
    const ba = byIndex + ((<usize>x) << 2);
    const at = j0 + load<i32>(ba);
    store<i32>(ba, load<i32>(ba) + 1);
    store<i32>(outTick + ((<usize>at) << 2), at32(recTick, j));
    store<i32>(outIndex + ((<usize>at) << 2), x);
  }
  // Pass 2 (by tick) back into rec*, then the result into out*.
  for (let j = j0; j < j1; j++) {
    const t = at32(outTick, j);
    const ba = byTick + ((<usize>t) << 2);
    const at = j0 + load<i32>(ba);
    store<i32>(ba, load<i32>(ba) + 1);
    store<i32>(recTick + ((<usize>at) << 2), t);
    store<i32>(recIndex + ((<usize>at) << 2), at32(outIndex, j));
  }
  memory.copy(outTick + ((<usize>j0) << 2), recTick + ((<usize>j0) << 2), (<usize>(j1 - j0)) << 2);
  memory.copy(outIndex + ((<usize>j0) << 2), recIndex + ((<usize>j0) << 2), (<usize>(j1 - j0)) << 2);
}

// ---- Phase 3 of a one-thread run: emit (run.ts emit) ----
// Per fired neuron n: spikes_n += 1; the tick's totals add its per-spike traffic (packets = routes of n,
// hops per direction, local and in-tile packets, synaptic ops = synapses of its groups); its groups go on
// the timing wheel: group g at slot (t + delay_g) mod slots as a record (g, first synapse, end synapse,
// base), the first synapse with bit 31 set for a dense group. The wheel's buckets live in this memory (EX_BUCKETS: per slot its address, capacity and length
// in Int32 entries). Before a spike the kernel checks that each bucket the spike writes to has room for
// all of its records (skipped while the least room of any bucket is enough: leastBucketRoom); if one has
// not, it returns that spike's position and the caller grows the buckets and calls again from there.
// Returns nFired when done. Totals are whole numbers (exact).

const EX_FIRED = 0;
const EX_SPIKES_PER_NEURON = 4;
const EX_NEURON_GROUP_START = 8;
const EX_GROUP_DELAY = 12;
const EX_GROUP_SYN_START = 16;
const EX_NEURON_BASE = 20;
const EX_ROUTE_PTR = 24;
const EX_HOPS_EAST = 28;
const EX_HOPS_WEST = 32;
const EX_HOPS_NORTH = 36;
const EX_HOPS_SOUTH = 40;
const EX_PACKETS_LOCAL = 44;
const EX_PACKETS_IN_TILE = 48;
const EX_BUCKETS = 52;
const EX_TOTALS = 56;
const EX_SHIFT_HOPS_EAST = 60;
const EX_SHIFT_HOPS_WEST = 64;
const EX_SHIFT_HOPS_NORTH = 68;
const EX_SHIFT_HOPS_SOUTH = 72;
const EX_SHIFT_PACKETS_LOCAL = 76;
const EX_SHIFT_PACKETS_IN_TILE = 80;
const EX_SLOTS = 84;
const EX_OFFSET_LAYOUT = 88;
const EX_TOTALS_INT = 92;
const EX_SCHEDULE = 96;
const EX_GROUP_DENSE = 100;
const EX_HAS_DENSE = 104;
/** Each neuron's traffic per spike as 8 uint16 (emit-record.ts), 0: none (read the per-quantity arrays). */
const EX_EMIT_RECORD = 108;

/**
 * The least free room, in int32 entries, of the wheel's buckets. A spike of m records adds at most 4m entries
 * to any bucket, so while that room, lowered by each spike's 4m, stays ≥ the next spike's 4m, every bucket
 * has room for it and the per-bucket check can be skipped: the same spikes are scheduled, and a wheel runs
 * out of room at the same spike, as with the check before every spike.
 */
@inline function leastBucketRoom(buckets: usize, slots: i32): i32 {
  let least = i32.MAX_VALUE;
  for (let s = 0; s < slots; s++) {
    const b = buckets + (<usize>s) * 12;
    least = min(least, load<i32>(b, 4) - load<i32>(b, 8));
  }
  return least;
}

/** Totals (float64) written to EX_TOTALS: packets, hops E/W/N/S, local, in-tile, synaptic ops. */
export function emitSpikes(ex: usize, t: i32, from: i32, nFired: i32): i32 {
  const fired = ptr(ex, EX_FIRED);
  const spikes = ptr(ex, EX_SPIKES_PER_NEURON);
  const ngs = ptr(ex, EX_NEURON_GROUP_START);
  const gDelay = ptr(ex, EX_GROUP_DELAY);
  const gSyn = ptr(ex, EX_GROUP_SYN_START);
  const nBase = ptr(ex, EX_NEURON_BASE);
  const routePtr = ptr(ex, EX_ROUTE_PTR);
  const hE = ptr(ex, EX_HOPS_EAST), hW = ptr(ex, EX_HOPS_WEST), hN = ptr(ex, EX_HOPS_NORTH), hS = ptr(ex, EX_HOPS_SOUTH);
  const pL = ptr(ex, EX_PACKETS_LOCAL), pT = ptr(ex, EX_PACKETS_IN_TILE);
  const sE = word(ex, EX_SHIFT_HOPS_EAST), sW = word(ex, EX_SHIFT_HOPS_WEST), sN = word(ex, EX_SHIFT_HOPS_NORTH), sS = word(ex, EX_SHIFT_HOPS_SOUTH);
  const sL = word(ex, EX_SHIFT_PACKETS_LOCAL), sT = word(ex, EX_SHIFT_PACKETS_IN_TILE);
  const buckets = ptr(ex, EX_BUCKETS);
  const totals = ptr(ex, EX_TOTALS);
  const slots = word(ex, EX_SLOTS);
  const offsetLayout = word(ex, EX_OFFSET_LAYOUT) != 0;
  // 0: count only (multi-threaded runs: each thread part schedules its own records).
  const schedule = word(ex, EX_SCHEDULE) != 0;
  // Dense groups' records carry the flag on their first synapse (dense-groups.ts; compact layouts only).
  const gDense = ptr(ex, EX_GROUP_DENSE);
  const hasDense = word(ex, EX_HAS_DENSE) != 0;
  const t0 = t % slots;
  let packets: f64 = 0, hopsE: f64 = 0, hopsW: f64 = 0, hopsN: f64 = 0, hopsS: f64 = 0, local: f64 = 0, inTile: f64 = 0, synOps: f64 = 0;
  const emitRec = ptr(ex, EX_EMIT_RECORD);
  let tA = f64x2.splat(0), tB = f64x2.splat(0), tC = f64x2.splat(0), tD = f64x2.splat(0);
  let roomLeft = schedule ? leastBucketRoom(buckets, slots) : 0;
  let f = from;
  for (; f < nFired; f++) {
    const n = at32(fired, f);
    const g0 = at32(ngs, n);
    const g1 = at32(ngs, n + 1);
    // Room for all of this spike's records in each bucket it writes to (else the caller grows the buckets
    // and calls again from f; nothing of spike f is counted yet).
    const room = (g1 - g0) << 2;
    if (schedule) {
      if (room > roomLeft) {
        let full = false;
        for (let g = g0; g < g1; g++) {
          let slot = t0 + <i32>load<u16>(gDelay + ((<usize>g) << 1));
          if (slot >= slots) slot -= slots;
          const b = buckets + (<usize>slot) * 12;
          if (load<i32>(b, 8) + room > load<i32>(b, 4)) full = true;
        }
        if (full) break;
        roomLeft = leastBucketRoom(buckets, slots);
      }
      roomLeft -= room;
    }
    const sa = spikes + ((<usize>n) << 2);
    store<u32>(sa, load<u32>(sa) + 1);
    if (emitRec != 0) {
      // [routes, hops E, W, N, S, local, in-tile, synaptic ops], zero for a neuron without routes: the same
      // whole numbers added to the same sums in the same order as the arrays below, two per f64x2 lane pair.
      const x = v128.load(emitRec + ((<usize>n) << 4));
      const lo = i32x4.extend_low_i16x8_u(x), hi = i32x4.extend_high_i16x8_u(x);
      tA = f64x2.add(tA, f64x2.convert_low_i32x4_u(lo));
      tB = f64x2.add(tB, f64x2.convert_low_i32x4_u(v128.shuffle<i32>(lo, lo, 2, 3, 0, 1)));
      tC = f64x2.add(tC, f64x2.convert_low_i32x4_u(hi));
      tD = f64x2.add(tD, f64x2.convert_low_i32x4_u(v128.shuffle<i32>(hi, hi, 2, 3, 0, 1)));
    } else {
      const routes = at32(routePtr, n + 1) - at32(routePtr, n);
      if (routes > 0) {
        packets += <f64>routes;
        hopsE += uintAt(hE, n, sE);
        hopsW += uintAt(hW, n, sW);
        hopsN += uintAt(hN, n, sN);
        hopsS += uintAt(hS, n, sS);
        local += uintAt(pL, n, sL);
        inTile += uintAt(pT, n, sT);
        synOps += <f64>(at32(gSyn, g1) - at32(gSyn, g0));
      }
    }
    const base = offsetLayout ? at32(nBase, n) : 0;
    if (schedule) for (let g = g0; g < g1; g++) {
      let slot = t0 + <i32>load<u16>(gDelay + ((<usize>g) << 1));
      if (slot >= slots) slot -= slots;
      const b = buckets + (<usize>slot) * 12;
      const len = load<i32>(b, 8);
      const r = (<usize>load<u32>(b)) + ((<usize>len) << 2);
      store<i32>(r, g);
      store<i32>(r, hasDense ? at32(gSyn, g) | (<i32>load<u8>(gDense + <usize>g) << 31) : at32(gSyn, g), 4);
      store<i32>(r, at32(gSyn, g + 1), 8);
      store<i32>(r, base, 12);
      store<i32>(b, len + 4, 8);
    }
  }
  if (emitRec != 0) {
    packets = f64x2.extract_lane(tA, 0); hopsE = f64x2.extract_lane(tA, 1);
    hopsW = f64x2.extract_lane(tB, 0); hopsN = f64x2.extract_lane(tB, 1);
    hopsS = f64x2.extract_lane(tC, 0); local = f64x2.extract_lane(tC, 1);
    inTile = f64x2.extract_lane(tD, 0); synOps = f64x2.extract_lane(tD, 1);
  }
  addF(totals, 0, packets);
  addF(totals, 1, hopsE);
  addF(totals, 2, hopsW);
  addF(totals, 3, hopsN);
  addF(totals, 4, hopsS);
  addF(totals, 5, local);
  addF(totals, 6, inTile);
  addF(totals, 7, synOps);
  // The totals as int32 too, with [8] = 1 when all fit: the caller's per-tick code may still run
  // unoptimised, where reading a float64 element allocates and reading an int32 one does not.
  const totalsInt = ptr(ex, EX_TOTALS_INT);
  let fits = 1;
  for (let i = 0; i < 8; i++) {
    const v = atF(totals, i);
    const ok = v <= 2147483647.0;
    if (!ok) fits = 0;
    store<i32>(totalsInt + ((<usize>i) << 2), ok ? <i32>v : 0);
  }
  store<i32>(totalsInt, fits, 32);
  return f;
}

// ---- Timing: SANA-FE's detailed message schedule of one tick (chip/timing/detailed.ts) ----
//   The same computation as DetailedScheduler.tickLatencyNs, float64 operations in the same order; the
//   libstdc++ heap rules (std-heap.ts) and the arrival heap of FIFO heads are the same sift loops, so equal
//   send times resolve identically. Returns the tick's latest send/processed time (ns); the caller adds
//   learning and sync.
//   Memory layout, for speed (the schedule visits messages in send-time order, across cores): one 64-byte
//   record per message (one cache line, MSG_*), and heap entries that carry their key (16 bytes: key, id),
//   so a sift compares keys without following ids. Routes come from a table of every core pair's links
//   (TX_PAIR_START ≠ 0) or are walked on the mesh (routeLinks' order either way).
// Context block (TX_*): byte addresses, then counts. Costs: float64 words (TC_*) at TX_COSTS.
const TX_PACKET_SRC = 0;
const TX_PACKET_DST = 4;
const TX_PACKET_DX = 8;
const TX_PACKET_DY = 12;
const TX_PACKET_SYN_OPS = 16;
const TX_PACKET_ACCESSED = 20;
const TX_PACKET_UPDATED = 24;
const TX_PACKET_FIRED = 28;
const TX_NEURONS_ACCESSED = 32;
const TX_NEURONS_UPDATED = 36;
const TX_NEURONS_FIRED = 40;
const TX_CORE_TILE_X = 44;
const TX_CORE_TILE_Y = 48;
const TX_CORE_IN_TILE = 52;
const TX_ORDER = 56;
const TX_RANK_OF = 60;
const TX_SYN_OP_NS = 64;
const TX_COSTS = 68;
const TX_MESSAGES = 72;
const TX_HEAP = 76;
const TX_FIRST_OF = 80;
const TX_LAST_OF = 84;
const TX_ACC_PREV = 88;
const TX_UPD_PREV = 92;
const TX_FIR_PREV = 96;
const TX_FREE_AT = 100;
const TX_FIFO_HEAD = 104;
const TX_FIFO_TAIL = 108;
const TX_READY = 112;
const TX_HEADS = 116;
const TX_DENSITY = 120;
const TX_PAIR_START = 124;
const TX_PAIR_LINKS = 128;
const TX_SHARE_OF_HOPS = 132;
const TX_PACKETS = 136;
const TX_CORES = 140;
const TX_ENCODINGS = 144;
const TX_HEIGHT_TILES = 148;
const TX_LINKS_PER_ROUTER = 152;
const TX_READY_WORDS = 156;
const TX_DENSITY_LINKS = 160;

const TC_ACCESS_NS = 0;
const TC_UPDATE_NS = 8;
const TC_SPIKE_OUT_NS = 16;
const TC_PACKET_OUT_NS = 24;
const TC_PACKET_IN_NS = 32;
const TC_HOP_EAST_WEST_NS = 40;
const TC_HOP_NORTH_SOUTH_NS = 48;
const TC_LINK_BUFFER_PACKETS = 56;
const TC_INACTIVE_NS = 64;
const TC_IN_TILE_NS = 72;

// A message record (64 bytes).
const MSG_SENT = 0; // f64: send time (ns)
const MSG_RECEIVED = 8; // f64: time its processing starts at the receiver
const MSG_GEN = 16; // f64: generation latency since the core's previous message
const MSG_PROC = 24; // f64: processing latency at the receiver
const MSG_MIN_HOP = 32; // f64: network latency without congestion
const MSG_SRC = 40; // i32: source core slot
const MSG_DST = 44; // i32: destination core slot (−1: the core's trailing soma work, no packet)
const MSG_HOPS = 48; // i32: |dx| + |dy|
const MSG_NEXT_IN_CORE = 52; // i32: the core's next message (−1: none)
const MSG_FIFO_NEXT = 56; // i32: next message in the receiver's FIFO (−1: none)
const MSG_ROUTE = 60; // i32: with a route table, the first of the message's hops + 1 links in pairLinks
const MSG_BYTES = 64; // (msg() shifts by 6)

@inline function msg(base: usize, m: i32): usize {
  return base + ((<usize>m) << 6);
}

@inline function set32(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}

@inline function setF(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}

/** Route operations on the links' densities. */
const SUM = 0; // Σ density
const ADD = 1; // density += amount
const SUM_THEN_ADD = 2; // Σ density as it was, and density += amount (a route's links are distinct)

@inline function onLink(density: usize, link: i32, op: i32, amount: f64, sum: f64): f64 {
  const p = density + ((<usize>link) << 3);
  const x = load<f64>(p);
  if (op != SUM) store<f64>(p, x + amount);
  return op == ADD ? sum : sum + x;
}

/**
 * The XY route of a message from core s to core d, link by link in routeLinks' order: link index
 * (x·H + y)·L + port, the source's injection port, then the port it leaves each router by.
 */
@inline function onRoute(tx: usize, s: i32, d: i32, op: i32, amount: f64): f64 {
  const density = ptr(tx, TX_DENSITY);
  const tileX = ptr(tx, TX_CORE_TILE_X), tileY = ptr(tx, TX_CORE_TILE_Y);
  const H = word(tx, TX_HEIGHT_TILES);
  const L = word(tx, TX_LINKS_PER_ROUTER);
  const sx = at32(tileX, s), sy = at32(tileY, s), dx = at32(tileX, d), dy = at32(tileY, d);
  const inject = 4 + at32(ptr(tx, TX_CORE_IN_TILE), s);
  const xi = sx < dx ? 1 : -1;
  const yi = sy < dy ? 1 : -1;
  let sum: f64 = 0;
  let prev = inject;
  for (let x = sx; x != dx; x += xi) {
    const dir = xi > 0 ? 1 : 3; // EAST : WEST
    sum = onLink(density, (x * H + sy) * L + (x == sx ? inject : dir), op, amount, sum);
    prev = dir;
  }
  for (let y = sy; y != dy; y += yi) {
    const dir = yi > 0 ? 0 : 2; // NORTH : SOUTH
    sum = onLink(density, (dx * H + y) * L + (sx == dx && y == sy ? inject : prev), op, amount, sum);
    prev = dir;
  }
  return onLink(density, (dx * H + dy) * L + (sx == dx && sy == dy ? inject : prev), op, amount, sum);
}

/**
 * onRoute through the route table (TX_PAIR_START ≠ 0: every core pair's links, pairLinks[pairStart[s·C + d]
 * ..]): the message's first link was looked up when the message was made (MSG_ROUTE), and a route of h hops
 * has h + 1 links (routeLinks), so each visit reads the links straight away.
 */
@inline function onLinks(tx: usize, first: i32, n: i32, op: i32, amount: f64): f64 {
  const density = ptr(tx, TX_DENSITY);
  const links = ptr(tx, TX_PAIR_LINKS) + ((<usize>first) << 2);
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) sum = onLink(density, load<i32>(links + ((<usize>i) << 2)), op, amount, sum);
  return sum;
}

// Heap entries (16 bytes): key (f64), id (i32).
@inline function hKey(h: usize, i: i32): f64 {
  return load<f64>(h + ((<usize>i) << 4));
}

@inline function hId(h: usize, i: i32): i32 {
  return load<i32>(h + ((<usize>i) << 4), 8);
}

@inline function hSet(h: usize, i: i32, key: f64, id: i32): void {
  const p = h + ((<usize>i) << 4);
  store<f64>(p, key);
  store<i32>(p, id, 8);
}

@inline function hMove(h: usize, to: i32, from: i32): void {
  const f = h + ((<usize>from) << 4);
  const t = h + ((<usize>to) << 4);
  store<i64>(t, load<i64>(f));
  store<i64>(t, load<i64>(f, 8), 8);
}

/** std::push_heap's hole loop (std-heap.ts siftUp): comp(a, b) = a.key > b.key. */
@inline function stdSiftUp(h: usize, hole: i32, key: f64, id: i32): void {
  let parent = (hole - 1) >> 1;
  while (hole > 0 && hKey(h, parent) > key) {
    hMove(h, hole, parent);
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  hSet(h, hole, key, id);
}

/** std::pop_heap (std-heap.ts pop): __adjust_heap from the root hole, then __push_heap. Heap of n > 0; returns the top's id. */
function stdPop(h: usize, n: i32): i32 {
  const top = hId(h, 0);
  const len = n - 1;
  if (len > 0) {
    const key = hKey(h, len);
    const id = hId(h, len);
    let hole = 0;
    let second = 0;
    while (second < ((len - 1) >> 1)) {
      second = 2 * (second + 1);
      second -= <i32>(hKey(h, second) > hKey(h, second - 1)); // (no branch to mispredict)
      hMove(h, hole, second);
      hole = second;
    }
    if ((len & 1) == 0 && second == ((len - 2) >> 1)) {
      second = 2 * (second + 1);
      hMove(h, hole, second - 1);
      hole = second - 1;
    }
    stdSiftUp(h, hole, key, id);
  }
  return top;
}

/** Arrival heap of cores keyed by their FIFO head's arrival (detailed.ts pushHead); returns the new size. */
function pushHead(h: usize, n: i32, c: i32, key: f64): i32 {
  let i = n;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (hKey(h, parent) <= key) break;
    hMove(h, i, parent);
    i = parent;
  }
  hSet(h, i, key, c);
  return n + 1;
}

/** Removes the root of the arrival heap (detailed.ts popHead); returns the new size. */
function popHead(h: usize, n: i32): i32 {
  const size = n - 1;
  if (size == 0) return 0;
  const key = hKey(h, size);
  const c = hId(h, size);
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    const right = child + 1 < size ? child + 1 : child; // (a select: no branch to mispredict)
    child += <i32>(hKey(h, right) < hKey(h, child));
    if (hKey(h, child) >= key) break;
    hMove(h, i, child);
    i = child;
  }
  hSet(h, i, key, c);
  return size;
}

export function detailedSchedule(tx: usize): f64 {
  const P = word(tx, TX_PACKETS);
  const C = word(tx, TX_CORES);
  const E = word(tx, TX_ENCODINGS);
  const costs = ptr(tx, TX_COSTS);
  const accessNs = load<f64>(costs, TC_ACCESS_NS);
  const updateNs = load<f64>(costs, TC_UPDATE_NS);
  const spikeOutNs = load<f64>(costs, TC_SPIKE_OUT_NS);
  const packetOutNs = load<f64>(costs, TC_PACKET_OUT_NS);
  const packetInNs = load<f64>(costs, TC_PACKET_IN_NS);
  const hopEwNs = load<f64>(costs, TC_HOP_EAST_WEST_NS);
  const hopNsNs = load<f64>(costs, TC_HOP_NORTH_SOUTH_NS);
  const B = load<f64>(costs, TC_LINK_BUFFER_PACKETS);
  const inactiveNs = load<f64>(costs, TC_INACTIVE_NS);
  const inTileNs = load<f64>(costs, TC_IN_TILE_NS);
  const synOpNs = ptr(tx, TX_SYN_OP_NS);
  const pSrc = ptr(tx, TX_PACKET_SRC), pDst = ptr(tx, TX_PACKET_DST), pDx = ptr(tx, TX_PACKET_DX), pDy = ptr(tx, TX_PACKET_DY);
  const pSyn = ptr(tx, TX_PACKET_SYN_OPS), pAcc = ptr(tx, TX_PACKET_ACCESSED), pUpd = ptr(tx, TX_PACKET_UPDATED), pFir = ptr(tx, TX_PACKET_FIRED);
  const msgs = ptr(tx, TX_MESSAGES);
  const firstOf = ptr(tx, TX_FIRST_OF), lastOf = ptr(tx, TX_LAST_OF);
  const accPrev = ptr(tx, TX_ACC_PREV), updPrev = ptr(tx, TX_UPD_PREV), firPrev = ptr(tx, TX_FIR_PREV), freeAt = ptr(tx, TX_FREE_AT);
  const fifoHead = ptr(tx, TX_FIFO_HEAD), fifoTail = ptr(tx, TX_FIFO_TAIL);
  const ready = ptr(tx, TX_READY), readyWords = word(tx, TX_READY_WORDS);
  const heads = ptr(tx, TX_HEADS);
  const order = ptr(tx, TX_ORDER), rankOf = ptr(tx, TX_RANK_OF), heap = ptr(tx, TX_HEAP);
  const density = ptr(tx, TX_DENSITY);
  const pairStart = ptr(tx, TX_PAIR_START);
  // share[h] = 1 / (h + 2): a message's density on each link of its route (a division, done once per mesh).
  const share = ptr(tx, TX_SHARE_OF_HOPS);
  const c4 = (<usize>C) << 2, c8 = (<usize>C) << 3;
  memory.fill(density, 0, (<usize>word(tx, TX_DENSITY_LINKS)) << 3);
  memory.fill(firstOf, 0xff, c4); // −1
  memory.fill(lastOf, 0xff, c4);
  memory.fill(fifoHead, 0xff, c4);
  memory.fill(fifoTail, 0xff, c4);
  memory.fill(accPrev, 0, c8);
  memory.fill(updPrev, 0, c8);
  memory.fill(firPrev, 0, c8);
  memory.fill(freeAt, 0, c8);
  memory.fill(ready, 0, (<usize>readyWords) << 2);

  // Messages: each packet, in emission order, with the soma work since its core's previous packet.
  let M = 0;
  for (let p = 0; p < P; p++) {
    const c = at32(pSrc, p);
    const a = <f64>load<u32>(pAcc + ((<usize>p) << 2));
    const u = <f64>load<u32>(pUpd + ((<usize>p) << 2));
    const f = <f64>load<u32>(pFir + ((<usize>p) << 2));
    const r = msg(msgs, M);
    // Soma work since the previous packet, idle compartments included (detailed.ts header).
    const da = a - atF(accPrev, c);
    const du = u - atF(updPrev, c);
    store<f64>(r, da * accessNs + du * updateNs + (da - du) * inactiveNs + (f - atF(firPrev, c)) * spikeOutNs + packetOutNs, MSG_GEN);
    setF(accPrev, c, a);
    setF(updPrev, c, u);
    setF(firPrev, c, f);
    let d = packetInNs;
    for (let e = 0; e < E; e++) d += (<f64>load<u32>(pSyn + ((<usize>(p * E + e)) << 2))) * atF(synOpNs, e);
    store<f64>(r, d, MSG_PROC);
    const ax = abs<i32>(at32(pDx, p));
    const ay = abs<i32>(at32(pDy, p));
    store<i32>(r, ax + ay, MSG_HOPS);
    store<i32>(r, c, MSG_SRC);
    const dst = at32(pDst, p);
    // Minimum network delay: the hops, or t_inTile between two cores of one tile (0 to the own core).
    store<f64>(r, ax + ay == 0 ? (dst == c ? 0.0 : inTileNs) : (<f64>ax) * hopEwNs + (<f64>ay) * hopNsNs, MSG_MIN_HOP);
    store<i32>(r, dst, MSG_DST);
    if (pairStart != 0) store<i32>(r, at32(pairStart, c * C + dst), MSG_ROUTE);
    store<i32>(r, -1, MSG_NEXT_IN_CORE);
    if (at32(firstOf, c) < 0) set32(firstOf, c, M);
    else store<i32>(msg(msgs, at32(lastOf, c)), M, MSG_NEXT_IN_CORE);
    set32(lastOf, c, M);
    M++;
  }
  // A message without a packet per core for the soma work after its last packet (when not 0).
  const nAcc = ptr(tx, TX_NEURONS_ACCESSED), nUpd = ptr(tx, TX_NEURONS_UPDATED), nFir = ptr(tx, TX_NEURONS_FIRED);
  for (let c = 0; c < C; c++) {
    const da = atF(nAcc, c) - atF(accPrev, c);
    const du = atF(nUpd, c) - atF(updPrev, c);
    const rest = da * accessNs + du * updateNs + (da - du) * inactiveNs + (atF(nFir, c) - atF(firPrev, c)) * spikeOutNs;
    if (rest != 0) {
      const r = msg(msgs, M);
      store<f64>(r, rest, MSG_GEN);
      store<f64>(r, 0, MSG_PROC);
      store<i32>(r, c, MSG_SRC);
      store<i32>(r, -1, MSG_DST);
      store<i32>(r, 0, MSG_HOPS);
      store<f64>(r, 0, MSG_MIN_HOP);
      store<i32>(r, -1, MSG_NEXT_IN_CORE);
      if (at32(firstOf, c) < 0) set32(firstOf, c, M);
      else store<i32>(msg(msgs, at32(lastOf, c)), M, MSG_NEXT_IN_CORE);
      set32(lastOf, c, M);
      M++;
    }
  }

  // The schedule (detailed.ts): each core's next message in a std heap by send time.
  let inFlight = 0;
  let mean: f64 = 0;
  let n = 0;
  let nHeads = 0;
  for (let i = 0; i < C; i++) {
    const m = at32(firstOf, at32(order, i));
    if (m < 0) continue;
    const r = msg(msgs, m);
    const g = load<f64>(r, MSG_GEN);
    store<f64>(r, g, MSG_SENT);
    stdSiftUp(heap, n, g, m);
    n++;
  }
  let last: f64 = 0;
  while (n > 0) {
    const m = stdPop(heap, n);
    n--;
    const r = msg(msgs, m);
    const t = load<f64>(r, MSG_SENT);
    if (t > last) last = t;
    // 1. Messages received by t leave the network (receiving cores in SANA-FE order, FIFO each).
    if (nHeads > 0 && hKey(heads, 0) <= t) {
      while (nHeads > 0 && hKey(heads, 0) <= t) {
        const rank = at32(rankOf, hId(heads, 0));
        nHeads = popHead(heads, nHeads);
        const w = ready + ((<usize>(rank >> 5)) << 2);
        store<u32>(w, load<u32>(w) | ((<u32>1) << (<u32>(rank & 31))));
      }
      for (let w = 0; w < readyWords; w++) {
        const wp = ready + ((<usize>w) << 2);
        let bits = load<u32>(wp);
        store<u32>(wp, 0);
        while (bits != 0) {
          const bit = <i32>ctz<u32>(bits);
          bits &= bits - 1;
          const c = at32(order, (w << 5) + bit);
          let h = at32(fifoHead, c);
          while (h >= 0) {
            const rh = msg(msgs, h);
            if (!(t >= load<f64>(rh, MSG_RECEIVED))) break;
            const amount = -atF(share, load<i32>(rh, MSG_HOPS)); // −1/(hops + 2), exactly (IEEE negation)
            if (pairStart != 0) onLinks(tx, load<i32>(rh, MSG_ROUTE), load<i32>(rh, MSG_HOPS) + 1, ADD, amount);
            else onRoute(tx, load<i32>(rh, MSG_SRC), load<i32>(rh, MSG_DST), ADD, amount);
            if (inFlight > 1) mean += (mean - load<f64>(rh, MSG_PROC)) / (<f64>(inFlight - 1));
            else mean = 0;
            inFlight--;
            h = load<i32>(rh, MSG_FIFO_NEXT);
          }
          set32(fifoHead, c, h);
          if (h < 0) set32(fifoTail, c, -1);
          else nHeads = pushHead(heads, nHeads, c, load<f64>(msg(msgs, h), MSG_RECEIVED));
        }
      }
    }
    const d = load<i32>(r, MSG_DST);
    if (d >= 0) {
      // 2. Congestion along the route, blocking, network delay, arrival at the receiver. ρ is read and
      // (step 3, in the same pass: nothing between reads the densities) the message's 1/(hops + 2) added
      // to each link of its route.
      const hm = load<i32>(r, MSG_HOPS);
      const rho = pairStart != 0 ? onLinks(tx, load<i32>(r, MSG_ROUTE), hm + 1, SUM_THEN_ADD, atF(share, hm)) : onRoute(tx, load<i32>(r, MSG_SRC), d, SUM_THEN_ADD, atF(share, hm));
      const capacity = (<f64>(hm + 1)) * B;
      let sent = t;
      if (rho > capacity) {
        sent = t + (rho - capacity) * mean;
        store<f64>(r, sent, MSG_SENT);
      }
      const congestion = (rho * mean) / (<f64>(hm + 1));
      const network = max<f64>(load<f64>(r, MSG_MIN_HOP), congestion);
      const earliest = sent + network;
      const pm = load<f64>(r, MSG_PROC);
      const was = atF(freeAt, d);
      const received = max<f64>(was, earliest);
      store<f64>(r, received, MSG_RECEIVED);
      const free = max<f64>(was + pm, earliest + pm);
      setF(freeAt, d, free);
      if (free > last) last = free;
      // 3. Into the network.
      mean += (pm - mean) / (<f64>(inFlight + 1));
      inFlight++;
      store<i32>(r, -1, MSG_FIFO_NEXT);
      const tail = at32(fifoTail, d);
      if (tail < 0) {
        set32(fifoHead, d, m);
        nHeads = pushHead(heads, nHeads, d, received);
      } else store<i32>(msg(msgs, tail), m, MSG_FIFO_NEXT);
      set32(fifoTail, d, m);
    }
    const next = load<i32>(r, MSG_NEXT_IN_CORE);
    if (next >= 0) {
      const rn = msg(msgs, next);
      const s = load<f64>(r, MSG_SENT) + load<f64>(rn, MSG_GEN);
      store<f64>(rn, s, MSG_SENT);
      stdSiftUp(heap, n, s, next);
      n++;
      if (s > last) last = s;
    }
  }
  return last;
}

// ---- Per-packet records for the detailed timing model (run.ts emitPackets) ----
//   For each fired neuron f, each of its routes r (in order) becomes packet p: source and destination core
//   slots, tile offsets, the core's running soma counts at f, and its synaptic events per encoding (one
//   counter cell, or the axon's cells); packetsOut/packetsIn/synOps of the TickWork grow with it.
//   Returns the new packet count. The caller reserved room for every packet.
const RX_FIRED = 0;
const RX_FIRED_ACCESSED = 4;
const RX_FIRED_UPDATED = 8;
const RX_FIRED_FIRED = 12;
const RX_CORE_OF_NEURON = 16;
const RX_ROUTE_PTR = 20;
const RX_ROUTE_DEST_CORE = 24;
const RX_ROUTE_AXON = 28;
const RX_ROUTE_SYNAPSES = 32;
const RX_ROUTE_CELL = 36;
const RX_AXON_CELL_START = 40;
const RX_AXON_CELL_ID = 44;
const RX_AXON_CELL_COUNT = 48;
const RX_CELL_ENCODING = 52;
const RX_CORE_TILE_X = 56;
const RX_CORE_TILE_Y = 60;
const RX_PACKET_SRC = 64;
const RX_PACKET_DST = 68;
const RX_PACKET_DX = 72;
const RX_PACKET_DY = 76;
const RX_PACKET_ACCESSED = 80;
const RX_PACKET_UPDATED = 84;
const RX_PACKET_FIRED = 88;
const RX_PACKET_SYN_OPS = 92;
const RX_PACKETS_OUT = 96;
const RX_PACKETS_IN = 100;
const RX_SYN_OPS = 104;
const RX_SHIFT_ROUTE_DEST_CORE = 108;
const RX_SHIFT_ROUTE_SYNAPSES = 112;
const RX_ENCODINGS = 116;
const RX_HAS_CELLS = 120;

@inline function addU32(p: usize, i: i32, x: u32): void {
  const a = p + ((<usize>i) << 2);
  store<u32>(a, load<u32>(a) + x);
}

export function recordPackets(rx: usize, nFired: i32, p0: i32): i32 {
  const fired = ptr(rx, RX_FIRED), fAcc = ptr(rx, RX_FIRED_ACCESSED), fUpd = ptr(rx, RX_FIRED_UPDATED), fFir = ptr(rx, RX_FIRED_FIRED);
  const coreOf = ptr(rx, RX_CORE_OF_NEURON), routePtr = ptr(rx, RX_ROUTE_PTR), routeDest = ptr(rx, RX_ROUTE_DEST_CORE);
  const routeAxon = ptr(rx, RX_ROUTE_AXON), routeSyn = ptr(rx, RX_ROUTE_SYNAPSES), routeCell = ptr(rx, RX_ROUTE_CELL);
  const cellStart = ptr(rx, RX_AXON_CELL_START), cellId = ptr(rx, RX_AXON_CELL_ID), cellCount = ptr(rx, RX_AXON_CELL_COUNT);
  const cellEnc = ptr(rx, RX_CELL_ENCODING), tileX = ptr(rx, RX_CORE_TILE_X), tileY = ptr(rx, RX_CORE_TILE_Y);
  const pSrc = ptr(rx, RX_PACKET_SRC), pDst = ptr(rx, RX_PACKET_DST), pDx = ptr(rx, RX_PACKET_DX), pDy = ptr(rx, RX_PACKET_DY);
  const pAcc = ptr(rx, RX_PACKET_ACCESSED), pUpd = ptr(rx, RX_PACKET_UPDATED), pFir = ptr(rx, RX_PACKET_FIRED), pSyn = ptr(rx, RX_PACKET_SYN_OPS);
  const out = ptr(rx, RX_PACKETS_OUT), inn = ptr(rx, RX_PACKETS_IN), synOps = ptr(rx, RX_SYN_OPS);
  const sDest = word(rx, RX_SHIFT_ROUTE_DEST_CORE), sSyn = word(rx, RX_SHIFT_ROUTE_SYNAPSES);
  const E = word(rx, RX_ENCODINGS);
  const cells = word(rx, RX_HAS_CELLS) != 0;
  let p = p0;
  for (let f = 0; f < nFired; f++) {
    const n = at32(fired, f);
    const c = at32(coreOf, n);
    const acc = at32(fAcc, f), upd = at32(fUpd, f), fir = at32(fFir, f);
    const r1 = at32(routePtr, n + 1);
    for (let r = at32(routePtr, n); r < r1; r++) {
      const d = <i32>uintAt(routeDest, r, sDest);
      set32(pSrc, p, c);
      set32(pDst, p, d);
      set32(pDx, p, at32(tileX, d) - at32(tileX, c));
      set32(pDy, p, at32(tileY, d) - at32(tileY, c));
      set32(pAcc, p, acc);
      set32(pUpd, p, upd);
      set32(pFir, p, fir);
      addF(out, c, 1);
      addF(inn, d, 1);
      const syn = <u32>uintAt(routeSyn, r, sSyn);
      if (cells) {
        const one = at32(routeCell, r);
        if (one >= 0) {
          const e = <i32>load<u8>(cellEnc + <usize>one);
          addU32(pSyn, p * E + e, syn);
          addF(synOps, d * E + e, <f64>syn);
        } else {
          const a = at32(routeAxon, r);
          const k1 = at32(cellStart, a + 1);
          for (let k = at32(cellStart, a); k < k1; k++) {
            const e = <i32>load<u8>(cellEnc + <usize>at32(cellId, k));
            const count = load<u32>(cellCount + ((<usize>k) << 2));
            addU32(pSyn, p * E + e, count);
            addF(synOps, d * E + e, <f64>count);
          }
        }
      } else if (syn > 0) {
        addU32(pSyn, p * E, syn);
        addF(synOps, d * E, <f64>syn);
      }
      p++;
    }
  }
  return p;
}

// ---- A run of whole ticks in one call (run.ts stepFused; wasm/fused.ts) ----
// For one-thread runs whose cores are all empty, input, `lifUniform`, `sanafeUniform`, or (float programs
// without soma dynamics or adaptive thresholds) `lif` and `generic`, and that need no per-tick output
// besides counters, spikes and the `simple` latency (no recorded potentials, no learning, no packet trace).
// Per tick t, the same steps as run.ts tick() with the same kernels:
//   1. deliver the wheel's bucket of t (deliver* kernels by layout and encoding) and empty it;
//   2. update the cores run by run of one class (updateCoreRuns): input cores fire the stimulus' neurons of
//      t (sorted, so one cursor serves the input runs in core order), the uniform LIF and SANA-FE kernels
//      and updateLifMixed the others; gotInput of LIF cores is cleared after their update when the program
//      marks it;
//   3. the per-core tallies of updated cores (run.ts addTallies) into the tick's counter row and per-core
//      sums (counts: whole numbers, exact in float64 in any order);
//   4. the fired list appended to the spike buffer;
//   5. emitSpikes (the wheel, spike counts, the tick's traffic totals) and the totals into the row:
//      packets out and in, hops by direction, local and in-tile packets, synaptic ops, weight bits read;
//      then (closeTick) synaptic ops per encoding and the `simple` latency.
// Rows are COUNTER_COUNT float64 in CounterKind order, one per tick of the chunk (the caller adds them to
// its perTick counters); per-core sums likewise, per core. The kernel stops before a tick when the spike
// buffer might not hold it (caller: fold and start a new chunk), and within step 5 when a wheel bucket
// needs room (RT_RESUME_FROM ≥ 0: the caller grows the buckets and calls again, which resumes the
// emission of that tick). Returns the first tick not completed.

const RT_UPDATE_CTX = 0;
const RT_EMIT_CTX = 4;
const RT_DELIVER_KIND = 8;
const RT_SYN_INDEX = 12;
const RT_SYN_SIDE = 16;
const RT_WEIGHTS = 20;
const RT_TABLE = 24;
const RT_MARK = 28;
const RT_RUNS = 32;
const RT_RUN_COUNT = 36;
const RT_STIM = 40;
const RT_STIM_PTR = 44;
const RT_CHUNK_T0 = 48;
const RT_SPIKES = 52;
const RT_SPIKE_CAP = 56;
const RT_SPIKE_LEN = 60;
const RT_TICK_END = 64;
const RT_ROWS = 68;
const RT_CORE_SUMS = 72;
const RT_COUNTERS = 76;
const RT_MAX_FIRED = 80;
const RT_RESUME_FROM = 84;
const RT_N_FIRED = 88;
const RT_CLEAR_GOT_INPUT = 92;
const RT_WEIGHT_BITS = 96;
const RT_CLASS_INPUT = 100;
const RT_CLASS_LIF_UNIFORM = 104;
const RT_CLASS_SANAFE_UNIFORM = 108;
// Counter kinds (row positions) of the quantities the kernel counts.
const RT_K_ACCESSES = 112;
const RT_K_UPDATES = 116;
const RT_K_WITH_INPUT = 120;
const RT_K_FIRED = 124;
const RT_K_OVERFLOWS = 128;
const RT_K_PACKETS_OUT = 132;
const RT_K_HOPS_EAST = 136;
const RT_K_HOPS_WEST = 140;
const RT_K_HOPS_NORTH = 144;
const RT_K_HOPS_SOUTH = 148;
const RT_K_PACKETS_LOCAL = 152;
const RT_K_PACKETS_IN_TILE = 156;
const RT_K_SYN_OPS = 160;
const RT_K_SPIKES = 164;
const RT_K_PACKETS_IN = 168;
const RT_K_WEIGHT_READ_BITS = 172;
const RT_CLASS_GENERIC = 176;
const RT_KIND = 180;
const RT_KIND_INPUT = 184;
const RT_CLASS_LIF = 188;
// Several weight encodings: each spike's synaptic ops per encoding (per neuron × encoding), summed per
// tick into ENC_ROWS (tick of the chunk × encoding).
const RT_ENCODINGS = 192;
const RT_SYN_OPS_BY_ENC = 196;
const RT_ENC_ROWS = 200;
// `simple` timing (chip/timing/simple.ts): per-core work of the tick, then its latency into LATENCY.
const RT_TIMING = 204;
const RT_COSTS = 208;
const RT_LATENCY = 212;
const RT_WORK_OUT = 216;
const RT_WORK_IN = 220;
const RT_WORK_SYN = 224;
const RT_CORE_COUNT = 228;
const RT_CORE_OF_NEURON = 232;
const RT_ROUTE_PTR = 236;
const RT_ROUTE_DEST_CORE = 240;
const RT_ROUTE_SYNAPSES = 244;
const RT_ROUTE_CELL = 248;
const RT_ROUTE_AXON = 252;
const RT_AXON_CELL_START = 256;
const RT_AXON_CELL_ID = 260;
const RT_AXON_CELL_COUNT = 264;
const RT_CELL_ENCODING = 268;
const RT_SHIFT_ROUTE_DEST_CORE = 272;
const RT_SHIFT_ROUTE_SYNAPSES = 276;
const RT_HAS_CELLS = 280;
// A thread's part of a multi-threaded run (partTick): the run's combined fired list of the previous tick,
// and the part's spike records (threads/segments.ts): per neuron a range of records, each 4 words:
// delay, first synapse, end synapse, target base.
const RT_COMBINED = 284;
const RT_REC_START = 288;
const RT_REC = 292;
// The main thread's counting of a multi-threaded tick (teamTick) runs while the parts compute the next
// tick, so it reads the tallies the parts left for tick t in slot t mod 2 of this snapshot (0: the live
// tallies of the update context, as runTicks reads them); a slot is this many bytes.
const RT_TALLY_SNAP = 296;
const RT_TALLY_SLOT_BYTES = 300;
// A multi-threaded run with the simple model (fused.ts setPartRouteWork): in a part's block, the address of
// its route work (partRouteWork: 2 slots by tick parity of per-core packets out, packets in, and per core ×
// encoding synaptic ops, int64), 0: none; in the main thread's block, the first part's, and the part count
// (the parts' blocks follow one another), 0: the latency walks every spike's routes itself.
const RT_PART_WORK = 304;
const RT_PART_WORK_PARTS = 308;
// Cost block (float64 words at RT_COSTS, ns): TimingCosts' soma and packet costs, the learning phase and
// the barrier of a tick (constants of the run), then synOpNs per encoding.
const RC_ACCESS_NS = 0;
const RC_UPDATE_NS = 8;
const RC_INACTIVE_NS = 16;
const RC_SPIKE_OUT_NS = 24;
const RC_PACKET_OUT_NS = 32;
const RC_PACKET_IN_NS = 40;
const RC_LEARN_NS = 48;
const RC_SYNC_NS = 56;
const RC_SYN_OP_NS = 64;

/** The stimulus cursor of the tick being updated (updateRuns). */
let stimCursor: i32 = 0;

/**
 * `generic` and `lif` cores of a float program without soma dynamics or adaptive thresholds (update.ts
 * updateGeneric on that path, and updateLif, the same without input neurons): input neurons fire when the tick's sorted stimulus names them (the cursor advances in
 * neuron order, as updateCoreRuns' inputNow marks do); the others are LIF compartments with their own
 * parameters: u ← cd·u + ig·I; v ← (vd·v + u) + bias; fire iff v ≥ θ (or v > θ), reset, refractory.
 */
function updateLifMixed(rt: usize, cx: usize, c0: i32, c1: i32, nFired: i32, stim: usize, to: i32): i32 {
  const cns = ptr(cx, CX_CORE_NEURON_START);
  const kindP = ptr(rt, RT_KIND);
  const kindInput = <u8>word(rt, RT_KIND_INPUT);
  const accP = ptr(cx, CX_ACC), vP = ptr(cx, CX_V), uP = ptr(cx, CX_U), refP = ptr(cx, CX_REFRACTORY_LEFT), biasP = ptr(cx, CX_BIAS);
  const cdP = ptr(cx, CX_CURRENT_DECAY), igP = ptr(cx, CX_INPUT_GAIN), vdP = ptr(cx, CX_VOLTAGE_DECAY), thP = ptr(cx, CX_V_THRESHOLD);
  const vrP = ptr(cx, CX_V_RESET), rmP = ptr(cx, CX_RESET_MODE), opP = ptr(cx, CX_THRESHOLD_OP), rtP = ptr(cx, CX_REFRACTORY_TICKS);
  const spP = ptr(cx, CX_SPIKING);
  const withInputCounts = load<i32>(cx + CX_WITH_INPUT_COUNTS) !== 0;
  const resetZero = <u8>load<i32>(cx + CX_RESET_ZERO);
  const resetSubtract = <u8>load<i32>(cx + CX_RESET_SUBTRACT);
  const thresholdGe = <u8>load<i32>(cx + CX_THRESHOLD_GE);
  let k = stimCursor;
  for (let c = c0; c < c1; c++) {
    const lo = at32(cns, c), hi = at32(cns, c + 1);
    let accesses = 0, updates = 0, withInput = 0, firedHere = 0;
    for (let n = lo; n < hi; n++) {
      if (load<u8>(kindP + <usize>n) == kindInput) {
        while (k < to && at32(stim, k) < n) k++;
        if (k < to && at32(stim, k) == n) {
          k++;
          recordFired(cx, nFired++, n, accesses, withInputCounts ? withInput : updates, firedHere);
        }
        continue;
      }
      accesses++;
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
      const un = load<f64>(cdP + o) * load<f64>(uP + o) + load<f64>(igP + o) * I;
      let vn = load<f64>(vdP + o) * load<f64>(vP + o) + un + load<f64>(biasP + o);
      store<f64>(uP + o, un);
      let didFire = false;
      if (load<u8>(spP + <usize>n) == 1) {
        const th = load<f64>(thP + o);
        if (load<u8>(opP + <usize>n) == thresholdGe ? vn >= th : vn > th) {
          const rm = load<u8>(rmP + <usize>n);
          if (rm == resetZero) vn = load<f64>(vrP + o);
          else if (rm == resetSubtract) vn = vn - th;
          store<u32>(rp, load<u32>(rtP + ((<usize>n) << 2)));
          didFire = true;
        }
      }
      store<f64>(vP + o, vn);
      if (didFire) {
        firedHere++;
        recordFired(cx, nFired++, n, accesses, withInputCounts ? withInput : updates, firedHere);
      }
    }
    writeTally(cx, c, accesses, updates, withInput, firedHere);
  }
  stimCursor = k;
  return nFired;
}

/** Step 1: tick t's bucket through the delivery kernel of the state's layout and encoding, then emptied. */
function deliverBucket(rt: usize, ex: usize, t: i32): void {
  const slots = word(ex, EX_SLOTS);
  const b = ptr(ex, EX_BUCKETS) + (<usize>(t % slots)) * 12;
  const count = load<i32>(b, 8);
  if (count == 0) return;
  const rec = <usize>load<u32>(b);
  const ix = ptr(rt, RT_SYN_INDEX), side = ptr(rt, RT_SYN_SIDE), w = ptr(rt, RT_WEIGHTS), table = ptr(rt, RT_TABLE);
  const cx = ptr(rt, RT_UPDATE_CTX);
  const acc = ptr(cx, CX_ACC), mark = ptr(cx, CX_GOT_INPUT);
  const m = word(rt, RT_MARK) != 0;
  switch (word(rt, RT_DELIVER_KIND)) {
    case 0: deliverOffsetF64(rec, count, ix, side, w, acc, mark, m); break;
    case 1: deliverOffsetF32(rec, count, ix, side, w, acc, mark, m); break;
    case 2: deliverOffsetPalette8(rec, count, ix, side, w, table, acc, mark, m); break;
    case 3: deliverOffsetPalette16(rec, count, ix, side, w, table, acc, mark, m); break;
    case 4: deliverFlatF64(rec, count, ix, w, acc, mark, m); break;
    case 5: deliverFlatF32(rec, count, ix, w, acc, mark, m); break;
    case 6: deliverFlatPalette8(rec, count, ix, w, table, acc, mark, m); break;
    default: deliverFlatPalette16(rec, count, ix, w, table, acc, mark, m); break;
  }
  store<i32>(b, 0, 8);
}

/** Step 2: every class run of cores; returns the length of the fired list. */
function updateRuns(rt: usize, t: i32): i32 {
  const cx = ptr(rt, RT_UPDATE_CTX);
  const cns = ptr(cx, CX_CORE_NEURON_START);
  const runs = ptr(rt, RT_RUNS);
  const nRuns = word(rt, RT_RUN_COUNT);
  const stim = ptr(rt, RT_STIM);
  const stimPtr = ptr(rt, RT_STIM_PTR);
  const i = t - word(rt, RT_CHUNK_T0);
  let k = at32(stimPtr, i);
  const to = at32(stimPtr, i + 1);
  const clsInput = word(rt, RT_CLASS_INPUT), clsLif = word(rt, RT_CLASS_LIF_UNIFORM), clsSanafe = word(rt, RT_CLASS_SANAFE_UNIFORM);
  const clsGeneric = word(rt, RT_CLASS_GENERIC), clsLifPerNeuron = word(rt, RT_CLASS_LIF);
  const clearGotInput = word(rt, RT_CLEAR_GOT_INPUT) != 0;
  let nFired = 0;
  for (let r = 0; r < nRuns; r++) {
    const c0 = at32(runs, 3 * r), c1 = at32(runs, 3 * r + 1), cls = at32(runs, 3 * r + 2);
    if (cls == clsInput) {
      // update.ts fireInputs: the stimulus' neurons on these cores fire (soma counts 0); tallies 0.
      const lo = at32(cns, c0), hi = at32(cns, c1);
      while (k < to && at32(stim, k) < lo) k++;
      for (; k < to && at32(stim, k) < hi; k++) recordFired(cx, nFired++, at32(stim, k), 0, 0, 0);
      for (let c = c0; c < c1; c++) writeTally(cx, c, 0, 0, 0, 0);
    } else if (cls == clsLif) {
      nFired = updateLifUniform(cx, c0, c1, nFired);
      if (clearGotInput) {
        const lo = at32(cns, c0);
        memory.fill(ptr(cx, CX_GOT_INPUT) + <usize>lo, 0, <usize>(at32(cns, c1) - lo));
      }
    } else if (cls == clsSanafe) {
      nFired = updateSanafeUniform(cx, c0, c1, nFired, t > 0);
    } else if (cls == clsGeneric || cls == clsLifPerNeuron) {
      stimCursor = k;
      nFired = updateLifMixed(rt, cx, c0, c1, nFired, stim, to);
      k = stimCursor;
    }
  }
  return nFired;
}

/** Step 3: the tallies of the updated cores into the row and the per-core sums. */
function addTallies(rt: usize, row: usize, tally: usize): void {
  const tc = word(ptr(rt, RT_UPDATE_CTX), CX_TALLY_COUNT);
  const sums = ptr(rt, RT_CORE_SUMS);
  const K = word(rt, RT_COUNTERS);
  const runs = ptr(rt, RT_RUNS);
  const nRuns = word(rt, RT_RUN_COUNT);
  const clsLif = word(rt, RT_CLASS_LIF_UNIFORM), clsSanafe = word(rt, RT_CLASS_SANAFE_UNIFORM), clsGeneric = word(rt, RT_CLASS_GENERIC);
  const clsLifPerNeuron = word(rt, RT_CLASS_LIF);
  const kA = word(rt, RT_K_ACCESSES), kU = word(rt, RT_K_UPDATES), kW = word(rt, RT_K_WITH_INPUT), kF = word(rt, RT_K_FIRED), kO = word(rt, RT_K_OVERFLOWS);
  let a: f64 = 0, u: f64 = 0, w: f64 = 0, f: f64 = 0, o: f64 = 0;
  for (let r = 0; r < nRuns; r++) {
    const cls = at32(runs, 3 * r + 2);
    if (cls != clsLif && cls != clsSanafe && cls != clsGeneric && cls != clsLifPerNeuron) continue;
    const c1 = at32(runs, 3 * r + 1);
    for (let c = at32(runs, 3 * r); c < c1; c++) {
      const tp = tally + (((<usize>c) * (<usize>tc)) << 3);
      const sp = sums + (((<usize>c) * (<usize>K)) << 3);
      const ta = load<f64>(tp), tu = load<f64>(tp, 8), tw = load<f64>(tp, 16), tf = load<f64>(tp, 24), to = load<f64>(tp, 32);
      addF(sp, kA, ta); addF(sp, kU, tu); addF(sp, kW, tw); addF(sp, kF, tf); addF(sp, kO, to);
      a += ta; u += tu; w += tw; f += tf; o += to;
    }
  }
  addF(row, kA, a); addF(row, kU, u); addF(row, kW, w); addF(row, kF, f); addF(row, kO, o);
}

/** Step 5's totals (emitSpikes' EX_TOTALS) and the tick's spike count into its row. */
function addEmitted(rt: usize, ex: usize, row: usize, nFired: i32): void {
  const totals = ptr(ex, EX_TOTALS);
  const packets = atF(totals, 0), synOps = atF(totals, 7);
  addF(row, word(rt, RT_K_PACKETS_OUT), packets);
  addF(row, word(rt, RT_K_HOPS_EAST), atF(totals, 1));
  addF(row, word(rt, RT_K_HOPS_WEST), atF(totals, 2));
  addF(row, word(rt, RT_K_HOPS_NORTH), atF(totals, 3));
  addF(row, word(rt, RT_K_HOPS_SOUTH), atF(totals, 4));
  addF(row, word(rt, RT_K_PACKETS_LOCAL), atF(totals, 5));
  addF(row, word(rt, RT_K_PACKETS_IN_TILE), atF(totals, 6));
  addF(row, word(rt, RT_K_SYN_OPS), synOps);
  addF(row, word(rt, RT_K_SPIKES), <f64>nFired);
  addF(row, word(rt, RT_K_PACKETS_IN), packets);
  addF(row, word(rt, RT_K_WEIGHT_READ_BITS), synOps * <f64>word(rt, RT_WEIGHT_BITS));
}

@inline function zeroTotals(ex: usize): void {
  memory.fill(ptr(ex, EX_TOTALS), 0, 64);
}

export function runTicks(rt: usize, t: i32, tEnd: i32): i32 {
  const ex = ptr(rt, RT_EMIT_CTX);
  const K = word(rt, RT_COUNTERS);
  const rows = ptr(rt, RT_ROWS);
  const t0 = word(rt, RT_CHUNK_T0);
  const spikes = ptr(rt, RT_SPIKES);
  const tickEnd = ptr(rt, RT_TICK_END);
  const cap = word(rt, RT_SPIKE_CAP);
  const maxFired = word(rt, RT_MAX_FIRED);
  const resume = word(rt, RT_RESUME_FROM);
  if (resume >= 0) {
    // Finish tick t's emission, stopped for bucket room (its steps 1–4 are done).
    const nFired = word(rt, RT_N_FIRED);
    const f = emitSpikes(ex, t, resume, nFired);
    store<i32>(rt + RT_RESUME_FROM, f < nFired ? f : -1);
    if (f < nFired) return t;
    addEmitted(rt, ex, rows + (((<usize>(t - t0)) * (<usize>K)) << 3), nFired);
    closeTick(rt, t - t0, nFired, tickTallies(rt, t));
    t++;
  }
  const fired = ptr(ex, EX_FIRED);
  for (; t < tEnd; t++) {
    let len = word(rt, RT_SPIKE_LEN);
    if (len + maxFired > cap) break;
    const row = rows + (((<usize>(t - t0)) * (<usize>K)) << 3);
    memory.fill(row, 0, (<usize>K) << 3);
    deliverBucket(rt, ex, t);
    const nFired = updateRuns(rt, t);
    addTallies(rt, row, tickTallies(rt, t));
    memory.copy(spikes + ((<usize>len) << 2), fired, (<usize>nFired) << 2);
    len += nFired;
    store<i32>(rt + RT_SPIKE_LEN, len);
    store<i32>(tickEnd + ((<usize>(t - t0)) << 2), len);
    zeroTotals(ex);
    const f = emitSpikes(ex, t, 0, nFired);
    if (f < nFired) {
      store<i32>(rt + RT_N_FIRED, nFired);
      store<i32>(rt + RT_RESUME_FROM, f);
      return t;
    }
    addEmitted(rt, ex, row, nFired);
    closeTick(rt, t - t0, nFired, tickTallies(rt, t));
  }
  return t;
}

/** The per-core tallies of tick t: the snapshot slot a team's parts wrote (RT_TALLY_SNAP), else the live ones. */
@inline function tickTallies(rt: usize, t: i32): usize {
  const snap = word(rt, RT_TALLY_SNAP);
  return snap != 0 ? (<usize>snap) + (<usize>(t & 1)) * (<usize>word(rt, RT_TALLY_SLOT_BYTES)) : ptr(ptr(rt, RT_UPDATE_CTX), CX_CORE_TALLY);
}

/** After step 5: the tick's synaptic ops per encoding (several encodings) and its `simple` latency. */
function closeTick(rt: usize, i: i32, nFired: i32, tally: usize): void {
  const E = word(rt, RT_ENCODINGS);
  const fired = ptr(ptr(rt, RT_UPDATE_CTX), CX_FIRED);
  if (E > 1) {
    // run.ts emit: for each spike in order, for each encoding, the neuron's ops of one spike.
    const byEnc = ptr(rt, RT_SYN_OPS_BY_ENC);
    const encRow = ptr(rt, RT_ENC_ROWS) + (((<usize>i) * (<usize>E)) << 3);
    memory.fill(encRow, 0, (<usize>E) << 3);
    for (let f = 0; f < nFired; f++) {
      const n = at32(fired, f);
      for (let e = 0; e < E; e++) addF(encRow, e, atF(byEnc, n * E + e));
    }
  }
  if (word(rt, RT_TIMING) != 0) store<f64>(ptr(rt, RT_LATENCY) + ((<usize>i) << 3), simpleTickLatency(rt, i + word(rt, RT_CHUNK_T0), fired, nFired, tally));
}

/**
 * run.ts emitCoreWork then chip/timing/simple.ts simpleLatency, float64 operations in the same order:
 *   gen(c)  = accessed·t_access + updated·t_update + (accessed − updated)·t_inactive + fired·t_spike + out·t_out
 *   recv(c) = in·t_in + Σ_e synOps_{c,e}·t_syn(e)
 *   tick    = max(max_c gen, max_c recv) + learn + sync
 * The soma counts are the update kernels' tallies (updated: with input only when the chip counts so).
 */
@inline function addI64(p: usize, i: i32, x: i64): void {
  const a = p + ((<usize>i) << 3);
  store<i64>(a, load<i64>(a) + x);
}

@inline function atI64(p: usize, i: i32): i64 {
  return load<i64>(p + ((<usize>i) << 3));
}

/**
 * The packets out (per source core), packets in and synaptic ops (per destination core × encoding) of the
 * spikes fired[0, nFired), added as int64 to out, inn and syn (run.ts emitCoreWork). `inn` and `syn` start
 * at zero (both callers clear them): with one synaptic-op slot per core (one encoding, or no counter cells)
 * a route adds packets and synapses to one int64 per destination core, packets << ROUTE_PACKET_SHIFT |
 * synapses, split into inn and syn once per core at the end (one read-modify-write per route instead of two;
 * a tick's synapses into one core stay far below 2^40 and its packets below 2^23).
 */
@inline function countRouteWork(rt: usize, fired: usize, nFired: i32, out: usize, inn: usize, syn: usize): void {
  const E = word(rt, RT_ENCODINGS);
  const sDest = word(rt, RT_SHIFT_ROUTE_DEST_CORE), sSyn = word(rt, RT_SHIFT_ROUTE_SYNAPSES);
  // A route's counter cells are on its destination core d (counter-cells.ts: the cells of the axon it
  // reaches), so a cell's core is d and only its encoding is looked up; with one encoding the cells of a
  // mixed row add up to the row's synapses (whole numbers: the same float64 sum in any grouping).
  if (word(rt, RT_HAS_CELLS) != 0 && E > 1) {
    countRouteWorkByEncoding(rt, fired, nFired, out, inn, syn, E, sDest, sSyn);
    return;
  }
  // The loads' widths are fixed per state: one loop per (destination, synapse count) width pair.
  if (sDest == 0) {
    if (sSyn == 0) countRoutesPacked<u8, u8>(rt, fired, nFired, out, inn);
    else if (sSyn == 1) countRoutesPacked<u8, u16>(rt, fired, nFired, out, inn);
    else countRoutesPacked<u8, u32>(rt, fired, nFired, out, inn);
  } else if (sDest == 1) {
    if (sSyn == 0) countRoutesPacked<u16, u8>(rt, fired, nFired, out, inn);
    else if (sSyn == 1) countRoutesPacked<u16, u16>(rt, fired, nFired, out, inn);
    else countRoutesPacked<u16, u32>(rt, fired, nFired, out, inn);
  } else {
    if (sSyn == 0) countRoutesPacked<u32, u8>(rt, fired, nFired, out, inn);
    else if (sSyn == 1) countRoutesPacked<u32, u16>(rt, fired, nFired, out, inn);
    else countRoutesPacked<u32, u32>(rt, fired, nFired, out, inn);
  }
  const C = word(rt, RT_CORE_COUNT);
  for (let c = 0; c < C; c++) {
    const x = atI64(inn, c);
    store<i64>(inn + ((<usize>c) << 3), x >>> ROUTE_PACKET_SHIFT);
    addI64(syn, c * E, x & ROUTE_SYNAPSE_MASK);
  }
}

/** Packed per-core route counts: packets in the bits from here up, synapses below. */
const ROUTE_PACKET_SHIFT: i64 = 40;
const ROUTE_SYNAPSE_MASK: i64 = (<i64>1 << ROUTE_PACKET_SHIFT) - 1;

/** countRouteWork's loop with one synaptic-op slot per core: D, S the widths of routeDestCore and routeSynapses. */
@inline function countRoutesPacked<D, S>(rt: usize, fired: usize, nFired: i32, out: usize, packed: usize): void {
  const coreOf = ptr(rt, RT_CORE_OF_NEURON), routePtr = ptr(rt, RT_ROUTE_PTR), routeDest = ptr(rt, RT_ROUTE_DEST_CORE);
  const routeSyn = ptr(rt, RT_ROUTE_SYNAPSES);
  const one: i64 = <i64>1 << ROUTE_PACKET_SHIFT;
  for (let f = 0; f < nFired; f++) {
    const n = at32(fired, f);
    const r0 = at32(routePtr, n);
    const r1 = at32(routePtr, n + 1);
    addI64(out, at32(coreOf, n), <i64>(r1 - r0));
    for (let r = r0; r < r1; r++) {
      const d = <usize>load<D>(routeDest + (<usize>r) * sizeof<D>());
      const a = packed + (d << 3);
      store<i64>(a, load<i64>(a) + (one | <i64>load<S>(routeSyn + (<usize>r) * sizeof<S>())));
    }
  }
}

/** countRouteWork with several encodings and counter cells: each route's synaptic ops by its cells' encodings. */
function countRouteWorkByEncoding(rt: usize, fired: usize, nFired: i32, out: usize, inn: usize, syn: usize, E: i32, sDest: i32, sSyn: i32): void {
  const coreOf = ptr(rt, RT_CORE_OF_NEURON), routePtr = ptr(rt, RT_ROUTE_PTR), routeDest = ptr(rt, RT_ROUTE_DEST_CORE);
  const routeSyn = ptr(rt, RT_ROUTE_SYNAPSES), routeCell = ptr(rt, RT_ROUTE_CELL), routeAxon = ptr(rt, RT_ROUTE_AXON);
  const cellStart = ptr(rt, RT_AXON_CELL_START), cellId = ptr(rt, RT_AXON_CELL_ID), cellCount = ptr(rt, RT_AXON_CELL_COUNT);
  const cellEnc = ptr(rt, RT_CELL_ENCODING);
  for (let f = 0; f < nFired; f++) {
    const n = at32(fired, f);
    const r0 = at32(routePtr, n);
    const r1 = at32(routePtr, n + 1);
    addI64(out, at32(coreOf, n), <i64>(r1 - r0));
    for (let r = r0; r < r1; r++) {
      const d = <i32>uintAtU(routeDest, r, sDest);
      addI64(inn, d, 1);
      const one = at32(routeCell, r);
      if (one >= 0) {
        addI64(syn, d * E + <i32>load<u8>(cellEnc + <usize>one), <i64>uintAtU(routeSyn, r, sSyn));
        continue;
      }
      const a = at32(routeAxon, r);
      const k1 = at32(cellStart, a + 1);
      for (let k = at32(cellStart, a); k < k1; k++) {
        addI64(syn, d * E + <i32>load<u8>(cellEnc + <usize>at32(cellId, k)), <i64>load<u32>(cellCount + ((<usize>k) << 2)));
      }
    }
  }
}

/** dst[k] = Σ_p src[p × stride bytes + k], k < count (int64). */
@inline function sumPartWork(dst: usize, src: usize, stride: usize, parts: i32, count: usize): void {
  for (let k: usize = 0; k < count; k++) {
    let x: i64 = 0;
    for (let p = 0; p < parts; p++) x += load<i64>(src + (<usize>p) * stride + (k << 3));
    store<i64>(dst + (k << 3), x);
  }
}

/**
 * A part's route work of its tick t (threads: the simple model's per-core counts of the part's own spikes,
 * RT_PART_WORK slot t mod 2; fired: the part's fired list, n long): the main thread's latency of tick t adds
 * the parts' counts (simpleTickLatency), whole numbers, so the same values as one walk over all spikes.
 * Nothing when RT_PART_WORK is 0.
 */
export function partRouteWork(rt: usize, t: i32, n: i32): void {
  const base = ptr(rt, RT_PART_WORK);
  if (base == 0) return;
  const C = <usize>word(rt, RT_CORE_COUNT);
  const E = <usize>word(rt, RT_ENCODINGS);
  const out = base + ((<usize>(t & 1)) * C * (2 + E) << 3);
  const inn = out + (C << 3);
  const syn = inn + (C << 3);
  memory.fill(out, 0, (C * (2 + E)) << 3);
  countRouteWork(rt, ptr(ptr(rt, RT_UPDATE_CTX), CX_FIRED), n, out, inn, syn);
}

// The per-core counts (packets out and in, synaptic ops per encoding) are summed as int64 in the run block's
// work scratch (RT_WORK_*, 8 bytes per entry) and converted once per core: whole numbers below 2^53, so the
// same values as float64 sums in any order, at the cost of an integer add per route instead of a float one.
function simpleTickLatency(rt: usize, t: i32, fired: usize, nFired: i32, tally: usize): f64 {
  const E = word(rt, RT_ENCODINGS);
  const C = word(rt, RT_CORE_COUNT);
  const out = ptr(rt, RT_WORK_OUT), inn = ptr(rt, RT_WORK_IN), syn = ptr(rt, RT_WORK_SYN);
  const parts = word(rt, RT_PART_WORK_PARTS);
  if (parts == 0) {
    memory.fill(out, 0, (<usize>C) << 3);
    memory.fill(inn, 0, (<usize>C) << 3);
    memory.fill(syn, 0, ((<usize>C) * (<usize>E)) << 3);
    countRouteWork(rt, fired, nFired, out, inn, syn);
  } else {
    // The parts counted their own spikes of tick t (partRouteWork, slot t mod 2): their sums, per entry.
    const slotEntries = (<usize>C) * (<usize>(2 + E));
    const first = ptr(rt, RT_PART_WORK) + ((<usize>(t & 1)) * slotEntries << 3);
    const stride = slotEntries << 4;
    sumPartWork(out, first, stride, parts, <usize>C);
    sumPartWork(inn, first + ((<usize>C) << 3), stride, parts, <usize>C);
    sumPartWork(syn, first + ((<usize>C) << 4), stride, parts, (<usize>C) * (<usize>E));
  }
  const costs = ptr(rt, RT_COSTS);
  const accessNs = load<f64>(costs + RC_ACCESS_NS), updateNs = load<f64>(costs + RC_UPDATE_NS), inactiveNs = load<f64>(costs + RC_INACTIVE_NS);
  const spikeOutNs = load<f64>(costs + RC_SPIKE_OUT_NS), packetOutNs = load<f64>(costs + RC_PACKET_OUT_NS), packetInNs = load<f64>(costs + RC_PACKET_IN_NS);
  const cx = ptr(rt, RT_UPDATE_CTX);
  const tc = word(cx, CX_TALLY_COUNT);
  const withInputCounts = load<i32>(cx + CX_WITH_INPUT_COUNTS) != 0;
  let worstGen: f64 = 0, worstRecv: f64 = 0;
  for (let c = 0; c < C; c++) {
    const tp = tally + (((<usize>c) * (<usize>tc)) << 3);
    const accessed = load<f64>(tp);
    const updated = withInputCounts ? load<f64>(tp, 16) : load<f64>(tp, 8);
    const firedC = load<f64>(tp, 24);
    const gen = accessed * accessNs + updated * updateNs + (accessed - updated) * inactiveNs + firedC * spikeOutNs + <f64>atI64(out, c) * packetOutNs;
    let recv = <f64>atI64(inn, c) * packetInNs;
    for (let e = 0; e < E; e++) recv += <f64>atI64(syn, c * E + e) * load<f64>(costs + RC_SYN_OP_NS + ((<usize>e) << 3));
    if (gen > worstGen) worstGen = gen;
    if (recv > worstRecv) worstRecv = recv;
  }
  return max<f64>(worstGen, worstRecv) + load<f64>(costs + RC_LEARN_NS) + load<f64>(costs + RC_SYNC_NS);
}

// ---- One tick of a thread's part of a multi-threaded run (threads/part.ts) ----
// The part's cores [c0, c1) hold neurons [n0, n1); its RT block is a fused-run block whose class runs, fired
// list and wheel are the part's, with the run's whole stimulus (chunk start 0). One tick t:
//   a. the previous tick's combined fired list (one-thread order) onto the part's wheel: for each spike, its
//      records (segments.ts: runs of one group's synapses whose targets the part owns) at slot
//      (t − 1 + delay) mod slots, as delay-queue.ts scheduleRecords writes them (-1, first, end, base);
//   b. the bucket of t delivered (deliverBucket) and emptied; c. the part's cores updated (updateRuns).
// Returns the part's fired count; or −1 when a bucket lacks room for a spike's records (nothing of that
// spike is written; RT_RESUME_FROM = its position): the caller moves the wheel into its TypeScript queue
// and goes on there (a worker thread cannot grow the state's memory).
export function partTick(rt: usize, t: i32, prevCount: i32): i32 {
  const ex = ptr(rt, RT_EMIT_CTX);
  if (prevCount > 0) {
    const buckets = ptr(ex, EX_BUCKETS);
    const slots = word(ex, EX_SLOTS);
    const combined = ptr(rt, RT_COMBINED);
    const recStart = ptr(rt, RT_REC_START), rec = ptr(rt, RT_REC);
    const t0 = (t - 1) % slots;
    let sink = 0;
    let roomLeft = leastBucketRoom(buckets, slots);
    for (let f = 0; f < prevCount; f++) {
      const n = at32(combined, f);
      // Touch ahead (see TOUCH_AHEAD_RECORDS): the spikes' neurons are scattered, so their record ranges and
      // records are cache misses, and a spike's own work is too short to hide one. Eight spikes ahead: the
      // neuron's range; four ahead: its first record (whose range was touched four spikes earlier). The
      // reorder window then holds the misses of several spikes at once.
      if (f + 8 < prevCount) sink += at32(recStart, at32(combined, f + 8));
      if (f + 4 < prevCount) {
        const m = at32(combined, f + 4);
        const j = at32(recStart, m);
        if (j < at32(recStart, m + 1)) sink += load<i32>(rec + ((<usize>j) << 4));
      }
      const k0 = at32(recStart, n), k1 = at32(recStart, n + 1);
      if (k1 == k0) continue;
      const room = (k1 - k0) << 2;
      if (room > roomLeft) {
        // Maybe too little: check each bucket the spike writes to (emitSpikes' rule).
        let full = false;
        for (let k = k0; k < k1; k++) {
          let slot = t0 + load<i32>(rec + ((<usize>k) << 4));
          if (slot >= slots) slot -= slots;
          const b = buckets + (<usize>slot) * 12;
          if (load<i32>(b, 8) + room > load<i32>(b, 4)) full = true;
        }
        if (full) {
          store<i32>(rt + RT_RESUME_FROM, f);
          return -1;
        }
        roomLeft = leastBucketRoom(buckets, slots);
      }
      roomLeft -= room;
      for (let k = k0; k < k1; k++) {
        const q = rec + ((<usize>k) << 4);
        let slot = t0 + load<i32>(q);
        if (slot >= slots) slot -= slots;
        const b = buckets + (<usize>slot) * 12;
        const len = load<i32>(b, 8);
        // The record's (delay, lo, hi, base) as the bucket's (−1, lo, hi, base): one 16-byte copy.
        v128.store((<usize>load<u32>(b)) + ((<usize>len) << 2), i32x4.replace_lane(v128.load(q), 0, -1));
        store<i32>(b, len + 4, 8);
      }
    }
    touchSink = sink;
  }
  deliverBucket(rt, ex, t);
  const n = updateRuns(rt, t);
  partRouteWork(rt, t, n);
  return n;
}

// ---- The counting of one tick of a multi-threaded run (run.ts, while the parts run the next tick) ----
// Steps 3–5 of runTicks for the run's combined fired list of tick t (the update block's fired list): the
// tallies of every updated core (from the parts' snapshot slot of tick t, RT_TALLY_SNAP), the spike record,
// emitSpikes counting only (EX_SCHEDULE = 0), then the encodings and the `simple` latency. The caller keeps
// the chunk (rows, spike buffer) as runTicks' caller does.
export function teamTick(rt: usize, t: i32, nFired: i32): void {
  const ex = ptr(rt, RT_EMIT_CTX);
  const K = word(rt, RT_COUNTERS);
  const i = t - word(rt, RT_CHUNK_T0);
  const row = ptr(rt, RT_ROWS) + (((<usize>i) * (<usize>K)) << 3);
  memory.fill(row, 0, (<usize>K) << 3);
  const tally = tickTallies(rt, t);
  addTallies(rt, row, tally);
  const len = word(rt, RT_SPIKE_LEN);
  memory.copy(ptr(rt, RT_SPIKES) + ((<usize>len) << 2), ptr(ex, EX_FIRED), (<usize>nFired) << 2);
  store<i32>(rt + RT_SPIKE_LEN, len + nFired);
  store<i32>(ptr(rt, RT_TICK_END) + ((<usize>i) << 2), len + nFired);
  zeroTotals(ex);
  emitSpikes(ex, t, 0, nFired);
  addEmitted(rt, ex, row, nFired);
  closeTick(rt, i, nFired, tally);
}

// ---- The tick loops of a multi-threaded run (threads/team.ts, worker.ts, wasm/team-loop.ts) ----
// Per tick the main thread runs part 0, waits for the workers, combines the fired lists, starts the next
// tick and counts this one; each worker waits for a tick, runs its part and says it is done. Written here
// rather than in TypeScript so that a run's ticks execute no JavaScript: JavaScript functions of the tick
// loop were still being optimised, deoptimised and optimised again in a process's first few runs, and each
// compile job took one of the machine's cores from a thread its partner was spinning for (bench_lif10k,
// 2 threads: ticks of 3–8 ms among ticks of 40 µs).
// The control block (threads/control.ts CTRL_*: int32 words, here their byte offsets).
const CTRL_SEQ = 0;
const CTRL_OP = 4;
const CTRL_ARG = 8;
const CTRL_ERROR = 12;
const CTRL_PREV_FIRED = 16;
/** threads/control.ts OP_TICK. */
const OP_TICK_CODE = 2;
// A thread's loop block (wasm/team-loop.ts TEAM_LOOP_WORDS): int32 words.
const TM_CTRL = 0;
const TM_DONE = 4;
const TM_COUNTS = 8;
const TM_PARTS = 12;
const TM_INDEX = 16;
const TM_PART_RT = 20;
const TM_FUSED_RT = 24;
const TM_FIRED = 28;
const TM_COMBINED = 32;
const TM_STEPS = 36;
const TM_PREV_FIRED = 40;
const TM_STATUS = 44;
const TM_SEQ = 48;
const TM_LIVE_TALLY = 52;
const TM_TALLY_SNAP = 56;
const TM_TALLY_SLOT_BYTES = 60;
const TM_TALLY_FROM_BYTES = 64;
const TM_TALLY_BYTES = 68;
const TM_BUSY = 72;
const TM_TIMES = 76;
// Its float64 words (TEAM_LOOP_TIME_WORDS): the spin budget (control.ts Waiter: longest, current, floor), ms,
// and the main thread's wait for the workers, ms (added up until the caller reads and clears it).
const TMF_SPIN_MAX_MS = 0;
const TMF_SPIN_MS = 8;
const TMF_SPIN_FLOOR_MS = 16;
const TMF_WAIT_MS = 24;
/** Returned by workerTicks, and TM_STATUS of teamTicks. */
const LOOP_OK = 0;
const LOOP_COMMAND = 1;
const LOOP_DEGRADED = 2;
const LOOP_WORKER_FAILED = 3;

/** performance.now(), ms: the spin budget's clock and the parts' busy time (diagnostics only). */
@external("env", "nowMs") declare function nowMs(): f64;

/**
 * Waits until the int32 at p differs from `from` and returns it: reads it for up to the spin budget, then
 * sleeps (memory.atomic.wait32). The budget adapts as control.ts Waiter's does: a spin that saw the change
 * grows it (×1.5 + MIN_SPIN_MS, at most the longest), one that timed out halves it (at least the floor).
 */
function waitChange(tm: usize, p: usize, from: i32): i32 {
  let v = atomic.load<i32>(p);
  if (v != from) return v;
  const tf = ptr(tm, TM_TIMES);
  const most = load<f64>(tf + TMF_SPIN_MAX_MS);
  if (most > 0) {
    const budget = load<f64>(tf + TMF_SPIN_MS);
    const until = nowMs() + budget;
    for (;;) {
      for (let k = 0; k < 256 && v == from; k++) v = atomic.load<i32>(p);
      if (v != from || nowMs() > until) break;
    }
    store<f64>(tf + TMF_SPIN_MS, v != from ? min<f64>(most, budget * 1.5 + MIN_SPIN_MS) : max<f64>(load<f64>(tf + TMF_SPIN_FLOOR_MS), budget * 0.5));
  }
  while (v == from) {
    atomic.wait<i32>(p, from, -1);
    v = atomic.load<i32>(p);
  }
  return v;
}
/** control.ts MIN_SPIN_MS. */
const MIN_SPIN_MS: f64 = 0.2;

/** The part's cores' tallies of tick t into the team's snapshot slot t mod 2 (part.ts snapshotTallies). */
@inline function snapshotTallies(tm: usize, t: i32): void {
  const from = <usize>word(tm, TM_TALLY_FROM_BYTES);
  const slot = (<usize>(t & 1)) * (<usize>word(tm, TM_TALLY_SLOT_BYTES));
  memory.copy(ptr(tm, TM_TALLY_SNAP) + slot + from, ptr(tm, TM_LIVE_TALLY) + from, <usize>word(tm, TM_TALLY_BYTES));
}

/** Adds ms milliseconds to part `index`'s busy seconds (team.ts busySeconds). */
@inline function addBusy(tm: usize, index: i32, ms: f64): void {
  addF(ptr(tm, TM_BUSY), index, ms / 1000);
}

/**
 * A worker's ticks (worker.ts): waits for each command; runs every OP_TICK (partTick of tick CTRL_ARG with
 * the previous tick's CTRL_PREV_FIRED spikes, the tallies into the snapshot, its fired count into
 * counts[index], then done[index] = the command's sequence number, as worker.ts does). Returns LOOP_COMMAND
 * with TM_SEQ = the sequence number of another command (the worker runs it in TypeScript), or
 * LOOP_DEGRADED when partTick found a bucket without room (the worker finishes that tick in TypeScript).
 */
export function workerTicks(tm: usize): i32 {
  const ctrl = ptr(tm, TM_CTRL);
  const index = word(tm, TM_INDEX);
  const doneP = ptr(tm, TM_DONE) + ((<usize>index) << 2);
  const countP = ptr(tm, TM_COUNTS) + ((<usize>index) << 2);
  const prt = ptr(tm, TM_PART_RT);
  let seq = word(tm, TM_SEQ);
  for (;;) {
    seq = waitChange(tm, ctrl + CTRL_SEQ, seq);
    store<i32>(tm + TM_SEQ, seq);
    if (atomic.load<i32>(ctrl + CTRL_OP) != OP_TICK_CODE) break;
    const t = atomic.load<i32>(ctrl + CTRL_ARG);
    const prev = t > 0 ? atomic.load<i32>(ctrl + CTRL_PREV_FIRED) : 0;
    const a = nowMs();
    const n = partTick(prt, t, prev);
    if (n < 0) return LOOP_DEGRADED;
    snapshotTallies(tm, t);
    addBusy(tm, index, nowMs() - a);
    store<i32>(countP, n);
    atomic.store<i32>(doneP, seq);
    atomic.notify(doneP, 1);
  }
  return LOOP_COMMAND;
}

/**
 * The main thread's ticks [t, tEnd) of a multi-threaded fused run (run.ts stepTeamFused; tick t already
 * started): per tick part 0's partTick and tally snapshot, the wait for every worker's done = the tick's
 * sequence number, the parts' fired lists concatenated in part order into the combined list (the one-thread
 * order), the next tick started (when below TM_STEPS) and this one counted (teamTick). Stops early, before
 * a tick, when the chunk's spike buffer lacks room for one tick's spikes, as runTicks does. Returns the
 * first tick not done; TM_STATUS says why it stopped: LOOP_OK, LOOP_DEGRADED (part 0's partTick found a
 * bucket without room: the caller finishes that tick) or LOOP_WORKER_FAILED (a worker set CTRL_ERROR).
 */
export function teamTicks(tm: usize, t: i32, tEnd: i32): i32 {
  const rt = ptr(tm, TM_FUSED_RT);
  const prt = ptr(tm, TM_PART_RT);
  const ctrl = ptr(tm, TM_CTRL);
  const done = ptr(tm, TM_DONE);
  const counts = ptr(tm, TM_COUNTS);
  const P = word(tm, TM_PARTS);
  const fired = ptr(tm, TM_FIRED);
  const combined = ptr(tm, TM_COMBINED);
  const steps = word(tm, TM_STEPS);
  const tf = ptr(tm, TM_TIMES);
  const cap = word(rt, RT_SPIKE_CAP);
  const maxFired = word(rt, RT_MAX_FIRED);
  store<i32>(tm + TM_STATUS, LOOP_OK);
  for (; t < tEnd; t++) {
    if (word(rt, RT_SPIKE_LEN) + maxFired > cap) break;
    const a = nowMs();
    const n0 = partTick(prt, t, t > 0 ? word(tm, TM_PREV_FIRED) : 0);
    if (n0 < 0) {
      store<i32>(tm + TM_STATUS, LOOP_DEGRADED);
      break;
    }
    snapshotTallies(tm, t);
    const b = nowMs();
    addBusy(tm, 0, b - a);
    store<i32>(counts, n0);
    const seq = atomic.load<i32>(ctrl + CTRL_SEQ);
    for (let p = 1; p < P; p++) {
      const dp = done + ((<usize>p) << 2);
      let v = atomic.load<i32>(dp);
      while (v != seq) v = waitChange(tm, dp, v);
    }
    if (atomic.load<i32>(ctrl + CTRL_ERROR) != 0) {
      store<i32>(tm + TM_STATUS, LOOP_WORKER_FAILED);
      break;
    }
    store<f64>(tf + TMF_WAIT_MS, load<f64>(tf + TMF_WAIT_MS) + (nowMs() - b));
    let n = 0;
    for (let p = 0; p < P; p++) {
      const k = at32(counts, p);
      memory.copy(combined + ((<usize>n) << 2), <usize>load<u32>(fired + ((<usize>p) << 2)), (<usize>k) << 2);
      n += k;
    }
    store<i32>(tm + TM_PREV_FIRED, n);
    if (t + 1 < steps) {
      // threads/team.ts start(t + 1): the spike count, the command, then the sequence number last.
      atomic.store<i32>(ctrl + CTRL_PREV_FIRED, n);
      atomic.store<i32>(ctrl + CTRL_OP, OP_TICK_CODE);
      atomic.store<i32>(ctrl + CTRL_ARG, t + 1);
      atomic.store<i32>(ctrl + CTRL_SEQ, seq + 1);
      atomic.notify(ctrl + CTRL_SEQ, P);
    }
    teamTick(rt, t, n);
  }
  return t;
}
