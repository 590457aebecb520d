/**
 * route + emit: builds each core's crossbar (CSR rows per input axon), the output routing tables and the
 * neuron parameter memories, i.e. the ChipProgram.
 *
 * One input axon per (source neuron, destination core): a spike travels as one AER packet to each core
 * holding any of its targets, and that core's axon row fans it out to all local targets (Loihi's
 * distribution lists). Rows are sorted by (delay, projection, target) so the simulator can hand each
 * run of equal delay to the timing wheel as one segment. Axons are numbered by ascending global source
 * neuron; routes are listed by ascending destination core: the program is a pure function of the model
 * and the placement.
 *
 * Cost: O(S + Σ_cores (key range + axons·log axons)), no comparison sort over synapses. One sequential
 * sweep over the model scatters each synapse into its core's crossbar arrays in model order (a stable
 * bucket sort); each core's rows are then ordered in place by stable least-significant-key-first counting
 * sorts — (delay, projection, target), usually as one combined key, then source — which gives the order
 * of the comparison (source, delay, projection, target, model order) exactly. Beyond the program itself
 * the pass holds only per-core scratch arrays: a synapse's source is looked up from its projection and
 * model index (synProjection, synIndex) when its core is ordered, not kept per synapse (which would add
 * 4 bytes per synapse to the compile's peak memory, where the model and the program are both resident).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { COND_FIELDS, NeuronKind, ResetMode, PROGRAM_FORMAT, PROGRAM_VERSION, type ChipProgram, type CoreProgram, type PopulationBlock, type PopulationMap } from "../../chip/program/types.ts";
import { neuronAt, type IndexedGraph } from "./normalise.ts";

/**
 * Blocks are packed onto cores in the file's population order, each into the current core while it fits
 * (partition.ts); a mapping that breaks the limit is made again with the neurons one source reaches cut and
 * packed together (compile.ts mapAndRoute, fanout-groups.ts), so the error reaches the user only when that
 * fails too (or for a file's own mapping, which is not remade).
 */
export const FANOUT_HINT = "a second mapping, with the neurons each source reaches (and those sharing a source with them) cut and packed onto one core (compiler/passes/fanout-groups.ts), did not fit either: reduce the fan-out, use bigger cores, or a chip with a larger core.maxFanOutCores";
import type { LogicalCore } from "./partition.ts";
import { inputsTakeNeuronSlots } from "../../chip/spec/neuron-slots.ts";

export interface CoreUsage {
  readonly coreIndex: number;
  readonly coreId: number;
  readonly neurons: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapses: number;
}

export interface RouteResult {
  readonly program: ChipProgram;
  readonly usage: readonly CoreUsage[];
  /** Core index (into program.cores) and local index of every global neuron. */
  readonly coreIndexOf: Uint32Array;
  readonly localOf: Uint32Array;
}

/**
 * One stable counting-sort pass: dst[0..n) ← src[0..n) ordered by key[e] ∈ [0, range), equal keys keeping
 * their order in src (src undefined: the identity 0..n−1). cnt needs range + 1 entries.
 */
function countingPass(src: Uint32Array | undefined, dst: Uint32Array, n: number, key: Uint32Array, range: number, cnt: Uint32Array): void {
  cnt.fill(0, 0, range + 1);
  if (src === undefined) {
    // From the identity order: no gather.
    for (let j = 0; j < n; j++) cnt[key[j] + 1]++;
    for (let r = 0; r < range; r++) cnt[r + 1] += cnt[r];
    for (let j = 0; j < n; j++) dst[cnt[key[j]]++] = j;
    return;
  }
  for (let j = 0; j < n; j++) cnt[key[src[j]] + 1]++;
  for (let r = 0; r < range; r++) cnt[r + 1] += cnt[r];
  for (let j = 0; j < n; j++) {
    const e = src[j];
    dst[cnt[key[e]]++] = e;
  }
}

