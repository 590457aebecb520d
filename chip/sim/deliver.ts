/**
 * Phase 1 of a tick for programs without plastic synapses: apply the synapse groups due now,
 *   acc[target] += weight      for every synapse of every group, in bucket order then synapse order,
 * so every neuron's input is summed in the same order as in the reference simulators.
 *
 * One small monomorphic kernel per (layout, weight encoding); the `Mark` variants also set
 * `gotInput[target] = 1` (SANA-FE's soma counts a neuron as updated when any synapse reached it, even
 * with weight 0). `records` holds `count` Int32 entries, records (group, first synapse, end, base) of
 * delay-queue.ts. A record of a dense group (negative first-synapse word, dense-groups.ts) has the
 * targets first, first + 1, …: target(s) = d + s with d = target(lo) − lo, one target read per record;
 * the same additions in the same order as the per-synapse loop.
 * A thread that owns a subset of the targets can run the same kernels on the same bucket with its own
 * acc range; nothing here keeps state between calls.
 */
import { RECORD_SYNAPSE_MASK } from "./dense-groups.ts";

/** offset16 layout, direct (f32/f64) weights. */
export function deliverOffset(
  records: Int32Array, count: number, offset: Uint16Array, side: Uint32Array,
  w: Float64Array | Float32Array, acc: Float64Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    const base = records[k + 3];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = (base >= 0 ? base + offset[lo] : side[lo + 1 + base]) - lo;
      for (let s = lo; s < hi; s++) acc[d + s] += w[s];
      continue;
    }
    if (base >= 0) {
      for (let s = lo; s < hi; s++) acc[base + offset[s]] += w[s];
    } else {
      const shift = -1 - base;
      for (let s = lo; s < hi; s++) acc[side[s - shift]] += w[s];
    }
  }
}

/** offset16 layout, palette weights. */
export function deliverOffsetPalette(
  records: Int32Array, count: number, offset: Uint16Array, side: Uint32Array,
  code: Uint8Array | Uint16Array, table: Float64Array, acc: Float64Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    const base = records[k + 3];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = (base >= 0 ? base + offset[lo] : side[lo + 1 + base]) - lo;
      for (let s = lo; s < hi; s++) acc[d + s] += table[code[s]];
      continue;
    }
    if (base >= 0) {
      for (let s = lo; s < hi; s++) acc[base + offset[s]] += table[code[s]];
    } else {
      const shift = -1 - base;
      for (let s = lo; s < hi; s++) acc[side[s - shift]] += table[code[s]];
    }
  }
}

/** flat32 (and wide) layout, direct weights. */
export function deliverFlat(
  records: Int32Array, count: number, target: Uint32Array, w: Float64Array | Float32Array, acc: Float64Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = target[lo] - lo;
      for (let s = lo; s < hi; s++) acc[d + s] += w[s];
      continue;
    }
    for (let s = lo; s < hi; s++) acc[target[s]] += w[s];
  }
}

/** flat32 layout, palette weights. */
export function deliverFlatPalette(
  records: Int32Array, count: number, target: Uint32Array, code: Uint8Array | Uint16Array, table: Float64Array, acc: Float64Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = target[lo] - lo;
      for (let s = lo; s < hi; s++) acc[d + s] += table[code[s]];
      continue;
    }
    for (let s = lo; s < hi; s++) acc[target[s]] += table[code[s]];
  }
}

export function deliverOffsetMark(
  records: Int32Array, count: number, offset: Uint16Array, side: Uint32Array,
  w: Float64Array | Float32Array, acc: Float64Array, gotInput: Uint8Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    const base = records[k + 3];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = (base >= 0 ? base + offset[lo] : side[lo + 1 + base]) - lo;
      for (let s = lo; s < hi; s++) { const t = d + s; acc[t] += w[s]; gotInput[t] = 1; }
      continue;
    }
    if (base >= 0) {
      for (let s = lo; s < hi; s++) { const t = base + offset[s]; acc[t] += w[s]; gotInput[t] = 1; }
    } else {
      const shift = -1 - base;
      for (let s = lo; s < hi; s++) { const t = side[s - shift]; acc[t] += w[s]; gotInput[t] = 1; }
    }
  }
}

export function deliverOffsetPaletteMark(
  records: Int32Array, count: number, offset: Uint16Array, side: Uint32Array,
  code: Uint8Array | Uint16Array, table: Float64Array, acc: Float64Array, gotInput: Uint8Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    const base = records[k + 3];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = (base >= 0 ? base + offset[lo] : side[lo + 1 + base]) - lo;
      for (let s = lo; s < hi; s++) { const t = d + s; acc[t] += table[code[s]]; gotInput[t] = 1; }
      continue;
    }
    if (base >= 0) {
      for (let s = lo; s < hi; s++) { const t = base + offset[s]; acc[t] += table[code[s]]; gotInput[t] = 1; }
    } else {
      const shift = -1 - base;
      for (let s = lo; s < hi; s++) { const t = side[s - shift]; acc[t] += table[code[s]]; gotInput[t] = 1; }
    }
  }
}

export function deliverFlatMark(
  records: Int32Array, count: number, target: Uint32Array, w: Float64Array | Float32Array, acc: Float64Array, gotInput: Uint8Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = target[lo] - lo;
      for (let s = lo; s < hi; s++) { const t = d + s; acc[t] += w[s]; gotInput[t] = 1; }
      continue;
    }
    for (let s = lo; s < hi; s++) { const t = target[s]; acc[t] += w[s]; gotInput[t] = 1; }
  }
}

export function deliverFlatPaletteMark(
  records: Int32Array, count: number, target: Uint32Array, code: Uint8Array | Uint16Array, table: Float64Array, acc: Float64Array, gotInput: Uint8Array,
): void {
  for (let k = 0; k < count; k += 4) {
    let lo = records[k + 1];
    const hi = records[k + 2];
    if (lo < 0) {
      lo &= RECORD_SYNAPSE_MASK;
      const d = target[lo] - lo;
      for (let s = lo; s < hi; s++) { const t = d + s; acc[t] += table[code[s]]; gotInput[t] = 1; }
      continue;
    }
    for (let s = lo; s < hi; s++) { const t = target[s]; acc[t] += table[code[s]]; gotInput[t] = 1; }
  }
}
