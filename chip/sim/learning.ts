/**
 * The general learning engine (Loihi-style sum-of-products rules, chip/program LearningRuleProgram),
 * beside the snnref pair-STDP engine of plasticity.ts, selected per projection (`learning` vs
 * `plasticity`). Rule text is parsed and compiled here (chip/program/learning-rule.ts), once per run.
 *
 * State, in the simulator's source-major layout (state.ts):
 *   - pre traces x1, x2 per (source group, projection): every synapse of a (source, delay, projection)
 *     sees the same arrivals, so they share one trace value. On the chip each destination core keeps its
 *     own copy with its input axons (Davies et al. 2018; Lava's learning engine): the copies hold identical
 *     values, so the engine stores one, but counts its memory and its updates once per destination core
 *     (xCorePtr/xCores: the distinct cores of the trace's synapses);
 *   - post traces y1, y2, y3 per (projection, post neuron);
 *   - per synapse: the weight (SimState.synWeight) and a tag t (allocated when a rule reads or writes it).
 *
 * Semantics, epoch E = epochTicks ticks (docs/learning.md §3):
 *   E = 1 (event-ordered, identical to named-rules.ts simulateSynapse):
 *     1. every trace decays z ← decay·z;
 *     2. pre arrival on s: the x0 products are evaluated on the current state and applied, then the pre
 *        traces jump (z ← z + impulse, or z ← impulse for `set`);
 *     3. post spike of j: the y0 products of every plastic synapse onto j are evaluated and applied,
 *        then the spike-driven post traces jump; graded post traces add impulse·g_j[t] every tick;
 *     4. u<k> products (epoch mod 2^k = 0) are evaluated on every plastic synapse and applied.
 *   E > 1 (epoch-batched, Loihi's learning epoch): traces decay and jump per tick as above, spikes only
 *     set x0/y0 flags; at the last tick of each epoch every plastic synapse with an active dependency
 *     evaluates dZ = Σ [dep]·S·ΠF once on the epoch-end traces and applies it.
 *   Within one evaluation all targets (dw, dt, dd) read the same state; the weight is clipped to
 *   [wMin, wMax] and, with weightBits b, rounded onto wMin + k·(wMax − wMin)/(2^b − 1) (nearest, or
 *   stochastic: up with probability equal to the fraction). A float starting weight outside [wMin, wMax]
 *   stays as given until an update clips it (snnref-1, Brian2); with weightBits it starts on the grid. Quantised traces (bits, lsb) are rounded the
 *   same way after every decay and saturate at (2^bits − 1)·lsb. A trace with a negative impulse is the mirror
 *   image of the positive one (sign-magnitude): lsb carries the impulse's sign, the value is k·lsb with
 *   k ∈ [0, 2^bits − 1], and the magnitude |z|/|lsb| is rounded and saturated as a positive trace's is.
 * Counted (counters.ts): synUpdates (one read-modify-write per synapse evaluation), learnRuleEvaluations
 * (one per synapse, phase and equation), learnTraceUpdates (every decay step and jump of a trace).
 * synUpdates counts what the hardware does: Loihi's engine evaluates the rule on every synapse with an
 * active dependency, whether or not Δw = 0, so the learning energy (synUpdates × energySynUpdatePj)
 * bills them all (ChipSpec.learningBilledOn "evaluations", the default). Beside it, per rule and per core (not
 * a chip counter): weightChanges, the updates that changed the stored weight (after clip and rounding; tags
 * applied at the run's end included) — what learningBilledOn "changes" bills — and whether a rule
 * that reads the third factor m ever saw m ≠ 0 on a learning tick (thirdFactorSeen) — without a
 * learning signal (`aerchip run` without --third-factor) every product with m adds 0.
 * Speed: with E = 1 the x0, y0 and u phases run loops generated per rule (learning-kernels.ts), which
 * compute bit for bit what the interpreter below (evaluateGateOn) computes; groups or neurons whose
 * plastic synapses mix rules, and E > 1 rules, use the interpreter.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { createRng, type Rng } from "../../core/rng.ts";
import { RULE_SLOT_COUNT, RuleGate, RuleSlot, compileRule, parseRule, ruleHasPowerFactor, type CompiledRule, type ParsedRule, type PowerTable } from "../program/learning-rule.ts";
import type { ChipProgram, LearningRuleProgram } from "../program/types.ts";
import { ruleTraceSetBits } from "../program/learning-program.ts";
import { traceLsb } from "../program/trace-grid.ts";
import { deliverCondRange, type CondState } from "./cond.ts";
import { CounterKind } from "./counters.ts";
import type { SimState } from "./state.ts";
import { buildGateKernels, type GateKernel, type KernelEnv } from "./learning-kernels.ts";

const TRACE_INDEX = { x1: 0, x2: 1, y1: 0, y2: 1, y3: 2 } as const;

/** One rule's compiled form and parameters. */
export interface RuleRuntime {
  /** Index of the rule in LearningEngine.rules (and its weightChanges slot). */
  readonly index: number;
  readonly program: LearningRuleProgram;
  readonly equations: readonly CompiledRule[];
  readonly hasX0: boolean;
  readonly hasY0: boolean;
  readonly hasU: boolean;
  /** Trace parameters, indexed x: [x1, x2], y: [y1, y2, y3]; present = 1. */
  readonly xPresent: Uint8Array;
  readonly yPresent: Uint8Array;
  readonly xDecay: Float64Array;
  readonly yDecay: Float64Array;
  readonly xImpulse: Float64Array;
  readonly yImpulse: Float64Array;
  readonly xSet: Uint8Array;
  readonly ySet: Uint8Array;
  readonly yGraded: Uint8Array;
  /** Trace LSB (0 = float trace; signed as the impulse) and saturation value (2^bits − 1)·lsb (same sign; Infinity for a float trace). */
  readonly xLsb: Float64Array;
  readonly yLsb: Float64Array;
  readonly xMax: Float64Array;
  readonly yMax: Float64Array;
  /** Weight grid step (0 = float weights). */
  readonly wStep: number;
  readonly stochastic: boolean;
  readonly tagMin: number;
  readonly tagMax: number;
  readonly fromTick: number;
  /** Trace memory of this rule: bits per pre trace set (input axon) and per post neuron. */
  readonly preTraceBits: number;
  readonly postTraceBits: number;
}

