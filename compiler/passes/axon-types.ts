/**
 * axon types: whether each core of a fixed-point program can hold its quantised weights as axon types
 * (TrueNorth). Runs on the routed program, after quantise and partition (compiler/compile.ts).
 *
 * The rule (chip/spec/types.ts CoreLimits.axonTypes; Merolla et al., Science 2014: "axons are assigned
 * types which index a synaptic weight for each neuron", four types; ../shared/docs/hardware-facts.md §2.2
 * and its table: "binary synapse + per-neuron signed weight selected by 4 axon types"): a core's crossbar
 * stores one connect bit per (axon, neuron), each input axon a has one type τ(a) ∈ [0, T), T = core.axonTypes,
 * and each neuron n holds one weight per type, so
 *   w(a, n) = connected(a, n) ? W[n][τ(a)] : 0.
 * A core fits iff some τ exists with, for every neuron n and axons a, b reaching n with non-zero weights,
 *   τ(a) = τ(b) ⇒ w(a, n) = w(b, n).
 * An (axon, neuron) pair reached by several synapses (two projections) has one connect bit, so its weight is
 * their sum, and every check runs on those sums. Zero weights take no type (the connect bit is 0).
 * Necessary: each neuron sees ≤ T distinct non-zero summed weights (checked first, O(synapses · T)).
 * Sufficient: an assignment found by a deterministic greedy pass: axons in order of decreasing synapse count,
 * identical weight signatures adjacent (an order-independent hash of their (neuron, weight) pairs), each
 * taking the type where the most of its neurons already hold its weight (ties: the lowest type) among those
 * where none holds another weight. Finding τ is graph colouring (NP-hard), so when the greedy pass fails,
 * the failing axon moves to the front and the pass repeats, a bounded number of times; then the core is
 * refused (so a core could be refused although some assignment exists; the message says the search failed,
 * not that none exists). Cost per attempt O(synapses · T) with typed scratch arrays reused across cores.
 *
 * Float programs are not checked: float precision is the ideal chip by design (docs/fixed-point.md).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { populationIndexAt, type ChipProgram, type CoreProgram, type PopulationMap } from "../../chip/program/types.ts";

export const AXON_TYPES_CODE = "E_CORE_AXON_TYPES_EXCEEDED";
/** Greedy attempts per core before refusing it (each O(synapses · axonTypes)). */
const MAX_ATTEMPTS = 16;