/** Per-core scratch arrays, sized for the largest core and reused core after core. */
class Scratch {
  /** Global source neuron of each of the core's synapses. */
  readonly src: Uint32Array;
  readonly key: Uint32Array;
  readonly axon: Uint32Array;
  readonly p: Uint32Array;
  readonly q: Uint32Array;
  readonly distinct: Uint32Array;
  readonly u32: Uint32Array;
  readonly u32b: Uint32Array;
  readonly f64: Float64Array;
  readonly u16: Uint16Array;
  readonly u16b: Uint16Array;
  /** Per global neuron: the core (ci + 1) that last saw it as a source, and its axon there. */
  readonly stamp: Uint32Array;
  readonly axonOf: Uint32Array;
  cnt = new Uint32Array(0);
  constructor(n: number, neurons: number) {
    this.stamp = new Uint32Array(neurons);
    this.axonOf = new Uint32Array(neurons);
    this.src = new Uint32Array(n);
    this.key = new Uint32Array(n);
    this.axon = new Uint32Array(n);
    this.p = new Uint32Array(n);
    this.q = new Uint32Array(n);
    this.distinct = new Uint32Array(n);
    this.u32 = new Uint32Array(n);
    this.u32b = new Uint32Array(n);
    this.f64 = new Float64Array(n);
    this.u16 = new Uint16Array(n);
    this.u16b = new Uint16Array(n);
  }
  counts(range: number): Uint32Array {
    if (this.cnt.length < range + 1) this.cnt = new Uint32Array(Math.max(range + 1, 2 * this.cnt.length));
    return this.cnt;
  }
}

/** Each core's crossbar arrays while they are built (index: program core), and views of all cores' at once. */
interface CoreArrays {
  readonly all: { readonly target: Uint32Array; readonly weight: Float64Array; readonly delay: Uint16Array; readonly projection: Uint16Array; readonly index: Uint32Array };
  readonly target: Uint32Array[];
  readonly weight: Float64Array[];
  readonly delay: Uint16Array[];
  readonly projection: Uint16Array[];
  readonly index: Uint32Array[];
}

/**
 * Every core's crossbar arrays, as views into one ArrayBuffer (all weights, then targets, model indices,
 * delays and projections; core c's views start at synapse perCore[c]). Why one buffer: a run that drops
 * the program once its state is built (cli/release.ts) gets the memory back only if the allocator returns
 * it. glibc's malloc serves blocks under its mmap threshold — which rises to the largest block freed so far,
 * up to 32 MB — from its heap, where freed blocks stay resident; a block over 32 MB is always a mapping of
 * its own, unmapped when freed. SANA-FE DVS: 245 arrays of 0.1–2 MB stayed resident after their release
 * (72 MB); the one 72 MB buffer is returned.
 */
function crossbarArrays(perCore: Float64Array, C: number): CoreArrays {
  const S = perCore[C];
  const buffer = new ArrayBuffer(20 * S);
  // Offsets in bytes of each kind's first element: 8-byte weights first keep every view aligned.
  const weightAt = 0;
  const targetAt = 8 * S;
  const indexAt = 12 * S;
  const delayAt = 16 * S;
  const projectionAt = 18 * S;
  const all = {
    weight: new Float64Array(buffer, weightAt, S), target: new Uint32Array(buffer, targetAt, S), index: new Uint32Array(buffer, indexAt, S),
    delay: new Uint16Array(buffer, delayAt, S), projection: new Uint16Array(buffer, projectionAt, S),
  };
  const arrays: CoreArrays = { all, target: [], weight: [], delay: [], projection: [], index: [] };
  for (let c = 0; c < C; c++) {
    const s0 = perCore[c];
    const n = perCore[c + 1] - s0;
    arrays.weight.push(new Float64Array(buffer, weightAt + 8 * s0, n));
    arrays.target.push(new Uint32Array(buffer, targetAt + 4 * s0, n));
    arrays.index.push(new Uint32Array(buffer, indexAt + 4 * s0, n));
    arrays.delay.push(new Uint16Array(buffer, delayAt + 2 * s0, n));
    arrays.projection.push(new Uint16Array(buffer, projectionAt + 2 * s0, n));
  }
  return arrays;
}

/** perCore[c + 1] += synapses of this projection onto core c. (Hot loops live in small functions, so V8 optimises each on its own.) */
function countByCore(post: Uint32Array, postBase: number, coreIndexOf: Uint32Array, perCore: Float64Array): void {
  for (let s = 0; s < post.length; s++) perCore[coreIndexOf[postBase + post[s]] + 1]++;
}

/**
 * Appends projection k's synapses to their cores' arrays, in model order. fill[c] is the next free synapse
 * of core c in the all-cores views (it starts at the core's first synapse): one typed array per field
 * rather than a view per core, so each store is a single indexed write.
 */