export interface LearningEngine {
  readonly rules: readonly RuleRuntime[];
  /** Rule index of each projection (−1: not a general-rule projection). */
  readonly projRule: Int32Array;
  /** Per synapse: rule index (−1 = not plastic here), pre-trace id, post-trace slot. */
  readonly synRule: Int32Array;
  readonly synX: Uint32Array;
  readonly synY: Uint32Array;
  /** Tag per synapse (length 0 when no rule uses it). */
  readonly tag: Float64Array;
  readonly groupPlastic: Uint8Array;
  readonly groupTraceStart: Uint32Array;
  readonly groupTraceId: Uint32Array;
  /** Pre traces [x1 | x2], each of length X; trace id → rule, core (the first core of its synapses: its rounding stream). */
  readonly x: Float64Array;
  readonly xRule: Uint32Array;
  readonly xCore: Uint32Array;
  /**
   * Destination cores of each pre trace: xCores[xCorePtr[i]..xCorePtr[i+1]), the distinct cores holding its synapses.
   * Each keeps a copy of the trace with its input axons, so trace memory and learnTraceUpdates count once per core.
   */
  readonly xCorePtr: Uint32Array;
  readonly xCores: Uint32Array;
  /** Post traces [y1 | y2 | y3], each of length Y; slot → rule, global neuron. */
  readonly y: Float64Array;
  readonly yRule: Uint32Array;
  readonly yNeuron: Uint32Array;
  readonly yCore: Uint32Array;
  /** General plastic synapses onto neuron n, and n's post slots. */
  readonly postPtr: Uint32Array;
  readonly postSyn: Uint32Array;
  readonly neuronYPtr: Uint32Array;
  readonly neuronYSlot: Uint32Array;
  /** Plastic synapses of each rule: ruleSyn[ruleSynPtr[r]..ruleSynPtr[r+1]). */
  readonly ruleSynPtr: Uint32Array;
  readonly ruleSyn: Uint32Array;
  /** Epoch-batched dependency flags (E > 1). */
  readonly xFlag: Uint8Array;
  readonly yFlag: Uint8Array;
  /** Third factor m and graded post input g, per global neuron, for the current tick (written by SimulateOptions.learningInput). */
  readonly thirdFactor: Float64Array;
  readonly graded: Float64Array;
  readonly needsInput: boolean;
  /**
   * Stochastic-rounding streams: one per (rule k, program core c) from the rule's own seed, at
   * coreRng[ruleRngBase[k] + c]: createRng(seed).fork(c) for the first rule (k = 0, the stream every
   * single-rule model had), createRng(seed).fork(c).fork(k) for the others, so rules with equal seeds are
   * still independent. A rule's rounding thus depends on its own seed, core and draws only (audit s24b #8:
   * every rule drew from one stream per core seeded by the first rule's seed, ignoring the others').
   */
  readonly coreRng: readonly Rng[];
  /** Per rule: the offset of its seed's streams in coreRng (its stream on core c: coreRng[ruleRngBase[r] + c]). */
  readonly ruleRngBase: Uint32Array;
  /** Program cores (coreRng holds coreCount streams per rule). */
  readonly coreCount: number;
  /** Total trace memory in bits (pre traces per input axon, delay and destination core; post traces per neuron). */
  readonly traceMemoryBits: number;
  /** Scratch value vector for rule evaluation. */
  readonly vec: Float64Array;
  /** Per rule: updates that changed a stored weight (see the header); written by the kernels and applyUpdate. */
  readonly weightChanges: Float64Array;
  /**
   * Per program core: the same weight changes by the core holding the synapse (Σ_c = Σ_rule weightChanges),
   * so a report billing learning on weight changes (ChipSpec.learningBilledOn "changes") can bill each core.
   */
  readonly weightChangesByCore: Float64Array;
  /** Per rule: 1 if its equations read the third factor m. */
  readonly readsThirdFactor: Uint8Array;
  /** Per rule: 1 once m ≠ 0 was supplied to one of its post neurons on a tick ≥ its thirdFactorFromTick (noteThirdFactor). */
  readonly thirdFactorSeen: Uint8Array;
  /**
   * Per rule that reads m: the (post neuron, tick) pairs with m ≠ 0 on ticks ≥ its thirdFactorFromTick (noteThirdFactor):
   * the non-zero values of the learning signal delivered to the engine, what broadcasting it costs. Not a chip counter.
   */
  readonly thirdFactorValues: Float64Array;
  /** Per rule: 1 if it has a graded post trace (S-TLLR's y1, y2). */
  readonly hasGradedTrace: Uint8Array;
  /**
   * Per rule with graded traces: 1 once a graded value g ≠ 0 (Ψ(u) of SimulateOptions.gradedPsi, or
   * learningInput's) drove one of them (addGradedTraces). 0 after a run: its graded traces stayed 0.
   */
  readonly gradedSeen: Uint8Array;
  /**
   * Per rule: plastic synapses whose weight, when the engine was built, lay outside [wMin, wMax], and the
   * largest distance of one from the nearer bound (0: none). Float weights keep such a weight until an
   * update clips it; with weightBits it was clipped onto the grid (buildLearningEngine). The report warns.
   */
  readonly initialOutsideBounds: Float64Array;
  readonly initialLargestExcess: Float64Array;
  /** Fast paths (learning-kernels.ts); everything below is derived from the fields above at build time. */
  readonly fast: FastPaths;
}

/** Generated kernels and the layout facts that let the hot phases run them over whole ranges. */
export interface FastPaths {
  /** Per rule: the x0, y0 and u kernels (undefined: no product on that gate). */
  readonly x0: ReadonlyArray<{ list: GateKernel; range: GateKernel } | undefined>;
  readonly y0: ReadonlyArray<{ list: GateKernel; range: GateKernel } | undefined>;
  readonly u: ReadonlyArray<{ list: GateKernel; range: GateKernel } | undefined>;
  /** Per group: the rule of all its synapses (−1: no plastic synapse, −2: mixed) and their common core (−1: several). */
  readonly groupRule: Int32Array;
  readonly groupCore: Int32Array;
  /** Per neuron: the rule and core shared by all plastic synapses onto it (−1 / −2 as above). */
  readonly postRule: Int32Array;
  readonly postCore: Int32Array;
  /** Per rule and core: plastic synapses (for bulk counting of u-phase updates), rules × cores. */
  readonly ruleCoreSyn: Float64Array;
  /** Per trace element (j·X + i, j·Y + i): decay factor, LSB (0 = float) and saturation. */
  readonly xDecay: Float64Array;
  readonly xLsb: Float64Array;
  readonly xMax: Float64Array;
  readonly yDecay: Float64Array;
  readonly yLsb: Float64Array;
  readonly yMax: Float64Array;
  /** Trace rows (j) present in some rule, and whether any present trace is quantised. */
  readonly xRows: number;
  readonly yRows: number;
  readonly quantisedTraces: boolean;
  /** Per trace element: whether its rule rounds stochastically. */
  readonly xStochastic: Uint8Array;
  readonly yStochastic: Uint8Array;
}

export function hasGeneralLearning(program: ChipProgram): boolean {
  return program.projections.some((p) => p.learning !== undefined);
}

function traceRuntime(lr: LearningRuleProgram, field: string): Pick<RuleRuntime, "xPresent" | "yPresent" | "xDecay" | "yDecay" | "xImpulse" | "yImpulse" | "xSet" | "ySet" | "yGraded" | "xLsb" | "yLsb" | "xMax" | "yMax" | "preTraceBits" | "postTraceBits"> {
  const xPresent = new Uint8Array(2);
  const yPresent = new Uint8Array(3);
  const xDecay = new Float64Array(2);
  const yDecay = new Float64Array(3);
  const xImpulse = new Float64Array(2);
  const yImpulse = new Float64Array(3);
  const xSet = new Uint8Array(2);
  const ySet = new Uint8Array(3);
  const yGraded = new Uint8Array(3);
  const xLsb = new Float64Array(2);
  const yLsb = new Float64Array(3);
  const xMax = new Float64Array(2).fill(Infinity);
  const yMax = new Float64Array(3).fill(Infinity);
  // A float trace (no bits) is a float64 here (ruleTraceSetBits with 64).
  const preTraceBits = ruleTraceSetBits(lr, true, 64);
  const postTraceBits = ruleTraceSetBits(lr, false, 64);
  for (const t of lr.traces) {
    const pre = t.trace.startsWith("x");
    const i = TRACE_INDEX[t.trace];
    if (pre && t.input === "graded") {
      throw new AerchipError("E_LEARNING_TRACE", `${field}: pre trace ${t.trace} is graded; only post traces (y1..y3) can be driven by a graded value`, { field: `${field}.traces`, hint: "use input \"spike\" for x1 and x2" });
    }
    // The trace's grid (chip/program/trace-grid.ts): default LSB impulse/(2^bits − 1) for `set`, impulse/2^max(0, bits − 3)
    // for `add`, with the impulse's sign: a negative-impulse trace holds k·lsb ≤ 0, k ∈ [0, 2^bits − 1], the mirror
    // image of the positive trace (roundTrace, clampJump). max is the saturation value (2^bits − 1)·lsb, of the same sign.
    const lsb = traceLsb(t);
    const max = t.bits === undefined ? Infinity : (2 ** t.bits - 1) * lsb;
    if (pre) {
      xPresent[i] = 1; xDecay[i] = t.decay; xImpulse[i] = t.impulse; xSet[i] = t.mode === "set" ? 1 : 0; xLsb[i] = lsb; xMax[i] = max;
    } else {
      yPresent[i] = 1; yDecay[i] = t.decay; yImpulse[i] = t.impulse; ySet[i] = t.mode === "set" ? 1 : 0; yGraded[i] = t.input === "graded" ? 1 : 0;
      yLsb[i] = lsb; yMax[i] = max;
    }
  }
  return { xPresent, yPresent, xDecay, yDecay, xImpulse, yImpulse, xSet, ySet, yGraded, xLsb, yLsb, xMax, yMax, preTraceBits, postTraceBits };
}

