/**
 * Linear signals between spiking populations: what the NIR nodes between two neuron layers
 * (Affine, Linear, Scale, Conv, pooling, Flatten, Delay, pass-throughs) amount to, as sparse
 * synapse lists.
 *
 * A *signal* at a node output is Σ_terms W_term · z_source(t − lag) + Σ_constants c(t ≥ start):
 *   - a term holds (out, src, lag, w) entries from one source population (an Input or neuron node),
 *     `lag` counting the steps added by Delay nodes and cycle edges;
 *   - a constant holds (out, start, value): a drive that is present from step `start` on (Affine
 *     and Conv biases; `start` > 0 after a Delay or a cycle edge).
 * A linear node is an operator given column-wise (for each input element: its outputs, weights and
 * extra lags); applying it composes entry by entry: (o, s, l, w) → (o', s, l + l', w · w').
 */

export interface LinearOp {
  readonly inSize: number;
  readonly outSize: number;
  /** CSR by input element: entries ptr[i] … ptr[i+1]−1. */
  readonly ptr: Uint32Array;
  readonly out: Uint32Array;
  readonly w: Float64Array;
  /** Extra lag in steps per entry (Delay); null = 0. */
  readonly lag: Uint32Array | null;
  /** Constant added to each output from step 0 (Affine/Conv bias); null = none. */
  readonly bias: Float64Array | null;
  /** TERM_CONV / TERM_DENSE, or-ed into the terms it is applied to. */
  readonly flags: number;
  /** Number of weights the node stores (reported as model weights). */
  readonly modelWeights: number;
}

export const TERM_CONV = 1;
export const TERM_DENSE = 2;

export interface SignalTerm {
  readonly source: string;
  readonly srcSize: number;
  readonly out: Uint32Array;
  readonly src: Uint32Array;
  readonly lag: Uint32Array;
  readonly w: Float64Array;
  readonly flags: number;
  /** Names of the weighted nodes on the path(s), for reporting. */
  readonly via: ReadonlySet<string>;
  readonly modelWeights: number;
}

export interface ConstTerm {
  readonly out: Uint32Array;
  readonly start: Uint32Array;
  readonly value: Float64Array;
}

export interface Signal {
  readonly size: number;
  readonly terms: readonly SignalTerm[];
  readonly constants: ConstTerm;
}

const EMPTY_CONST: ConstTerm = { out: new Uint32Array(0), start: new Uint32Array(0), value: new Float64Array(0) };

/** The output of a population itself: z_source with weight 1, no lag. */
export function sourceSignal(source: string, size: number): Signal {
  const idx = new Uint32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  return {
    size,
    terms: [{ source, srcSize: size, out: idx, src: idx.slice(), lag: new Uint32Array(size), w: new Float64Array(size).fill(1), flags: 0, via: new Set(), modelWeights: 0 }],
    constants: EMPTY_CONST,
  };
}

/** Adds `lag` steps to every entry (a cycle edge carries the previous step's value). */
export function delaySignal(s: Signal, lag: number): Signal {
  if (lag === 0) return s;
  const shift = (a: Uint32Array): Uint32Array => {
    const b = new Uint32Array(a.length);
    for (let i = 0; i < a.length; i++) b[i] = a[i] + lag;
    return b;
  };
  return {
    size: s.size,
    terms: s.terms.map((t) => ({ ...t, lag: shift(t.lag) })),
    constants: { out: s.constants.out, start: shift(s.constants.start), value: s.constants.value },
  };
}

function concatU32(parts: readonly Uint32Array[]): Uint32Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
function concatF64(parts: readonly Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Stable counting sort of the permutation `perm` by key[perm[i]] ∈ [0, range).
 */
function countingSort(perm: Uint32Array, key: Uint32Array, range: number): Uint32Array {
  const count = new Uint32Array(range + 1);
  for (let i = 0; i < perm.length; i++) count[key[perm[i]] + 1]++;
  for (let k = 0; k < range; k++) count[k + 1] += count[k];
  const out = new Uint32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[count[key[perm[i]]]++] = perm[i];
  return out;
}

/** Sorts entries by (src, out, lag) and sums the weights of equal triples. */
function coalesceTerm(t: SignalTerm, outSize: number): SignalTerm {
  const n = t.out.length;
  if (n === 0) return t;
  let maxLag = 0;
  for (let i = 0; i < n; i++) if (t.lag[i] > maxLag) maxLag = t.lag[i];
  let perm: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (maxLag > 0) perm = countingSort(perm, t.lag, maxLag + 1);
  perm = countingSort(perm, t.out, outSize);
  perm = countingSort(perm, t.src, t.srcSize);
  const out = new Uint32Array(n);
  const src = new Uint32Array(n);
  const lag = new Uint32Array(n);
  const w = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = perm[k];
    if (m > 0 && src[m - 1] === t.src[i] && out[m - 1] === t.out[i] && lag[m - 1] === t.lag[i]) {
      w[m - 1] += t.w[i];
      continue;
    }
    out[m] = t.out[i];
    src[m] = t.src[i];
    lag[m] = t.lag[i];
    w[m] = t.w[i];
    m++;
  }
  return { ...t, out: out.slice(0, m), src: src.slice(0, m), lag: lag.slice(0, m), w: w.slice(0, m) };
}

function hasRepeatedSource(t: SignalTerm): boolean {
  const seen = new Uint8Array(t.srcSize);
  for (let e = 0; e < t.src.length; e++) {
    if (seen[t.src[e]] !== 0) return true;
    seen[t.src[e]] = 1;
  }
  return false;
}