function scatterProjection(
  k: number, post: Uint32Array, dly: Uint16Array, w: Float64Array, postBase: number,
  coreIndexOf: Uint32Array, localOf: Uint32Array, fill: Float64Array, arrays: CoreArrays,
): void {
  const { target, weight, delay, projection, index } = arrays.all;
  for (let s = 0; s < post.length; s++) {
    const g = postBase + post[s];
    const j = fill[coreIndexOf[g]]++;
    target[j] = localOf[g];
    weight[j] = w[s];
    delay[j] = dly[s];
    projection[j] = k;
    index[j] = s;
  }
}

/** src[j] ← the global source of the core's synapse j: its projection's pre neuron at its model index. */
function sourcesOfCore(synProjection: Uint16Array, synIndex: Uint32Array, preArr: readonly Uint32Array[], preBase: Uint32Array, src: Uint32Array): void {
  for (let j = 0; j < synIndex.length; j++) {
    const k = synProjection[j];
    src[j] = preBase[k] + preArr[k][synIndex[j]];
  }
}

/**
 * Orders core ci's synapses (given in model order; their sources in tmp.src) into rows by
 * (source, delay, projection, local target, model order), in place, and returns the crossbar. The
 * core's input axons (its distinct sources, ascending) are left in tmp.distinct[0..axonCount).
 */
function orderCore(
  ci: number, synTarget: Uint32Array, synWeight: Float64Array, synDelayTicks: Uint16Array, synProjection: Uint16Array, synIndex: Uint32Array,
  L: number, D: number, K: number, tmp: Scratch,
): CoreProgram["crossbar"] {
  const n = synTarget.length;
  const { src, distinct, key, stamp, axonOf } = tmp;
  let p: Uint32Array = tmp.p;
  let q: Uint32Array = tmp.q;
  let t: Uint32Array;
  // Stable counting sorts, least significant key first, starting from the model order. Usually
  // (delay, projection, target) fit one combined key over the whole model's ranges, computed in the same
  // scan that finds the sources (stamp[g] = ci + 1 once source g is seen).
  const combined = D * K * L;
  let A = 0;
  if (combined <= Math.max(4 * n, 65536) && combined < 2 ** 32) {
    for (let j = 0; j < n; j++) {
      key[j] = ((synDelayTicks[j] - 1) * K + synProjection[j]) * L + synTarget[j];
      const g = src[j];
      if (stamp[g] !== ci + 1) {
        stamp[g] = ci + 1;
        distinct[A++] = g;
      }
    }
    countingPass(undefined, p, n, key, combined, tmp.counts(combined));
  } else {
    // One pass per key, over the ranges this core uses.
    let dMin = 0xffff;
    let dMax = 0;
    let kMin = 0xffff;
    let kMax = 0;
    for (let j = 0; j < n; j++) {
      const d = synDelayTicks[j];
      if (d < dMin) dMin = d;
      if (d > dMax) dMax = d;
      const k = synProjection[j];
      if (k < kMin) kMin = k;
      if (k > kMax) kMax = k;
      const g = src[j];
      if (stamp[g] !== ci + 1) {
        stamp[g] = ci + 1;
        distinct[A++] = g;
      }
    }
    const Dr = dMax - dMin + 1;
    const Kr = kMax - kMin + 1;
    countingPass(undefined, p, n, synTarget, L, tmp.counts(L));
    if (Kr > 1) {
      for (let j = 0; j < n; j++) key[j] = synProjection[j] - kMin;
      countingPass(p, q, n, key, Kr, tmp.counts(Kr));
      t = p; p = q; q = t;
    }
    if (Dr > 1) {
      for (let j = 0; j < n; j++) key[j] = synDelayTicks[j] - dMin;
      countingPass(p, q, n, key, Dr, tmp.counts(Dr));
      t = p; p = q; q = t;
    }
  }
  // Input axons: the distinct sources in ascending global index; the last pass orders rows by them.
  const sources = distinct.subarray(0, A).sort();
  for (let a = 0; a < A; a++) axonOf[sources[a]] = a;
  const cnt = tmp.counts(A);
  const eAxon = tmp.axon;
  cnt.fill(0, 0, A + 1);
  for (let j = 0; j < n; j++) {
    const a = axonOf[src[j]];
    eAxon[j] = a;
    cnt[a + 1]++;
  }
  for (let a = 0; a < A; a++) cnt[a + 1] += cnt[a];
  for (let j = 0; j < n; j++) {
    const e = p[j];
    q[cnt[eAxon[e]]++] = e;
  }
  p = q;
  // cnt[a] is now the end of row a, i.e. the start of row a + 1.
  const axonRowPtr = new Uint32Array(A + 1);
  for (let a = 0; a < A; a++) axonRowPtr[a + 1] = cnt[a];
  // Apply the order to the five arrays in one sweep, from copies.
  const { u32: cTarget, u32b: cIndex, f64: cWeight, u16: cDelay, u16b: cProj } = tmp;
  cTarget.set(synTarget);
  cIndex.set(synIndex);
  cWeight.set(synWeight);
  cDelay.set(synDelayTicks);
  cProj.set(synProjection);
  for (let j = 0; j < n; j++) {
    const e = p[j];
    synTarget[j] = cTarget[e];
    synIndex[j] = cIndex[e];
    synWeight[j] = cWeight[e];
    synDelayTicks[j] = cDelay[e];
    synProjection[j] = cProj[e];
  }
  return { axonCount: A, axonRowPtr, synTarget, synWeight, synDelayTicks, synProjection, synIndex };
}