/** Largest weight width a power factor's lookup table covers (2^16 entries per factor). */
export const MAX_POWER_TABLE_WEIGHT_BITS = 16;

/**
 * A rule with a power factor (w ± C)^p: float weights evaluate it exactly; quantised weights (weightBits) read
 * a table over the 2^weightBits grid weights (learning-rule.ts PowerTable), which the compiler allows only on a
 * chip whose spec has one (precision.learningLutFractionBits, copied into the program as powerLutFractionBits).
 */
function powerTableOf(lr: LearningRuleProgram, rule: ParsedRule, wStep: number, field: string): PowerTable | undefined {
  if (wStep === 0 || !ruleHasPowerFactor(rule)) return undefined;
  const bits = lr.weightBits as number;
  if (lr.powerLutFractionBits === undefined) {
    throw new AerchipError("E_LEARNING_CLOSED_FORM", `${field}: the rule has a power or exponential of the weight, (w ± C)^p or exp(a·w + b), and ${bits}-bit weights; a sum-of-products learning engine (Loihi's) has no such factor`, {
      field: `${field}.weightBits`, hint: "drop weightBits (float weights evaluate the power exactly: the ideal mode), or compile for a chip whose learning engine has a lookup table (precision.learningLutFractionBits, e.g. the generic preset)",
    });
  }
  if (bits > MAX_POWER_TABLE_WEIGHT_BITS) {
    throw new AerchipError("E_LEARNING_CLOSED_FORM", `${field}: a power of the weight with ${bits}-bit weights needs a ${2 ** bits}-entry table; the engine models tables up to ${MAX_POWER_TABLE_WEIGHT_BITS}-bit weights`, {
      field: `${field}.weightBits`, hint: `use weightBits ≤ ${MAX_POWER_TABLE_WEIGHT_BITS}, or float weights`,
    });
  }
  return { w0: lr.wMin, step: wStep, entries: 2 ** bits, fractionBits: lr.powerLutFractionBits };
}

const SLOT_OF_TRACE: Readonly<Record<string, number>> = { x1: RuleSlot.x1, x2: RuleSlot.x2, y1: RuleSlot.y1, y2: RuleSlot.y2, y3: RuleSlot.y3 };

function buildRule(lr: LearningRuleProgram, field: string): Omit<RuleRuntime, "index"> {
  const parsed = lr.ruleTexts.map((text, i) => parseRule(text, { field: `${field}.ruleTexts[${i}]` }));
  const wStep = lr.weightBits === undefined ? 0 : (lr.wMax - lr.wMin) / (2 ** lr.weightBits - 1);
  // Every product is checked (targets, factors, traces, tables below), also one with a zero scale ...
  const written = parsed.map((p) => compileRule(p, powerTableOf(lr, p, wStep, field)));
  // ... but only the non-zero ones are programmed: a product S·D·ΠF with S = 0 adds nothing, so a compiler
  // leaves it out of the engine's sum of products, and its dependency then triggers no evaluation (and no
  // billed update) on its own; an equation left without products is not evaluated at all. This makes a rule
  // text with a zero coefficient, `dw = 2^-4*x1*y0 - 0*y1*x0`, the same program as the named rule with that
  // rate 0 (named-rules.ts `equation` drops it from the text), as model-format.md promises (audit s24b #10).
  const equations = parsed
    .map((p) => ({ target: p.target, products: p.products.filter((q) => q.scale.value !== 0) }))
    .filter((p) => p.products.length > 0)
    .map((p) => compileRule(p, powerTableOf(lr, p, wStep, field)));
  const targets = new Set<string>();
  for (const eq of written) {
    if (eq.target === "dd") throw new AerchipError("E_LEARNING_TARGET", `${field}: the engine does not learn delays (dd)`, { field: `${field}.ruleTexts`, hint: "learn dw and dt only" });
    if (targets.has(eq.target)) throw new AerchipError("E_LEARNING_TARGET", `${field}: two equations for ${eq.target}`, { field: `${field}.ruleTexts`, hint: "merge them into one sum of products" });
    targets.add(eq.target);
    if (eq.usedSlots.includes(RuleSlot.r0) || eq.usedSlots.includes(RuleSlot.r1) || eq.usedSlots.includes(RuleSlot.d)) {
      throw new AerchipError("E_LEARNING_FACTOR", `${field}: the rule reads r0, r1 or d, which this engine does not provide`, { field: `${field}.ruleTexts`, hint: "use the third factor m for reward; delays are not plastic" });
    }
  }
  const tr = traceRuntime(lr, field);
  // Every trace a rule reads must be declared.
  for (const eq of written) for (const slot of eq.usedSlots) {
    for (const [name, s] of Object.entries(SLOT_OF_TRACE)) {
      if (s !== slot) continue;
      const i = TRACE_INDEX[name as keyof typeof TRACE_INDEX];
      const present = name.startsWith("x") ? tr.xPresent[i] : tr.yPresent[i];
      if (present !== 1) throw new AerchipError("E_LEARNING_TRACE", `${field}: the rule reads ${name}, which has no trace definition`, { field: `${field}.traces`, hint: `add {trace: "${name}", decay, impulse, mode, input}` });
    }
  }
  let hasX0 = false;
  let hasY0 = false;
  let hasU = false;
  for (const eq of equations) for (let i = 0; i < eq.productCount; i++) {
    if (eq.depKind[i] === RuleGate.x0) hasX0 = true;
    else if (eq.depKind[i] === RuleGate.y0) hasY0 = true;
    else hasU = true;
  }
  return {
    program: lr, equations, hasX0, hasY0, hasU, ...tr, wStep, stochastic: lr.rounding === "stochastic",
    tagMin: lr.tagMin ?? -Infinity, tagMax: lr.tagMax ?? Infinity, fromTick: lr.thirdFactorFromTick ?? 0,
  };
}