/** Σ of signals of equal size (several edges into one node are summed). */
export function sumSignals(size: number, parts: readonly Signal[]): Signal {
  const bySource = new Map<string, SignalTerm[]>();
  for (const p of parts) {
    for (const t of p.terms) {
      const list = bySource.get(t.source);
      if (list === undefined) bySource.set(t.source, [t]);
      else list.push(t);
    }
  }
  const terms: SignalTerm[] = [];
  for (const [source, list] of bySource) {
    if (list.length === 1) {
      terms.push(list[0]);
      continue;
    }
    const via = new Set<string>();
    let flags = 0;
    let modelWeights = 0;
    for (const t of list) {
      t.via.forEach((v) => via.add(v));
      flags |= t.flags;
      modelWeights += t.modelWeights;
    }
    terms.push(coalesceTerm({
      source, srcSize: list[0].srcSize, flags, via, modelWeights,
      out: concatU32(list.map((t) => t.out)), src: concatU32(list.map((t) => t.src)),
      lag: concatU32(list.map((t) => t.lag)), w: concatF64(list.map((t) => t.w)),
    }, size));
  }
  const constants: ConstTerm = {
    out: concatU32(parts.map((p) => p.constants.out)),
    start: concatU32(parts.map((p) => p.constants.start)),
    value: concatF64(parts.map((p) => p.constants.value)),
  };
  return { size, terms, constants };
}

/** Applies a linear node to a signal. `name` is the node's name (recorded on weighted paths). */
export function applyOp(op: LinearOp, s: Signal, name: string): Signal {
  const terms: SignalTerm[] = [];
  for (const t of s.terms) {
    let n = 0;
    for (let e = 0; e < t.out.length; e++) n += op.ptr[t.out[e] + 1] - op.ptr[t.out[e]];
    const out = new Uint32Array(n);
    const src = new Uint32Array(n);
    const lag = new Uint32Array(n);
    const w = new Float64Array(n);
    let m = 0;
    for (let e = 0; e < t.out.length; e++) {
      const i = t.out[e];
      for (let k = op.ptr[i]; k < op.ptr[i + 1]; k++) {
        out[m] = op.out[k];
        src[m] = t.src[e];
        lag[m] = t.lag[e] + (op.lag === null ? 0 : op.lag[k]);
        w[m] = t.w[e] * op.w[k];
        m++;
      }
    }
    const via = op.modelWeights > 0 ? new Set([...t.via, name]) : t.via;
    const next: SignalTerm = { source: t.source, srcSize: t.srcSize, out, src, lag, w, flags: t.flags | op.flags, via, modelWeights: t.modelWeights + op.modelWeights };
    // An operator column holds each output once, so equal (src, out, lag) entries can only arise
    // when a source element reached several inputs of the operator: coalesce only then.
    terms.push(hasRepeatedSource(t) ? coalesceTerm(next, op.outSize) : next);
  }
  // Constants pass through the operator the same way, then the node's own bias is added.
  const c = s.constants;
  let n = 0;
  for (let e = 0; e < c.out.length; e++) n += op.ptr[c.out[e] + 1] - op.ptr[c.out[e]];
  const biasCount = op.bias === null ? 0 : op.outSize;
  const cout = new Uint32Array(n + biasCount);
  const cstart = new Uint32Array(n + biasCount);
  const cval = new Float64Array(n + biasCount);
  let m = 0;
  for (let e = 0; e < c.out.length; e++) {
    const i = c.out[e];
    for (let k = op.ptr[i]; k < op.ptr[i + 1]; k++) {
      cout[m] = op.out[k];
      cstart[m] = c.start[e] + (op.lag === null ? 0 : op.lag[k]);
      cval[m] = c.value[e] * op.w[k];
      m++;
    }
  }
  if (op.bias !== null) {
    for (let j = 0; j < op.outSize; j++) {
      cout[m] = j;
      cstart[m] = 0;
      cval[m] = op.bias[j];
      m++;
    }
  }
  return { size: op.outSize, terms, constants: { out: cout, start: cstart, value: cval } };
}

/** Builds a column-wise operator from (out, in, w, lag) entries. */
export function opFromEntries(
  inSize: number, outSize: number, outIdx: Uint32Array, inIdx: Uint32Array, w: Float64Array, lag: Uint32Array | null,
  extra: { bias: Float64Array | null; flags: number; modelWeights: number },
): LinearOp {
  const n = outIdx.length;
  const ptr = new Uint32Array(inSize + 1);
  for (let e = 0; e < n; e++) ptr[inIdx[e] + 1]++;
  for (let i = 0; i < inSize; i++) ptr[i + 1] += ptr[i];
  const fill = ptr.slice(0, inSize);
  const out = new Uint32Array(n);
  const ww = new Float64Array(n);
  const ll = lag === null ? null : new Uint32Array(n);
  for (let e = 0; e < n; e++) {
    const k = fill[inIdx[e]]++;
    out[k] = outIdx[e];
    ww[k] = w[e];
    if (ll !== null && lag !== null) ll[k] = lag[e];
  }
  return { inSize, outSize, ptr, out, w: ww, lag: ll, bias: extra.bias, flags: extra.flags, modelWeights: extra.modelWeights };
}

/** Sums constants with equal (out, start). */
export function coalesceConstants(c: ConstTerm, size: number): ConstTerm {
  const key = new Map<number, number>();
  const out: number[] = [];
  const start: number[] = [];
  const value: number[] = [];
  for (let e = 0; e < c.out.length; e++) {
    const k = c.start[e] * size + c.out[e];
    const at = key.get(k);
    if (at === undefined) {
      key.set(k, out.length);
      out.push(c.out[e]);
      start.push(c.start[e]);
      value.push(c.value[e]);
    } else value[at] += c.value[e];
  }
  return { out: Uint32Array.from(out), start: Uint32Array.from(start), value: Float64Array.from(value) };
}