export function routeAndEmit(ig: IndexedGraph, spec: ChipSpec, cores: readonly LogicalCore[], slotOf: Uint32Array, file: string): RouteResult {
  const { graph, popOffset, projPre, projPost } = ig;
  const N = ig.totalNeurons;
  // Program cores in ascending physical id.
  const order = Array.from({ length: cores.length }, (_, c) => c).sort((a, b) => slotOf[a] - slotOf[b]);
  const coreIndexOf = new Uint32Array(N);
  const localOf = new Uint32Array(N);
  const popBlocks: PopulationBlock[][] = graph.populations.map(() => []);
  order.forEach((c, ci) => {
    let local = 0;
    for (const b of cores[c].blocks) {
      for (let i = 0; i < b.count; i++) {
        const g = neuronAt(ig, b.population, b.start + i);
        coreIndexOf[g] = ci;
        localOf[g] = local + i;
      }
      popBlocks[b.population].push({ coreIndex: ci, neuronStart: local, populationStart: b.start, count: b.count });
      local += b.count;
    }
  });
  const C = order.length;
  const K = graph.projections.length;
  const preArr = graph.projections.map((pr) => pr.preIndex);
  const postArr = graph.projections.map((pr) => pr.postIndex);
  const delayArr = graph.projections.map((pr) => pr.delayTicks);
  const weightArr = graph.projections.map((pr) => pr.weight);
  // Synapses per destination core, then each core's crossbar arrays (filled in model order first).
  const perCore = new Float64Array(C + 1);
  for (let k = 0; k < K; k++) countByCore(postArr[k], popOffset[projPost[k]], coreIndexOf, perCore);
  let maxCoreSynapses = 0;
  for (let c = 0; c < C; c++) {
    maxCoreSynapses = Math.max(maxCoreSynapses, perCore[c + 1]);
    perCore[c + 1] += perCore[c];
  }
  const arrays = crossbarArrays(perCore, C);
  // One sequential sweep over the model scatters every synapse to the end of its core's arrays (a stable
  // bucket sort by core: the model is read once, in order).
  const fill = perCore.slice(0, C);
  for (let k = 0; k < K; k++) {
    scatterProjection(k, postArr[k], delayArr[k], weightArr[k], popOffset[projPost[k]], coreIndexOf, localOf, fill, arrays);
  }
  const preBase = Uint32Array.from(projPre, (p) => popOffset[p]);

  // Route entries: one per (source neuron, destination core) = one input axon; axon a of core ci is
  // sourcesOf[ci][a].
  const sourcesOf: Uint32Array[] = [];
  const coreProgramsPartial: Array<Omit<CoreProgram, "routing">> = [];
  const inputAxonsOf = new Uint32Array(C);
  const tmp = new Scratch(maxCoreSynapses, N);
  const maxDelayTicks = ig.maxDelayTicks;
  for (let ci = 0; ci < C; ci++) {
    sourcesOfCore(arrays.projection[ci], arrays.index[ci], preArr, preBase, tmp.src);
    const crossbar = orderCore(ci, arrays.target[ci], arrays.weight[ci], arrays.delay[ci], arrays.projection[ci], arrays.index[ci], cores[order[ci]].neurons, maxDelayTicks, K, tmp);
    const A = crossbar.axonCount;
    sourcesOf.push(tmp.distinct.slice(0, A));
    inputAxonsOf[ci] = A;
    if (A > spec.core.maxInputAxons) {
      throw new AerchipError("E_CORE_INPUT_AXONS_EXCEEDED", `core ${slotOf[order[ci]]} needs ${A} input axons; chip "${spec.name}" has ${spec.core.maxInputAxons} per core`, { file, hint: "use a partition with smaller blocks or a chip with more input axons" });
    }
    coreProgramsPartial.push(buildCoreParams(ig, cores[order[ci]], slotOf[order[ci]], crossbar));
  }
  // Routing tables: entries grouped by source neuron, destination cores ascending (cores in order).
  const srcPtr = new Uint32Array(N + 1);
  for (let ci = 0; ci < C; ci++) {
    const src = sourcesOf[ci];
    for (let a = 0; a < src.length; a++) srcPtr[src[a] + 1]++;
  }
  for (let g = 0; g < N; g++) srcPtr[g + 1] += srcPtr[g];
  const R = srcPtr[N];
  const rFill = srcPtr.slice(0, N);
  const rCore = new Uint32Array(R);
  const rAxon = new Uint32Array(R);
  for (let ci = 0; ci < C; ci++) {
    const src = sourcesOf[ci];
    const coreId = slotOf[order[ci]];
    for (let a = 0; a < src.length; a++) {
      const at = rFill[src[a]]++;
      rCore[at] = coreId;
      rAxon[at] = a;
    }
  }
  const usage: CoreUsage[] = [];
  const maxFan = spec.core.maxFanOutCores;
  // Populations whose neurons are AER source addresses rather than neuron slots (input neurons on such chips).
  const addressOnly = graph.populations.map((p) => p.kind === "input" && !inputsTakeNeuronSlots(spec));
  const programCores: CoreProgram[] = coreProgramsPartial.map((cp, ci) => {
    const count = cp.neuronCount;
    const routePtr = new Uint32Array(count + 1);
    // Neurons of this core in local order: walk its blocks (first the counts and the fan-out check).
    let local = 0;
    let total = 0;
    let addresses = 0; // output axons: routing entries, and one address per slot-less input neuron that feeds nothing
    for (const b of cores[order[ci]].blocks) {
      for (let i = 0; i < b.count; i++, local++) {
        const g = neuronAt(ig, b.population, b.start + i);
        const fan = srcPtr[g + 1] - srcPtr[g];
        // core.maxFanOutCores on the real destination cores (after packing; partition.ts does not check it).
        if (maxFan > 0 && fan > maxFan) {
          throw new AerchipError("E_CORE_FANOUT_EXCEEDED", `neuron ${g - popOffset[b.population]} of "${graph.populations[b.population].name}" sends to ${fan} cores; chip "${spec.name}" allows ${maxFan}`, {
            file, field: `populations.${graph.populations[b.population].name}`, hint: FANOUT_HINT,
          });
        }
        total += fan;
        // An input neuron that takes no neuron slot is an AER source address of its core even when it feeds
        // nothing (partition.ts counts it as at least one output axon; chip/spec/neuron-slots.ts).
        addresses += fan === 0 && addressOnly[b.population] ? 1 : fan;
        routePtr[local + 1] = total;
      }
    }
    if (addresses > spec.core.maxOutputAxons) {
      throw new AerchipError("E_CORE_OUTPUT_AXONS_EXCEEDED", `core ${cp.coreId} needs ${addresses} output routing entries; chip "${spec.name}" has ${spec.core.maxOutputAxons} per core`, { file, hint: "reduce fan-out across cores (smaller blocks of the target population), or use a chip with more output axons" });
    }
    const routeDestCore = new Uint32Array(total);
    const routeDestAxon = new Uint32Array(total);
    let at = 0;
    for (const b of cores[order[ci]].blocks) {
      for (let i = 0; i < b.count; i++) {
        const g = neuronAt(ig, b.population, b.start + i);
        for (let r = srcPtr[g]; r < srcPtr[g + 1]; r++, at++) {
          routeDestCore[at] = rCore[r];
          routeDestAxon[at] = rAxon[r];
        }
      }
    }
    usage.push({ coreIndex: ci, coreId: cp.coreId, neurons: count, inputAxons: inputAxonsOf[ci], outputAxons: addresses, synapses: cp.crossbar.synTarget.length });
    return { ...cp, routing: { routePtr, routeDestCore, routeDestAxon } };
  });
  const populations: PopulationMap[] = graph.populations.map((p, i) => {
    const o = ig.order[i];
    return { name: p.name, kind: p.kind, size: p.size, shape: [...p.shape], spiking: p.spiking, blocks: popBlocks[i], ...(o === undefined ? {} : { order: o }) };
  });
  const program: ChipProgram = {
    format: PROGRAM_FORMAT, version: PROGRAM_VERSION, specName: spec.name,
    meshWidthTiles: spec.mesh.widthTiles, meshHeightTiles: spec.mesh.heightTiles, coresPerTile: spec.mesh.coresPerTile,
    modelName: graph.name, defaultSteps: graph.defaultSteps, maxDelayTicks, cores: programCores, populations,
    projections: graph.projections.map((pr) => ({
      name: pr.name, pre: pr.pre, post: pr.post, synapseCount: pr.preIndex.length, encoding: pr.encoding,
      ...(pr.plasticity === undefined ? {} : {
        plasticity: {
          rule: "pair" as const, nearest: pr.plasticity.mode === "nearest", aPlus: pr.plasticity.aPlus, aMinus: pr.plasticity.aMinus,
          decayPre: pr.plasticity.decayPre, decayPost: pr.plasticity.decayPost, wMin: pr.plasticity.wMin, wMax: pr.plasticity.wMax,
        },
      }),
      ...(pr.learning === undefined ? {} : { learning: pr.learning }),
    })),
  };
  return { program, usage, coreIndexOf, localOf };
}