export function buildLearningEngine(program: ChipProgram, st: SimState): LearningEngine {
  const N = st.neuronCount;
  const S = st.synTarget.length;
  const G = st.groupDelay.length;
  const P = program.projections.length;
  const projRule = new Int32Array(P).fill(-1);
  const rules: RuleRuntime[] = [];
  const yOffset = new Int32Array(P).fill(-1);
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  let Y = 0;
  const yRuleList: number[] = [];
  const yNeuronList: number[] = [];
  // Global neuron of each (population, index).
  const globalOf = program.populations.map((pop) => {
    const g = new Uint32Array(pop.size);
    return g;
  });
  for (let n = 0; n < N; n++) globalOf[st.populationOfNeuron[n]][st.indexInPopulation[n]] = n;
  program.projections.forEach((pr, k) => {
    if (pr.learning === undefined) return;
    if (pr.plasticity !== undefined) throw new AerchipError("E_LEARNING_MIXED", `projection "${pr.name}" has both a pair-STDP and a general learning rule`, { field: `projections[${k}]`, hint: "give one of plasticity or learning" });
    projRule[k] = rules.length;
    rules.push({ ...buildRule(pr.learning, `projections[${k}].learning`), index: rules.length });
    yOffset[k] = Y;
    const pi = popIndex.get(pr.post) ?? 0;
    const size = program.populations[pi].size;
    for (let i = 0; i < size; i++) { yRuleList.push(projRule[k]); yNeuronList.push(globalOf[pi][i]); }
    Y += size;
  });
  if (program.projections.some((p) => p.plasticity !== undefined) && rules.length > 0) {
    throw new AerchipError("E_LEARNING_MIXED", "the program mixes pair-STDP (plasticity) and general learning rules", { field: "projections", hint: "express the pair rule as a general rule (named-rules.ts pairStdp) or keep only pair STDP" });
  }
  const synRule = new Int32Array(S).fill(-1);
  const synX = new Uint32Array(S);
  const synY = new Uint32Array(S);
  const groupPlastic = new Uint8Array(G);
  const groupTraceStart = new Uint32Array(G + 1);
  const traceIds: number[] = [];
  const xRuleList: number[] = [];
  const xCoreList: number[] = [];
  const postCount = new Uint32Array(N + 1);
  const ruleCount = new Uint32Array(rules.length + 1);
  const local = new Map<number, number>();
  // Destination cores per pre trace (CSR over trace ids, which are allocated in order: traceIds[i] = i).
  const xCorePtrList: number[] = [0];
  const xCoresList: number[] = [];
  const coreMark = new Int32Array(program.cores.length).fill(-1);
  for (let g = 0; g < G; g++) {
    groupTraceStart[g] = traceIds.length;
    local.clear();
    for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
      const k = st.synProjection[s];
      const r = projRule[k];
      if (r < 0) continue;
      let id = local.get(k);
      if (id === undefined) {
        id = xRuleList.length;
        local.set(k, id);
        traceIds.push(id);
        xRuleList.push(r);
        xCoreList.push(st.synCore[s]);
      }
      synRule[s] = r;
      synX[s] = id;
      synY[s] = yOffset[k] + st.indexInPopulation[st.synTarget[s]];
      groupPlastic[g] = 1;
      postCount[st.synTarget[s] + 1]++;
      ruleCount[r + 1]++;
    }
    for (let id = groupTraceStart[g]; id < traceIds.length; id++) {
      for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
        if (synRule[s] < 0 || synX[s] !== id) continue;
        const c = st.synCore[s];
        if (coreMark[c] !== id) { coreMark[c] = id; xCoresList.push(c); }
      }
      xCorePtrList.push(xCoresList.length);
    }
  }
  groupTraceStart[G] = traceIds.length;
  for (let n = 0; n < N; n++) postCount[n + 1] += postCount[n];
  const postPtr = postCount;
  const fill = postPtr.slice(0, N);
  const postSyn = new Uint32Array(postPtr[N]);
  for (let r = 0; r < rules.length; r++) ruleCount[r + 1] += ruleCount[r];
  const ruleSynPtr = ruleCount;
  const rfill = ruleSynPtr.slice(0, rules.length);
  const ruleSyn = new Uint32Array(ruleSynPtr[rules.length]);
  for (let s = 0; s < S; s++) {
    if (synRule[s] < 0) continue;
    postSyn[fill[st.synTarget[s]]++] = s;
    ruleSyn[rfill[synRule[s]]++] = s;
  }
  // Post slots per neuron.
  const neuronYPtr = new Uint32Array(N + 1);
  const perNeuron: number[][] = Array.from({ length: N }, () => []);
  for (let slot = 0; slot < Y; slot++) perNeuron[yNeuronList[slot]].push(slot);
  const slots: number[] = [];
  for (let n = 0; n < N; n++) { for (const sl of perNeuron[n]) slots.push(sl); neuronYPtr[n + 1] = slots.length; }
  const usesTag = rules.some((r) => r.equations.some((e) => e.target === "dt" || e.usedSlots.includes(RuleSlot.t)));
  const needsInput = rules.some((r) => r.yGraded.some((v) => v === 1) || r.equations.some((e) => e.usedSlots.includes(RuleSlot.m)));
  const X = xRuleList.length;
  let traceMemoryBits = 0;
  // A pre trace set per (source, delay, projection, destination core): each core keeps its copy with its input axons.
  for (let i = 0; i < X; i++) traceMemoryBits += rules[xRuleList[i]].preTraceBits * (xCorePtrList[i + 1] - xCorePtrList[i]);
  for (let i = 0; i < Y; i++) traceMemoryBits += rules[yRuleList[i]].postTraceBits;
  // One rounding stream per (rule, core), from the rule's own seed (see LearningEngine.coreRng).
  const C = program.cores.length;
  const ruleRngBase = Uint32Array.from(rules, (_, k) => k * C);
  const coreRng = rules.length === 0
    ? program.cores.map((cp) => createRng(0).fork(cp.coreId))
    : rules.flatMap((r, k) => program.cores.map((cp) => (k === 0 ? createRng(r.program.seed).fork(cp.coreId) : createRng(r.program.seed).fork(cp.coreId).fork(k))));
  const x = new Float64Array(2 * X);
  const y = new Float64Array(3 * Y);
  const tag = new Float64Array(usesTag ? S : 0);
  const thirdFactor = new Float64Array(N);
  const xRule = Uint32Array.from(xRuleList);
  const yRule = Uint32Array.from(yRuleList);
  const xCore = Uint32Array.from(xCoreList);
  const yCore = Uint32Array.from(yNeuronList, (n) => st.coreOfNeuron[n]);
  const weightChanges = new Float64Array(rules.length);
  const weightChangesByCore = new Float64Array(program.cores.length);
  const fast = buildFastPaths(rules, st, { x, y, X, Y, synX, synY, synTarget: st.synTarget, synCore: st.synCore, tag, thirdFactor, coreRng, weightChanges, weightChangesByCore }, {
    synRule, postPtr, postSyn, ruleSynPtr, ruleSyn, xRule, yRule, coreCount: program.cores.length, ruleRngBase,
  });
  const initialOutsideBounds = new Float64Array(rules.length);
  const initialLargestExcess = new Float64Array(rules.length);
  const engine: LearningEngine = {
    rules, projRule, synRule, synX, synY, tag,
    groupPlastic, groupTraceStart, groupTraceId: Uint32Array.from(traceIds),
    x, xRule, xCore, xCorePtr: Uint32Array.from(xCorePtrList), xCores: Uint32Array.from(xCoresList),
    y, yRule, yNeuron: Uint32Array.from(yNeuronList), yCore,
    postPtr, postSyn, neuronYPtr, neuronYSlot: Uint32Array.from(slots), ruleSynPtr, ruleSyn,
    xFlag: new Uint8Array(X), yFlag: new Uint8Array(Y),
    thirdFactor, graded: new Float64Array(N), needsInput,
    coreRng, ruleRngBase, coreCount: C, traceMemoryBits, vec: new Float64Array(RULE_SLOT_COUNT),
    weightChanges, weightChangesByCore,
    readsThirdFactor: Uint8Array.from(rules, (r) => (r.equations.some((e) => e.usedSlots.includes(RuleSlot.m)) ? 1 : 0)),
    thirdFactorSeen: new Uint8Array(rules.length),
    thirdFactorValues: new Float64Array(rules.length),
    hasGradedTrace: Uint8Array.from(rules, (r) => (r.yGraded.some((v) => v === 1) ? 1 : 0)),
    gradedSeen: new Uint8Array(rules.length),
    initialOutsideBounds, initialLargestExcess,
    fast,
  };
  // Starting weights (audit s23d #1). Float weights (no weightBits) keep the value the program gives, also
  // outside [wMin, wMax]: the clip belongs to an update, w ← clip(w + Δw, wMin, wMax), as in snnref-1's P2
  // ("w read at arrival") and Brian2, and as the pair-STDP path (plasticity.ts) does. With weightBits the
  // weight memory holds only the grid wMin + k·wStep, k = 0 … 2^b − 1, so the starting weight is quantised
  // onto it: clipped into [wMin, wMax], then rounded to the nearest grid point. Either way the synapses
  // that start outside the bounds are counted per rule (initialOutsideBounds; the report warns).
  for (let s = 0; s < S; s++) {
    const r = synRule[s];
    if (r < 0) continue;
    const rr = rules[r];
    const w0 = st.synWeight[s];
    if (w0 < rr.program.wMin || w0 > rr.program.wMax) {
      initialOutsideBounds[r]++;
      initialLargestExcess[r] = Math.max(initialLargestExcess[r], w0 < rr.program.wMin ? rr.program.wMin - w0 : w0 - rr.program.wMax);
    }
    if (rr.wStep === 0) continue;
    const w = Math.min(Math.max(w0, rr.program.wMin), rr.program.wMax);
    st.synWeight[s] = rr.program.wMin + Math.round((w - rr.program.wMin) / rr.wStep) * rr.wStep;
  }
  return engine;
}