/** Scratch arrays grown to the largest core and reused. */
class Scratch {
  colPtr = new Uint32Array(1);
  colWeight = new Float64Array(0);
  typeWeight = new Float64Array(0);
  typeSet = new Uint8Array(0);
  stamp = new Uint32Array(0);
  stampWeight = new Float64Array(0);
  hash = new Uint32Array(0);
  count = new Uint32Array(0);
  grow(neurons: number, axons: number, synapses: number, types: number): void {
    if (this.colPtr.length < neurons + 1) {
      this.colPtr = new Uint32Array(neurons + 1);
      this.stamp = new Uint32Array(neurons);
      this.stampWeight = new Float64Array(neurons);
    }
    if (this.typeSet.length < neurons * types) { this.typeWeight = new Float64Array(neurons * types); this.typeSet = new Uint8Array(neurons * types); }
    if (this.colWeight.length < synapses) this.colWeight = new Float64Array(synapses);
    if (this.hash.length < axons) { this.hash = new Uint32Array(axons); this.count = new Uint32Array(axons); }
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** A 32-bit mix of (neuron, weight) (murmur3's finaliser), summed over an axon's synapses: order-independent. */
function pairHash(n: number, w: number): number {
  f64[0] = w;
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ u32[0] ^ Math.imul(u32[1], 0xc2b2ae35);
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

/** The population and index of local neuron `local` of core index ci. */
function locate(program: ChipProgram, ci: number, local: number): { pop: PopulationMap; index: number } | undefined {
  for (const pop of program.populations) {
    for (const b of pop.blocks) {
      if (b.coreIndex === ci && local >= b.neuronStart && local < b.neuronStart + b.count) return { pop, index: populationIndexAt(pop, b.populationStart + local - b.neuronStart) };
    }
  }
  return undefined;
}

/** `neuron i of "pop"` for local neuron `local` of core index ci. */
function neuronName(program: ChipProgram, ci: number, local: number): string {
  const at = locate(program, ci, local);
  return at === undefined ? `local neuron ${local}` : `neuron ${at.index} of "${at.pop.name}"`;
}

/** A stored weight onto local neuron `local` in the model's units: w_q · 2^−stateScaleExp (docs/fixed-point.md). */
function modelWeight(program: ChipProgram, ci: number, local: number, wq: number): number {
  return wq * 2 ** -(locate(program, ci, local)?.pop.stateScaleExp ?? 0);
}

/** The source of input axon `axon` of core `coreId`: the neuron whose routing entry targets it. */
function axonSourceName(program: ChipProgram, coreId: number, axon: number): string {
  for (let ci = 0; ci < program.cores.length; ci++) {
    const r = program.cores[ci].routing;
    const n = program.cores[ci].neuronCount;
    for (let i = 0; i < n; i++) {
      for (let k = r.routePtr[i]; k < r.routePtr[i + 1]; k++) {
        if (r.routeDestCore[k] === coreId && r.routeDestAxon[k] === axon) return neuronName(program, ci, i);
      }
    }
  }
  return `input axon ${axon}`;
}

function refuse(spec: ChipSpec, cp: CoreProgram, message: string, file: string, field: string | undefined): never {
  const T = spec.core.axonTypes as number;
  throw new AerchipError(AXON_TYPES_CODE, `core ${cp.coreId}: ${message}; chip "${spec.name}" has core.axonTypes ${T} (each neuron holds one weight per axon type, each axon has one type per core)`, {
    file, ...(field === undefined ? {} : { field }),
    hint: `quantise so that each neuron sees at most ${T} distinct weights and each source's weights into a core fit one type, run with --precision float (ideal weights), or use a chip without axon types (e.g. --arch loihi)`,
  });
}

/** Field of the population that owns local neuron `local` (for the error's field). */
function populationField(program: ChipProgram, ci: number, local: number): string | undefined {
  const at = locate(program, ci, local);
  return at === undefined ? undefined : `populations.${at.pop.name}`;
}

/**
 * Throws E_CORE_AXON_TYPES_EXCEEDED when a core of a fixed-point program has no axon-type assignment.
 * No-op on chips without `core.axonTypes` and on float programs.
 */
export function checkAxonTypes(program: ChipProgram, spec: ChipSpec, file: string): void {
  const T = spec.core.axonTypes;
  if (T === undefined || program.fixedPoint === undefined) return;
  const s = new Scratch();
  for (let ci = 0; ci < program.cores.length; ci++) checkCore(program, ci, spec, T, s, file);
}

/** A core's crossbar rows with the synapses of each (axon, neuron) pair summed into one. */
interface PairRows { axonRowPtr: Uint32Array; synTarget: Uint32Array; synWeight: Float64Array }

/**
 * The crossbar holds one connect bit per (axon, neuron), so a pair reached by two synapses (two projections
 * from one source onto one neuron) delivers their sum, w(a, n) = Σ synapses, as the simulator adds them
 * (audit s22r-x #2). The checks below therefore work on the summed weight of each pair.
 */
function mergePairs(cp: CoreProgram, N: number): PairRows {
  const { axonCount: A, axonRowPtr, synTarget, synWeight } = cp.crossbar;
  const S = axonRowPtr[A];
  const slot = new Int32Array(N).fill(-1);
  const owner = new Int32Array(N).fill(-1);
  const ptr = new Uint32Array(A + 1);
  const tgt = new Uint32Array(S);
  const wt = new Float64Array(S);
  let m = 0;
  for (let a = 0; a < A; a++) {
    for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
      const n = synTarget[k];
      if (owner[n] === a) { wt[slot[n]] += synWeight[k]; continue; }
      owner[n] = a; slot[n] = m; tgt[m] = n; wt[m] = synWeight[k]; m++;
    }
    ptr[a + 1] = m;
  }
  return { axonRowPtr: ptr, synTarget: tgt.subarray(0, m), synWeight: wt.subarray(0, m) };
}

function checkCore(program: ChipProgram, ci: number, spec: ChipSpec, T: number, s: Scratch, file: string): void {
  const cp = program.cores[ci];
  const N = cp.neuronCount;
  const A = cp.crossbar.axonCount;
  const rows = mergePairs(cp, N);
  const { axonRowPtr, synTarget, synWeight } = rows;
  const S = axonRowPtr[A];
  if (S === 0) return;
  s.grow(N, A, S, T);
  // The non-zero weights onto each neuron (a column-major copy, CSC by local neuron).
  const colPtr = s.colPtr;
  colPtr.fill(0, 0, N + 1);
  for (let k = 0; k < S; k++) if (synWeight[k] !== 0) colPtr[synTarget[k] + 1]++;
  for (let n = 0; n < N; n++) colPtr[n + 1] += colPtr[n];
  const fill = s.stamp; // reused as the column fill pointer, then as the stamp below
  fill.set(colPtr.subarray(0, N));
  const colWeight = s.colWeight;
  for (let k = 0; k < S; k++) if (synWeight[k] !== 0) colWeight[fill[synTarget[k]]++] = synWeight[k];
  // Necessary 1: at most T distinct non-zero weights per neuron (a scan of ≤ T+1 kept values).
  const seen = new Float64Array(T + 1);
  for (let n = 0; n < N; n++) {
    let d = 0;
    for (let k = colPtr[n]; k < colPtr[n + 1]; k++) {
      const w = colWeight[k];
      let j = 0;
      while (j < d && seen[j] !== w) j++;
      if (j < d) continue;
      if (d === T) {
        const all = new Set<number>();
        for (let m = colPtr[n]; m < colPtr[n + 1]; m++) all.add(colWeight[m]);
        const list = [...all].sort((x, y) => x - y).map((x) => modelWeight(program, ci, n, x));
        refuse(spec, cp, `${neuronName(program, ci, n)} needs ${list.length} distinct non-zero weights after quantisation (${list.join(", ")}), more than ${T} axon types`, file, populationField(program, ci, n));
      }
      seen[d++] = w;
    }
  }
  // (An axon reaching one neuron twice is one pair with the summed weight: mergePairs.)
  // Greedy assignment: order = synapse count descending, then signature hash, then axon index.
  const { hash, count } = s;
  for (let a = 0; a < A; a++) {
    let h = 0;
    let c = 0;
    for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) if (synWeight[k] !== 0) { h = (h + pairHash(synTarget[k], synWeight[k])) >>> 0; c++; }
    hash[a] = h; count[a] = c;
  }
  const order = Uint32Array.from({ length: A }, (_, a) => a).sort((x, y) => count[y] - count[x] || hash[x] - hash[y] || x - y);
  let failed = -1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    failed = assign(rows, N, order, T, s);
    if (failed < 0) return;
    if (attempt === MAX_ATTEMPTS - 1) break;
    // Move the failing axon to the front, keeping the others' relative order.
    const at = order.indexOf(failed);
    order.copyWithin(1, 0, at);
    order[0] = failed;
  }
  // Refused (s holds the last attempt's types): name the axon and, per type, a neuron where that type
  // already holds another weight.
  const blocked: string[] = [];
  let field: string | undefined;
  for (let t = 0; t < T; t++) {
    for (let k = axonRowPtr[failed]; k < axonRowPtr[failed + 1]; k++) {
      const w = synWeight[k];
      const n = synTarget[k];
      if (w !== 0 && s.typeSet[n * T + t] === 1 && s.typeWeight[n * T + t] !== w) {
        blocked.push(`type ${t} holds ${modelWeight(program, ci, n, s.typeWeight[n * T + t])} at ${neuronName(program, ci, n)}, which needs ${modelWeight(program, ci, n, w)}`);
        field ??= populationField(program, ci, n);
        break;
      }
    }
  }
  refuse(spec, cp, `no axon-type assignment found (${MAX_ATTEMPTS} greedy attempts): the axon from ${axonSourceName(program, cp.coreId, failed)} fits none of the ${T} types (${blocked.join("; ")})`, file, field);
}

/** One greedy pass in `order`; returns the first axon that fits no type, or −1 when all fit. */
function assign(rows: PairRows, neuronCount: number, order: Uint32Array, T: number, s: Scratch): number {
  const { axonRowPtr, synTarget, synWeight } = rows;
  const { typeWeight, typeSet } = s;
  typeSet.fill(0, 0, neuronCount * T);
  for (let i = 0; i < order.length; i++) {
    const a = order[i];
    let best = -1;
    let bestMatches = -1;
    for (let t = 0; t < T; t++) {
      let matches = 0;
      let ok = true;
      for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
        const w = synWeight[k];
        if (w === 0) continue;
        const j = synTarget[k] * T + t;
        if (typeSet[j] === 0) continue;
        if (typeWeight[j] !== w) { ok = false; break; }
        matches++;
      }
      if (ok && matches > bestMatches) { best = t; bestMatches = matches; }
      if (ok && matches === s.count[a]) break; // every neuron of the axon already holds its weight here: no better type
    }
    if (best < 0) return a;
    for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
      const w = synWeight[k];
      if (w === 0) continue;
      const j = synTarget[k] * T + best;
      typeSet[j] = 1; typeWeight[j] = w;
    }
  }
  return -1;
}
