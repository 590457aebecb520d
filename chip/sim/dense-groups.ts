/**
 * Dense synapse groups: a group whose targets are consecutive neurons, target(s) = target(lo) + (s − lo)
 * for every synapse s of [lo, hi), is a run of dense crossbar rows (a fully connected layer gives one per
 * destination core). Delivery then reads the first synapse's target only and adds the weights to a
 * contiguous range of accumulators: no per-synapse target load, and the WebAssembly kernel adds two
 * float64 weights per instruction. The targets stay stored (CSR), so every other reader of the layout is
 * unchanged; the choice is made per row run from the data, so a core can hold dense rows (a dense layer)
 * beside sparse ones (a convolution, a random projection).
 *
 * A neuron's group (its synapses of one delay, over every destination core) is split where its dense runs
 * of at least DENSE_MIN_SYNAPSES synapses begin and end, into consecutive groups of the same delay: each
 * piece is dense or not. The pieces are scheduled one after the other, in synapse order, so every input
 * is still summed in the same order (bit-identical results). Records of dense groups carry the flag in
 * the sign bit of their first-synapse word (DENSE_RECORD_BIT; synapse indices stay below 2^31), so the
 * delivery kernels tell them apart without a lookup.
 */
import type { ArrayAllocator } from "./alloc.ts";
import type { SynapseStore } from "./state.ts";

/** Runs shorter than this stay in the per-synapse path (a short run gains nothing from the dense one). */
export const DENSE_MIN_SYNAPSES = 8;

/** The flag bit of a dense group's record, on its first-synapse word (int32 sign bit). */
export const DENSE_RECORD_BIT = -0x80000000;

/** The first synapse index of a record's word without the flag. */
export const RECORD_SYNAPSE_MASK = 0x7fffffff;

export interface GroupTables {
  readonly neuronGroupStart: Uint32Array;
  readonly groupDelay: Uint16Array;
  readonly groupSynStart: Uint32Array;
  /** 1 for a dense group; empty when no group is (or the layout is wide). */
  readonly groupDense: Uint8Array;
}

type Targets = Pick<SynapseStore, "kind" | "offset" | "target" | "neuronBase">;

/**
 * Calls piece(g, lo, hi, dense) for the pieces of neuron n's group g in synapse order: maximal runs of
 * consecutive targets of at least DENSE_MIN_SYNAPSES synapses (dense), and the stretches between them.
 */
function forEachPiece(store: Targets, n: number, g: number, lo: number, hi: number, piece: (g: number, lo: number, hi: number, dense: boolean) => void): void {
  const { offset, target } = store;
  const flat = store.kind === "flat32";
  const base = flat ? 0 : store.neuronBase[n];
  // Target of synapse s: target[s] (flat32); base + offset[s]; or side[s − shift], shift = −1 − base.
  const at = flat ? (s: number) => target[s] : base >= 0 ? (s: number) => base + offset[s] : (s: number) => target[s + 1 + base];
  let sparseFrom = lo;
  let s = lo;
  while (s < hi) {
    const start = s;
    let t = at(s);
    s++;
    while (s < hi && at(s) === t + 1) { t++; s++; }
    if (s - start >= DENSE_MIN_SYNAPSES) {
      if (start > sparseFrom) piece(g, sparseFrom, start, false);
      piece(g, start, s, true);
      sparseFrom = s;
    }
  }
  if (hi > sparseFrom) piece(g, sparseFrom, hi, false);
}

/** Length of the longest run of consecutive values in a[from, to) (at least 1). */
function longestRun(a: Uint16Array | Uint32Array, from: number, to: number): number {
  let best = 1;
  let run = 1;
  for (let s = from + 1; s < to; s++) {
    run = a[s] === a[s - 1] + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Whether neuron n's synapses [lo, hi) hold a dense run: one monomorphic scan of the stored targets (no
 * call per synapse), so that sparse networks pay one pass over their target array and nothing more.
 */
function hasDenseRun(store: Targets, n: number, lo: number, hi: number): boolean {
  if (hi - lo < DENSE_MIN_SYNAPSES) return false;
  if (store.kind === "flat32") return longestRun(store.target, lo, hi) >= DENSE_MIN_SYNAPSES;
  const base = store.neuronBase[n];
  // base + offset[s] is consecutive exactly where offset[s] is; side entries are at s + 1 + base.
  if (base >= 0) return longestRun(store.offset, lo, hi) >= DENSE_MIN_SYNAPSES;
  return longestRun(store.target, lo + 1 + base, hi + 1 + base) >= DENSE_MIN_SYNAPSES;
}

/**
 * The group tables with dense runs split out (see the header). Compact layouts only: the wide layout's
 * readers take records as they are, so for it (and for more than 2^31 synapses, where the flag bit would
 * be a synapse index bit) the tables are returned unchanged with no flags. Without any dense run the
 * tables are the given ones and `groupDense` is empty (no memory spent on sparse networks).
 */
export function splitDenseGroups(
  store: Targets, neuronGroupStart: Uint32Array, groupDelay: Uint16Array, groupSynStart: Uint32Array, N: number, alloc: ArrayAllocator,
): GroupTables {
  const G = neuronGroupStart[N];
  const unchanged: GroupTables = { neuronGroupStart, groupDelay, groupSynStart, groupDense: alloc.u8(0) };
  if (store.kind === "wide" || groupSynStart[G] >= 2 ** 31) return unchanged;
  // Pass 1: which groups hold a dense run (most of a sparse network's hold none), and the pieces.
  const holds = new Uint8Array(G);
  let pieces = 0;
  let dense = 0;
  const count = (_g: number, _lo: number, _hi: number, d: boolean): void => { pieces++; if (d) dense++; };
  for (let n = 0; n < N; n++) {
    for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) {
      if (!hasDenseRun(store, n, groupSynStart[g], groupSynStart[g + 1])) { pieces++; continue; }
      holds[g] = 1;
      forEachPiece(store, n, g, groupSynStart[g], groupSynStart[g + 1], count);
    }
  }
  if (dense === 0) return unchanged;
  const out = { neuronGroupStart: alloc.u32(N + 1), groupDelay: alloc.u16(pieces), groupSynStart: alloc.u32(pieces + 1), groupDense: alloc.u8(pieces) };
  let p = 0;
  const fill = (g: number, lo: number, _hi: number, d: boolean): void => {
    out.groupDelay[p] = groupDelay[g];
    out.groupSynStart[p] = lo;
    out.groupDense[p] = d ? 1 : 0;
    p++;
  };
  for (let n = 0; n < N; n++) {
    out.neuronGroupStart[n] = p;
    for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) {
      if (holds[g] === 1) forEachPiece(store, n, g, groupSynStart[g], groupSynStart[g + 1], fill);
      else fill(g, groupSynStart[g], groupSynStart[g + 1], false);
    }
  }
  out.neuronGroupStart[N] = p;
  out.groupSynStart[p] = groupSynStart[G];
  return out;
}