interface FastLayout {
  readonly synRule: Int32Array;
  readonly postPtr: Uint32Array;
  readonly postSyn: Uint32Array;
  readonly ruleSynPtr: Uint32Array;
  readonly ruleSyn: Uint32Array;
  readonly xRule: Uint32Array;
  readonly yRule: Uint32Array;
  readonly coreCount: number;
  readonly ruleRngBase: Uint32Array;
}

/** Common value of f(i) over [lo, hi) with f(i) ≥ 0 (−1: empty range, −2: values differ). */
function commonValue(lo: number, hi: number, f: (i: number) => number): number {
  let v = -1;
  for (let i = lo; i < hi; i++) {
    const k = f(i);
    if (k < 0) continue;
    if (v === -1) v = k; else if (v !== k) return -2;
  }
  return v;
}

function buildFastPaths(rules: readonly RuleRuntime[], st: SimState, env: KernelEnv, lay: FastLayout): FastPaths {
  const kernelsOf = (gate: RuleGate) => rules.map((r) => (r.program.epochTicks === 1 ? buildGateKernels({
    equations: r.equations, wMin: r.program.wMin, wMax: r.program.wMax, wStep: r.wStep, stochastic: r.stochastic,
    tagMin: r.tagMin, tagMax: r.tagMax, fromTick: r.fromTick, changeSlot: r.index, rngBase: lay.ruleRngBase[r.index],
  }, gate, env) : undefined));
  const G = st.groupDelay.length;
  const N = st.neuronCount;
  const { synRule, postPtr, postSyn, ruleSynPtr, ruleSyn, xRule, yRule } = lay;
  const groupRule = new Int32Array(G);
  const groupCore = new Int32Array(G);
  for (let g = 0; g < G; g++) {
    const lo = st.groupSynStart[g];
    const hi = st.groupSynStart[g + 1];
    // A group is uniform only if every synapse in it is plastic under the same rule.
    let allPlastic = true;
    for (let s = lo; s < hi; s++) if (synRule[s] < 0) { allPlastic = false; break; }
    const r = commonValue(lo, hi, (s) => synRule[s]);
    groupRule[g] = r >= 0 && !allPlastic ? -2 : r;
    const c = commonValue(lo, hi, (s) => st.synCore[s]);
    groupCore[g] = c < 0 ? -1 : c;
  }
  const postRule = new Int32Array(N);
  const postCore = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    postRule[n] = commonValue(postPtr[n], postPtr[n + 1], (i) => synRule[postSyn[i]]);
    const c = commonValue(postPtr[n], postPtr[n + 1], (i) => st.synCore[postSyn[i]]);
    postCore[n] = c < 0 ? -1 : c;
  }
  const C = lay.coreCount;
  const ruleCoreSyn = new Float64Array(rules.length * C);
  for (let r = 0; r < rules.length; r++) for (let i = ruleSynPtr[r]; i < ruleSynPtr[r + 1]; i++) ruleCoreSyn[r * C + st.synCore[ruleSyn[i]]]++;
  const X = env.X;
  const Y = env.Y;
  const xDecay = new Float64Array(2 * X);
  const xLsb = new Float64Array(2 * X);
  const xMax = new Float64Array(2 * X);
  const xStochastic = new Uint8Array(2 * X);
  const yDecay = new Float64Array(3 * Y);
  const yLsb = new Float64Array(3 * Y);
  const yMax = new Float64Array(3 * Y);
  const yStochastic = new Uint8Array(3 * Y);
  let xRows = 0;
  let yRows = 0;
  let quantisedTraces = false;
  for (let j = 0; j < 2; j++) for (let i = 0; i < X; i++) {
    const r = rules[xRule[i]];
    if (r.xPresent[j] === 0) continue;
    const o = j * X + i;
    xDecay[o] = r.xDecay[j]; xLsb[o] = r.xLsb[j]; xMax[o] = r.xMax[j]; xStochastic[o] = r.stochastic ? 1 : 0;
    xRows = Math.max(xRows, j + 1);
    if (r.xLsb[j] !== 0) quantisedTraces = true;
  }
  for (let j = 0; j < 3; j++) for (let i = 0; i < Y; i++) {
    const r = rules[yRule[i]];
    if (r.yPresent[j] === 0) continue;
    const o = j * Y + i;
    yDecay[o] = r.yDecay[j]; yLsb[o] = r.yLsb[j]; yMax[o] = r.yMax[j]; yStochastic[o] = r.stochastic ? 1 : 0;
    yRows = Math.max(yRows, j + 1);
    if (r.yLsb[j] !== 0) quantisedTraces = true;
  }
  return {
    x0: kernelsOf(RuleGate.x0), y0: kernelsOf(RuleGate.y0), u: kernelsOf(RuleGate.u),
    groupRule, groupCore, postRule, postCore, ruleCoreSyn,
    xDecay, xLsb, xMax, yDecay, yLsb, yMax, xRows, yRows, quantisedTraces, xStochastic, yStochastic,
  };
}

/** Zeroes every trace, flag and tag (the state reset between samples); weights are kept. */
export function resetLearningState(le: LearningEngine): void {
  le.x.fill(0);
  le.y.fill(0);
  le.tag.fill(0);
  le.xFlag.fill(0);
  le.yFlag.fill(0);
  le.thirdFactor.fill(0);
  le.graded.fill(0);
}

/**
 * After the host wrote this tick's third factor (SimulateOptions.learningInput): for each rule that reads m,
 * on its learning ticks (≥ its thirdFactorFromTick, before which the kernels read m as 0; for an epoch-batched
 * rule only the last tick of each epoch, the one tick it reads m), counts its post neurons with m ≠ 0
 * (thirdFactorValues: the values the learning signal delivered to the engine this tick) and marks the rule
 * once one was (thirdFactorSeen). One pass over the post-neuron slots per tick: no per-synapse work.
 */
