/**
 * Compact, exact storage of synaptic weights for programs whose weights never change during a run.
 *
 * The simulator must reproduce float64 arithmetic bit for bit (`acc += w` in the same order as the
 * reference), so a weight may only be stored narrower than float64 when it reads back as the identical
 * double. Two exact encodings are tried, smallest first:
 *   palette  the program uses at most 65,536 distinct weights (as on chips: w is a signed weightBits-bit
 *            integer times a scale): each synapse keeps a 1- or 2-byte code into a Float64 table of the
 *            distinct values; w = table[code]. Distinct means distinct bit patterns (+0 and −0 differ).
 *   f32      every weight is a float32 value (Math.fround(w) === w): 4 bytes, converted exactly on read.
 * Otherwise weights stay float64. Plastic programs (pair STDP, learning rules) always keep float64.
 */
import type { ArrayAllocator } from "./alloc.ts";

export type WeightStore =
  | { readonly kind: "f64"; readonly w: Float64Array }
  | { readonly kind: "f32"; readonly w: Float32Array }
  | { readonly kind: "palette"; readonly code: Uint8Array | Uint16Array; readonly table: Float64Array };

export type WeightEncodingKind = "palette8" | "palette16" | "f32" | "f64";

/** Palette of at most 65,536 distinct float64 bit patterns: open addressing over (lo, hi) 32-bit halves. */
export class WeightPalette {
  static readonly MAX_ENTRIES = 65536;
  private static readonly SLOT_BITS = 17;
  private readonly keyLo = new Uint32Array(1 << WeightPalette.SLOT_BITS);
  private readonly keyHi = new Uint32Array(1 << WeightPalette.SLOT_BITS);
  private readonly code = new Int32Array(1 << WeightPalette.SLOT_BITS).fill(-1);
  private readonly values = new Float64Array(WeightPalette.MAX_ENTRIES);
  size = 0;

  private slotOf(lo: number, hi: number): number {
    const mask = (1 << WeightPalette.SLOT_BITS) - 1;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const c = this.code[slot];
      if (c < 0 || (this.keyLo[slot] === lo && this.keyHi[slot] === hi)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Code of the weight with bit halves (lo, hi) and value `w`, adding it; −1 when the palette is full. */
  add(lo: number, hi: number, w: number): number {
    const slot = this.slotOf(lo, hi);
    const c = this.code[slot];
    if (c >= 0) return c;
    if (this.size === WeightPalette.MAX_ENTRIES) return -1;
    this.keyLo[slot] = lo;
    this.keyHi[slot] = hi;
    this.code[slot] = this.size;
    this.values[this.size] = w;
    return this.size++;
  }

  table(alloc: ArrayAllocator): Float64Array {
    const t = alloc.f64(this.size);
    t.set(this.values.subarray(0, this.size));
    return t;
  }
}

/** 32-bit halves of a Float64Array's elements (element k is bits[2k], bits[2k+1]). */
export function bitsOf(w: Float64Array): Uint32Array {
  return new Uint32Array(w.buffer, w.byteOffset, w.length * 2);
}

export interface WeightPlan {
  readonly kind: WeightEncodingKind;
  /** Palette kinds: the palette, and the code of every weight of every input array (same shapes). */
  readonly palette: WeightPalette | undefined;
  readonly codes: ReadonlyArray<Uint8Array | Uint16Array> | undefined;
}

export function planFloat64(): WeightPlan {
  return { kind: "f64", palette: undefined, codes: undefined };
}

/** The smallest exact encoding for all of `arrays` (the program's per-core weights). */
export function planWeights(arrays: readonly Float64Array[]): WeightPlan {
  let palette: WeightPalette | undefined = new WeightPalette();
  let f32 = true;
  // Codes as found (16-bit); narrowed to 8 bits at the end when the palette is small.
  let codes: Uint16Array[] | undefined = [];
  for (const w of arrays) {
    const bits = bitsOf(w);
    const cd = palette === undefined ? undefined : new Uint16Array(w.length);
    let lastLo = 0;
    let lastHi = 0;
    let lastCode = -1;
    for (let k = 0; k < w.length; k++) {
      const x = w[k];
      if (f32 && Math.fround(x) !== x) f32 = false;
      if (palette !== undefined) {
        const lo = bits[2 * k];
        const hi = bits[2 * k + 1];
        // Runs of one weight (dense or uniform projections) skip the hash.
        if (lastCode < 0 || lo !== lastLo || hi !== lastHi) {
          lastCode = palette.add(lo, hi, x);
          lastLo = lo;
          lastHi = hi;
        }
        if (lastCode < 0) { palette = undefined; codes = undefined; }
        else cd![k] = lastCode;
      }
      if (palette === undefined && !f32) return planFloat64();
    }
    if (codes !== undefined && cd !== undefined) codes.push(cd);
  }
  if (palette !== undefined && codes !== undefined) {
    if (palette.size <= 256) return { kind: "palette8", palette, codes: codes.map((c) => Uint8Array.from(c)) };
    return { kind: "palette16", palette, codes };
  }
  return { kind: f32 ? "f32" : "f64", palette: undefined, codes: undefined };
}

/** Storage for `count` weights of a plan. */
export function allocateWeights(alloc: ArrayAllocator, plan: WeightPlan, count: number): WeightStore {
  if (plan.kind === "palette8" || plan.kind === "palette16") {
    return { kind: "palette", code: plan.kind === "palette8" ? alloc.u8(count) : alloc.u16(count), table: plan.palette!.table(alloc) };
  }
  if (plan.kind === "f32") return { kind: "f32", w: alloc.f32(count) };
  return { kind: "f64", w: alloc.f64(count) };
}

/** Weight of synapse s. */
export function weightAt(ws: WeightStore, s: number): number {
  return ws.kind === "palette" ? ws.table[ws.code[s]] : ws.w[s];
}