function buildCoreParams(ig: IndexedGraph, core: LogicalCore, coreId: number, crossbar: CoreProgram["crossbar"]): Omit<CoreProgram, "routing"> {
  const n = core.neurons;
  const kind = new Uint8Array(n);
  const spiking = new Uint8Array(n);
  const voltageDecay = new Float64Array(n);
  const currentDecay = new Float64Array(n);
  const inputGain = new Float64Array(n);
  const bias = new Float64Array(n);
  const vThreshold = new Float64Array(n);
  const vReset = new Float64Array(n);
  const vInit = new Float64Array(n);
  const resetMode = new Uint8Array(n);
  const thresholdOp = new Uint8Array(n);
  const refractoryTicks = new Uint32Array(n);
  // Optional per-compartment fields (SANA-FE's soma), present only when a population on the core uses them.
  const pops = core.blocks.map((b) => ig.graph.populations[b.population].params);
  const has = (f: "dynamics" | "vTruncScale" | "vReverseThreshold" | "reverseResetMode" | "vReverseReset" | "forceUpdate" | "thetaPlus" | "thetaDrift" | "thetaInit"): boolean => pops.some((pp) => pp?.[f] !== undefined);
  const dynamics = has("dynamics") ? new Uint8Array(n) : undefined;
  const vTruncScale = has("vTruncScale") ? new Float64Array(n) : undefined;
  const vReverseThreshold = has("vReverseThreshold") ? new Float64Array(n).fill(-Infinity) : undefined;
  const reverseResetMode = has("reverseResetMode") ? new Uint8Array(n).fill(ResetMode.none) : undefined;
  const vReverseReset = has("vReverseReset") ? new Float64Array(n) : undefined;
  const forceUpdate = has("forceUpdate") ? new Uint8Array(n) : undefined;
  // Adaptive threshold (both arrays or neither); neurons without it get θ+ = 0, decay 1.
  const thetaPlus = has("thetaPlus") ? new Float64Array(n) : undefined;
  const thetaDecay = thetaPlus !== undefined ? new Float64Array(n).fill(1) : undefined;
  // Bounded homeostasis (all three or none); neurons without it: no drift, unbounded.
  const thetaDrift = thetaPlus !== undefined && has("thetaDrift") ? new Float64Array(n) : undefined;
  const thetaMin = thetaDrift !== undefined ? new Float64Array(n).fill(-Infinity) : undefined;
  const thetaMax = thetaDrift !== undefined ? new Float64Array(n).fill(Infinity) : undefined;
  // A learned starting θ (--initial-weights), 0 for neurons without one.
  const thetaInit = thetaPlus !== undefined && has("thetaInit") ? new Float64Array(n) : undefined;
  // Conductance-based LIF parameters (all seven or none), 0 for the core's other neurons.
  const cond = pops.some((pp) => pp?.condERest !== undefined) ? COND_FIELDS.map(() => new Float64Array(n)) : undefined;
  let local = 0;
  for (const b of core.blocks) {
    const pop = ig.graph.populations[b.population];
    const pp = pop.params;
    const o = ig.order[b.population];
    for (let i = 0; i < b.count; i++, local++) {
      const j = o === undefined ? b.start + i : o[b.start + i];
      spiking[local] = pop.spiking ? 1 : 0;
      if (pop.kind === "input" || pp === undefined) {
        kind[local] = NeuronKind.input;
        voltageDecay[local] = 1;
        inputGain[local] = 1;
        vThreshold[local] = 1;
        continue;
      }
      kind[local] = NeuronKind.compartment;
      voltageDecay[local] = pp.voltageDecay[j];
      currentDecay[local] = pp.currentDecay[j];
      inputGain[local] = pp.inputGain[j];
      bias[local] = pp.bias[j];
      vThreshold[local] = pp.vThreshold[j];
      vReset[local] = pp.vReset[j];
      vInit[local] = pp.vInit[j];
      resetMode[local] = pp.resetMode[j];
      thresholdOp[local] = pp.thresholdOp[j];
      refractoryTicks[local] = pp.refractoryTicks[j];
      if (dynamics !== undefined && pp.dynamics !== undefined) dynamics[local] = pp.dynamics[j];
      if (vTruncScale !== undefined && pp.vTruncScale !== undefined) vTruncScale[local] = pp.vTruncScale[j];
      if (vReverseThreshold !== undefined && pp.vReverseThreshold !== undefined) vReverseThreshold[local] = pp.vReverseThreshold[j];
      if (reverseResetMode !== undefined && pp.reverseResetMode !== undefined) reverseResetMode[local] = pp.reverseResetMode[j];
      if (vReverseReset !== undefined && pp.vReverseReset !== undefined) vReverseReset[local] = pp.vReverseReset[j];
      if (forceUpdate !== undefined && pp.forceUpdate !== undefined) forceUpdate[local] = pp.forceUpdate[j];
      if (thetaPlus !== undefined && pp.thetaPlus !== undefined) thetaPlus[local] = pp.thetaPlus[j];
      if (thetaDecay !== undefined && pp.thetaDecay !== undefined) thetaDecay[local] = pp.thetaDecay[j];
      if (thetaDrift !== undefined && pp.thetaDrift !== undefined) thetaDrift[local] = pp.thetaDrift[j];
      if (thetaMin !== undefined && pp.thetaMin !== undefined) thetaMin[local] = pp.thetaMin[j];
      if (thetaMax !== undefined && pp.thetaMax !== undefined) thetaMax[local] = pp.thetaMax[j];
      if (thetaInit !== undefined && pp.thetaInit !== undefined) thetaInit[local] = pp.thetaInit[j];
      if (cond !== undefined) COND_FIELDS.forEach((f, k) => { const a = pp[f]; if (a !== undefined) cond[k][local] = a[j]; });
    }
  }
  return {
    coreId, neuronCount: n,
    neurons: {
      kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, vInit, resetMode, thresholdOp, refractoryTicks,
      ...(dynamics === undefined ? {} : { dynamics }), ...(vTruncScale === undefined ? {} : { vTruncScale }),
      ...(vReverseThreshold === undefined ? {} : { vReverseThreshold }), ...(reverseResetMode === undefined ? {} : { reverseResetMode }),
      ...(vReverseReset === undefined ? {} : { vReverseReset }), ...(forceUpdate === undefined ? {} : { forceUpdate }),
      ...(thetaPlus === undefined || thetaDecay === undefined ? {} : { thetaPlus, thetaDecay }),
      ...(thetaDrift === undefined || thetaMin === undefined || thetaMax === undefined ? {} : { thetaDrift, thetaMin, thetaMax }),
      ...(thetaInit === undefined ? {} : { thetaInit }),
      ...(cond === undefined ? {} : Object.fromEntries(COND_FIELDS.map((f, k) => [f, cond[k]]))),
    },
    crossbar,
  };
}