export function noteThirdFactor(le: LearningEngine, tick: number): void {
  const { rules, readsThirdFactor, thirdFactorSeen, thirdFactorValues, yRule, yNeuron, thirdFactor } = le;
  for (let slot = 0; slot < yRule.length; slot++) {
    const ri = yRule[slot];
    if (readsThirdFactor[ri] === 0 || tick < rules[ri].fromTick || thirdFactor[yNeuron[slot]] === 0) continue;
    // An epoch-batched rule (epochTicks E > 1) reads m only at the last tick of each epoch (learnEpochEnd).
    const E = rules[ri].program.epochTicks;
    if (E > 1 && (tick + 1) % E !== 0) continue;
    thirdFactorValues[ri]++;
    thirdFactorSeen[ri] = 1;
  }
}

/**
 * Rounds z onto the grid k·lsb, k ∈ [0, 2^bits − 1] (nearest, or stochastic with the core's stream), and saturates
 * at max = (2^bits − 1)·lsb. lsb has the sign of the trace's impulse, so q = z/lsb is the magnitude in LSBs for
 * either sign and a negative trace is rounded and saturated exactly as its positive mirror image (audit s24b #9:
 * comparing v > max with a negative max pinned every value at max).
 */
function roundTrace(z: number, lsb: number, max: number, stochastic: boolean, rng: Rng): number {
  if (lsb === 0) return z;
  const q = z / lsb;
  let k: number;
  if (stochastic) {
    const f = Math.floor(q);
    k = f + (rng.nextFloat() < q - f ? 1 : 0);
  } else k = Math.round(q);
  if (k <= 0) return 0;
  const v = k * lsb;
  return lsb > 0 ? (v > max ? max : v) : (v < max ? max : v);
}

/** A trace's jump z (z + impulse, impulse, or z + impulse·g) saturated at max, on the side of the impulse's sign (lsb < 0: a negative trace). */
function clampJump(z: number, lsb: number, max: number): number {
  return lsb < 0 ? (z < max ? max : z) : (z > max ? max : z);
}

/**
 * Step 1 of every tick: z ← decay·z for every non-zero trace (rounded when quantised), counted per core (a pre
 * trace once per destination core keeping a copy).
 * Traces are visited row by row (x1 then x2, y1..y3), each in index order, so stochastic trace
 * rounding draws from each core's stream in a fixed order.
 */
export function decayTraces(le: LearningEngine, tickCore: Float64Array, K: number): void {
  const { x, y, xCore, xCorePtr, xCores, yCore, xRule, yRule, coreRng, ruleRngBase, fast } = le;
  const X = xCore.length;
  const Y = yCore.length;
  const LTU = CounterKind.learnTraceUpdates;
  const { xDecay, yDecay } = fast;
  if (!fast.quantisedTraces) {
    for (let j = 0, o = 0; j < fast.xRows; j++) {
      for (let i = 0; i < X; i++, o++) {
        const z = x[o];
        if (z === 0) continue;
        x[o] = z * xDecay[o];
        for (let p = xCorePtr[i]; p < xCorePtr[i + 1]; p++) tickCore[xCores[p] * K + LTU]++;
      }
    }
    for (let j = 0, o = 0; j < fast.yRows; j++) {
      for (let i = 0; i < Y; i++, o++) {
        const z = y[o];
        if (z === 0) continue;
        y[o] = z * yDecay[o];
        tickCore[yCore[i] * K + LTU]++;
      }
    }
    return;
  }
  const { xLsb, xMax, yLsb, yMax, xStochastic, yStochastic } = fast;
  for (let j = 0, o = 0; j < fast.xRows; j++) {
    for (let i = 0; i < X; i++, o++) {
      const z = x[o];
      if (z === 0) continue;
      x[o] = roundTrace(z * xDecay[o], xLsb[o], xMax[o], xStochastic[o] === 1, coreRng[ruleRngBase[xRule[i]] + xCore[i]]);
      for (let p = xCorePtr[i]; p < xCorePtr[i + 1]; p++) tickCore[xCores[p] * K + LTU]++;
    }
  }
  for (let j = 0, o = 0; j < fast.yRows; j++) {
    for (let i = 0; i < Y; i++, o++) {
      const z = y[o];
      if (z === 0) continue;
      y[o] = roundTrace(z * yDecay[o], yLsb[o], yMax[o], yStochastic[o] === 1, coreRng[ruleRngBase[yRule[i]] + yCore[i]]);
      tickCore[yCore[i] * K + LTU]++;
    }
  }
}

/** Loads synapse s's factors into the value vector (x0/y0 set by the caller). */
function loadValues(le: LearningEngine, s: number, w: number, tick: number, r: RuleRuntime, vec: Float64Array, postNeuron: number): void {
  const X = le.xRule.length;
  const Y = le.yRule.length;
  const xi = le.synX[s];
  const yi = le.synY[s];
  vec[RuleSlot.x1] = le.x[xi];
  vec[RuleSlot.x2] = le.x[X + xi];
  vec[RuleSlot.y1] = le.y[yi];
  vec[RuleSlot.y2] = le.y[Y + yi];
  vec[RuleSlot.y3] = le.y[2 * Y + yi];
  vec[RuleSlot.w] = w;
  vec[RuleSlot.t] = le.tag.length > 0 ? le.tag[s] : 0;
  vec[RuleSlot.m] = tick >= r.fromTick ? le.thirdFactor[postNeuron] : 0;
}

/** Applies dw (clip, round onto the weight grid) and dt (clip) to synapse s. */
function applyUpdate(le: LearningEngine, r: RuleRuntime, s: number, synWeight: Float64Array, dw: number, dt: number, core: number): void {
  const lo = r.program.wMin;
  const hi = r.program.wMax;
  // An update is w ← clip(w + dw): with dw = 0 it is skipped unless the weight lies outside the bounds (a
  // float starting weight, kept until the rule's first update: buildLearningEngine), which any update clips,
  // dw = 0 included, as Brian2's w = clip(w + Δ, 0, wmax) and the stdp path do.
  const w0 = synWeight[s];
  if (dw !== 0 || w0 < lo || w0 > hi) {
    let w = w0 + dw;
    if (w < lo) w = lo; else if (w > hi) w = hi;
    if (r.wStep > 0) {
      const q = (w - lo) / r.wStep;
      let k: number;
      if (r.stochastic) {
        const f = Math.floor(q);
        k = f + (le.coreRng[le.ruleRngBase[r.index] + core].nextFloat() < q - f ? 1 : 0);
      } else k = Math.round(q);
      w = lo + k * r.wStep;
      if (w > hi) w = hi;
    }
    if (w !== synWeight[s]) { le.weightChanges[r.index]++; le.weightChangesByCore[core]++; }
    synWeight[s] = w;
  }
  if (dt !== 0) {
    let t = le.tag[s] + dt;
    if (t < r.tagMin) t = r.tagMin; else if (t > r.tagMax) t = r.tagMax;
    le.tag[s] = t;
  }
}

/** Evaluates gate `gate` of rule r on synapse s and applies it; adds rule evaluations to `tickCore`. */
function evaluateGateOn(le: LearningEngine, r: RuleRuntime, s: number, gate: RuleGate, epoch: number, tick: number, synWeight: Float64Array, synTarget: Uint32Array, synCore: Uint32Array, tickCore: Float64Array, K: number): void {
  const vec = le.vec;
  loadValues(le, s, synWeight[s], tick, r, vec, synTarget[s]);
  let dw = 0;
  let dt = 0;
  const eqs = r.equations;
  for (let e = 0; e < eqs.length; e++) {
    const v = eqs[e].evaluateGate(vec, gate, epoch);
    if (eqs[e].target === "dw") dw += v; else dt += v;
  }
  const c = synCore[s];
  applyUpdate(le, r, s, synWeight, dw, dt, c);
  tickCore[c * K + CounterKind.synUpdates]++;
  tickCore[c * K + CounterKind.learnRuleEvaluations] += eqs.length;
}

/**
 * A group with general-rule synapses arrives: each synapse adds its weight as read (to acc, or with `cond` to
 * the conductance its sign picks when the target is a lifCond neuron); then (E = 1) the x0
 * products are applied, or (E > 1) the pre flag is set; finally the group's pre traces jump.
 */
export function deliverLearningGroup(
  le: LearningEngine, g: number, lo: number, hi: number, tick: number, acc: Float64Array, synTarget: Uint32Array,
  synWeight: Float64Array, synCore: Uint32Array, tickCore: Float64Array, K: number, cond?: CondState,
): void {
  const { synRule, rules, fast } = le;
  // Onto conductance-based (lifCond) targets the weight goes into g_e / g_i (cond.ts), one synapse at a time
  // in the static path's order; without such neurons the loop is the one it always was.
  if (cond !== undefined) deliverCondRange(cond, lo, hi, synTarget, synWeight, acc, undefined);
  else for (let s = lo; s < hi; s++) acc[synTarget[s]] += synWeight[s];
  const gr = fast.groupRule[g];
  if (gr >= 0) {
    // Every synapse of the group is plastic under rule gr: one generated loop (weights were read above,
    // before any update, as the interpreter reads each synapse's weight before updating it).
    const r = rules[gr];
    const kern = fast.x0[gr];
    if (kern !== undefined) {
      kern.range(le.postSyn, lo, hi, synWeight, tick, tick);
      countUpdates(tickCore, K, fast.groupCore[g], lo, hi, undefined, synCore, r.equations.length);
    }
  } else if (gr === -2) {
    for (let s = lo; s < hi; s++) {
      const ri = synRule[s];
      if (ri < 0) continue;
      const r = rules[ri];
      if (r.program.epochTicks === 1 && r.hasX0) evaluateGateOn(le, r, s, RuleGate.x0, tick, tick, synWeight, synTarget, synCore, tickCore, K);
    }
  }
  const X = le.xRule.length;
  for (let i = le.groupTraceStart[g]; i < le.groupTraceStart[g + 1]; i++) {
    const id = le.groupTraceId[i];
    const r = rules[le.xRule[id]];
    le.xFlag[id] = 1;
    for (let j = 0; j < 2; j++) {
      if (r.xPresent[j] === 0) continue;
      const o = j * X + id;
      const z = r.xSet[j] === 1 ? r.xImpulse[j] : le.x[o] + r.xImpulse[j];
      le.x[o] = clampJump(z, r.xLsb[j], r.xMax[j]);
      // One update per destination core's copy (see the header).
      for (let p = le.xCorePtr[id]; p < le.xCorePtr[id + 1]; p++) tickCore[le.xCores[p] * K + CounterKind.learnTraceUpdates]++;
    }
  }
}

/** Counts one synaptic update and `evals` rule evaluations per synapse of a range (bulk when they share core `core` ≥ 0). */
function countUpdates(tickCore: Float64Array, K: number, core: number, from: number, to: number, list: Uint32Array | undefined, synCore: Uint32Array, evals: number): void {
  if (core >= 0) {
    tickCore[core * K + CounterKind.synUpdates] += to - from;
    tickCore[core * K + CounterKind.learnRuleEvaluations] += (to - from) * evals;
    return;
  }
  for (let i = from; i < to; i++) {
    const c = synCore[list === undefined ? i : list[i]];
    tickCore[c * K + CounterKind.synUpdates]++;
    tickCore[c * K + CounterKind.learnRuleEvaluations] += evals;
  }
}

/** Post spikes: (E = 1) y0 products on every plastic synapse onto each fired neuron, then its spike-driven post traces jump. */
export function learnOnPostSpikes(
  le: LearningEngine, fired: Uint32Array, nFired: number, tick: number, synWeight: Float64Array, synTarget: Uint32Array,
  synCore: Uint32Array, coreOfNeuron: Uint32Array, tickCore: Float64Array, K: number,
): void {
  const { postPtr, postSyn, synRule, rules, neuronYPtr, neuronYSlot, yRule, y } = le;
  const Y = yRule.length;
  const fast = le.fast;
  for (let f = 0; f < nFired; f++) {
    const n = fired[f];
    const pr = fast.postRule[n];
    if (pr >= 0) {
      const kern = fast.y0[pr];
      if (kern !== undefined) {
        kern.list(postSyn, postPtr[n], postPtr[n + 1], synWeight, tick, tick);
        countUpdates(tickCore, K, fast.postCore[n], postPtr[n], postPtr[n + 1], postSyn, synCore, rules[pr].equations.length);
      }
    } else if (pr === -2) {
      for (let i = postPtr[n]; i < postPtr[n + 1]; i++) {
        const s = postSyn[i];
        const r = rules[synRule[s]];
        if (r.program.epochTicks === 1 && r.hasY0) evaluateGateOn(le, r, s, RuleGate.y0, tick, tick, synWeight, synTarget, synCore, tickCore, K);
      }
    }
    for (let i = neuronYPtr[n]; i < neuronYPtr[n + 1]; i++) {
      const slot = neuronYSlot[i];
      const r = rules[yRule[slot]];
      le.yFlag[slot] = 1;
      for (let j = 0; j < 3; j++) {
        if (r.yPresent[j] === 0 || r.yGraded[j] === 1) continue;
        const o = j * Y + slot;
        const z = r.ySet[j] === 1 ? r.yImpulse[j] : y[o] + r.yImpulse[j];
        y[o] = clampJump(z, r.yLsb[j], r.yMax[j]);
        tickCore[coreOfNeuron[n] * K + CounterKind.learnTraceUpdates]++;
      }
    }
  }
}

/** Graded post traces: y ← y + impulse·g_n[t] (every tick, after the post phase). */
export function addGradedTraces(le: LearningEngine, coreOfNeuron: Uint32Array, tickCore: Float64Array, K: number): void {
  const { yRule, yNeuron, rules, y, graded, gradedSeen } = le;
  const Y = yRule.length;
  for (let slot = 0; slot < Y; slot++) {
    const r = rules[yRule[slot]];
    const gv = graded[yNeuron[slot]];
    if (gv !== 0) gradedSeen[yRule[slot]] = 1;
    for (let j = 0; j < 3; j++) {
      if (r.yGraded[j] === 0) continue;
      const o = j * Y + slot;
      const z = y[o] + r.yImpulse[j] * gv;
      y[o] = clampJump(z, r.yLsb[j], r.yMax[j]);
      tickCore[coreOfNeuron[yNeuron[slot]] * K + CounterKind.learnTraceUpdates]++;
    }
  }
}

/** Whether any u<k> product of the rule is active in this epoch (epoch mod 2^k = 0). */
function uActiveAt(r: RuleRuntime, epoch: number): boolean {
  for (const eq of r.equations) for (let p = 0; p < eq.productCount; p++) if (eq.depKind[p] === RuleGate.u && epoch % eq.depPeriod[p] === 0) return true;
  return false;
}

/**
 * End of tick t: (E = 1) u products on every plastic synapse of rules that have them; (E > 1, last
 * tick of an epoch) one evaluation of every synapse with an active dependency, then the flags clear.
 */
export function learnEpochEnd(le: LearningEngine, tick: number, synWeight: Float64Array, synTarget: Uint32Array, synCore: Uint32Array, tickCore: Float64Array, K: number): void {
  const { rules, ruleSynPtr, ruleSyn, synX, synY, xFlag, yFlag, vec } = le;
  for (let ri = 0; ri < rules.length; ri++) {
    const r = rules[ri];
    const E = r.program.epochTicks;
    if (E === 1) {
      const kern = le.fast.u[ri];
      if (kern === undefined) continue;
      // A u<k> product is active when epoch mod 2^k = 0 (learning.md §1; epoch = tick here): on the other
      // ticks nothing is evaluated, so nothing is billed, as in the E > 1 branch below. Skipping the kernel
      // leaves the weights as they were: with no active product dw = 0, and the one write it could still
      // make (clipping a starting weight outside [wMin, wMax]) is made at tick 0, where every u<k> is active.
      if (!uActiveAt(r, tick)) continue;
      kern.list(ruleSyn, ruleSynPtr[ri], ruleSynPtr[ri + 1], synWeight, tick, tick);
      const C = le.coreCount;
      for (let c = 0; c < C; c++) {
        const n = le.fast.ruleCoreSyn[ri * C + c];
        if (n === 0) continue;
        tickCore[c * K + CounterKind.synUpdates] += n;
        tickCore[c * K + CounterKind.learnRuleEvaluations] += n * r.equations.length;
      }
      continue;
    }
    if ((tick + 1) % E !== 0) continue;
    const epoch = Math.floor(tick / E);
    const uActive = uActiveAt(r, epoch);
    for (let i = ruleSynPtr[ri]; i < ruleSynPtr[ri + 1]; i++) {
      const s = ruleSyn[i];
      const x0 = xFlag[synX[s]];
      const y0 = yFlag[synY[s]];
      if (x0 === 0 && y0 === 0 && !uActive) continue;
      loadValues(le, s, synWeight[s], tick, r, vec, synTarget[s]);
      vec[RuleSlot.x0] = x0;
      vec[RuleSlot.y0] = y0;
      let dw = 0;
      let dt = 0;
      for (const eq of r.equations) {
        const v = eq.evaluate(vec, epoch);
        if (eq.target === "dw") dw += v; else dt += v;
      }
      const c = synCore[s];
      applyUpdate(le, r, s, synWeight, dw, dt, c);
      tickCore[c * K + CounterKind.synUpdates]++;
      tickCore[c * K + CounterKind.learnRuleEvaluations] += r.equations.length;
    }
    vec[RuleSlot.x0] = 0;
    vec[RuleSlot.y0] = 0;
    for (let i = 0; i < xFlag.length; i++) if (le.xRule[i] === ri) xFlag[i] = 0;
    for (let i = 0; i < yFlag.length; i++) if (le.yRule[i] === ri) yFlag[i] = 0;
  }
}

/** `tag-at-sample-end` rules: w ← w + t (clipped, rounded), t ← 0, at the end of a run. */
export function applyTagsAtRunEnd(le: LearningEngine, synWeight: Float64Array, synCore: Uint32Array): void {
  const { rules, ruleSynPtr, ruleSyn, tag } = le;
  if (tag.length === 0) return;
  for (let ri = 0; ri < rules.length; ri++) {
    const r = rules[ri];
    if (r.program.apply !== "tag-at-sample-end") continue;
    for (let i = ruleSynPtr[ri]; i < ruleSynPtr[ri + 1]; i++) {
      const s = ruleSyn[i];
      const t = tag[s];
      tag[s] = 0;
      applyUpdate(le, r, s, synWeight, t, 0, synCore[s]);
    }
  }
}

/** Model synapse index of every simulator synapse (−1 when not under a general rule), cached per state. */
const modelIndexCache = new WeakMap<SimState, Int32Array>();

function modelIndexOf(program: ChipProgram, st: SimState): Int32Array {
  let idx = modelIndexCache.get(st);
  if (idx !== undefined && idx.length === st.synTarget.length) return idx;
  idx = new Int32Array(st.synTarget.length).fill(-1);
  for (let s = 0; s < st.synTarget.length; s++) {
    if (program.projections[st.synProjection[s]].learning === undefined) continue;
    idx[s] = program.cores[st.synCore[s]].crossbar.synIndex[st.synLocal[s]];
  }
  modelIndexCache.set(st, idx);
  return idx;
}

/** Weights of every general-rule projection, in the model's synapse order. */
export function readLearningWeights(program: ChipProgram, st: SimState): Map<string, Float64Array> {
  const arrays = program.projections.map((pr) => (pr.learning === undefined ? undefined : new Float64Array(pr.synapseCount)));
  const idx = modelIndexOf(program, st);
  const { synProjection, synWeight } = st;
  for (let s = 0; s < idx.length; s++) {
    const i = idx[s];
    if (i >= 0) arrays[synProjection[s]]![i] = synWeight[s];
  }
  const out = new Map<string, Float64Array>();
  program.projections.forEach((pr, k) => { const a = arrays[k]; if (a !== undefined) out.set(pr.name, a); });
  return out;
}

/**
 * Per-neuron weight normalisation of one projection (Diehl & Cook): for every post neuron j,
 * w_ij ← w_ij·target/Σ_i w_ij, then clipped and rounded onto the weight grid. Returns the weights touched.
 */
export function normaliseIncoming(le: LearningEngine, st: SimState, projection: number, target: number): number {
  const ri = le.projRule[projection];
  if (ri < 0) throw new AerchipError("E_LEARNING_NORMALISE", `projection ${projection} has no general learning rule`, { field: "projection", hint: "normalise a projection with a `learning` rule" });
  const r = le.rules[ri];
  const { postPtr, postSyn } = le;
  const { synProjection, synCore } = st;
  const w = st.synWeight;
  // applyUpdate(dw = w·f − w), inlined: clip to [lo, hi], then round onto lo + k·step.
  const lo = r.program.wMin;
  const hi = r.program.wMax;
  const step = r.wStep;
  const stochastic = r.stochastic;
  const rng = le.coreRng;
  const rngBase = le.ruleRngBase[ri];
  let ops = 0;
  for (let n = 0; n < st.neuronCount; n++) {
    let sum = 0;
    let count = 0;
    const i0 = postPtr[n];
    const i1 = postPtr[n + 1];
    for (let i = i0; i < i1; i++) {
      const s = postSyn[i];
      if (synProjection[s] !== projection) continue;
      sum += w[s];
      count++;
    }
    if (count === 0 || sum <= 0) continue;
    const f = target / sum;
    for (let i = i0; i < i1; i++) {
      const s = postSyn[i];
      if (synProjection[s] !== projection) continue;
      const dw = w[s] * f - w[s];
      if (dw === 0) continue;
      let nw = w[s] + dw;
      if (nw < lo) nw = lo; else if (nw > hi) nw = hi;
      if (step > 0) {
        const q = (nw - lo) / step;
        let k: number;
        if (stochastic) {
          const fq = Math.floor(q);
          k = fq + (rng[rngBase + synCore[s]].nextFloat() < q - fq ? 1 : 0);
        } else k = Math.round(q);
        nw = lo + k * step;
        if (nw > hi) nw = hi;
      }
      w[s] = nw;
    }
    ops += 2 * count;
  }
  return ops;
}
