/**
 * Front end for `snnref-1` JSON networks (../shared/fixtures/snnref/README.md): the reference
 * format whose cases carry exact expected spikes from Brian2.
 *
 * Mapping onto the chip's compartment (chip/program/types.ts):
 *   snnref  v ← ((decay·v) + I) + bias      →  voltageDecay = decay, currentDecay = 0, inputGain = 1
 *   reset "zero" → ResetMode.zero with vReset = 0; "subtract" → ResetMode.subtract
 *   refractory R → refractoryTicks = R (frozen, input discarded)
 * `tau` resolves to exp(−1/tau) (null / "inf" → 1).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { ResetMode, ThresholdOp } from "../../chip/program/types.ts";
import type { KernelIR, ModelGraph, PairStdpIR, PopulationIR, ProjectionIR, StimulusIR } from "../ir/types.ts";
import { FieldReader, MAX_JSON_ELEMENTS, type Json, type JsonObject } from "./json-fields.ts";

export const SNNREF_FORMAT = "snnref-1";
/** Largest delay the format can express in our IR (Uint16). */
const MAX_DELAY = 65535;

/**
 * Keys each object of snnref-1 may carry (the fixtures' README, §1). `description` (top level) and `dtype`
 * (projection, "int" | "float") are informational: the reference exports carry them. Any other key is
 * refused, so a misspelt `v_thr` cannot silently leave the default threshold.
 */
export const SNNREF_KEYS = {
  top: ["format", "name", "description", "steps", "populations", "projections"],
  input: ["name", "kind", "size", "spikes"],
  lif: ["name", "kind", "size", "decay", "tau", "v_th", "threshold_op", "reset", "refractory", "bias", "v_init"],
  projection: ["name", "pre", "post", "dtype", "dense", "sparse", "stdp"],
  dense: ["weights", "delays"],
  sparse: ["pre", "post", "weights", "delays"],
  stdp: ["mode", "A_plus", "A_minus", "decay_pre", "tau_pre", "decay_post", "tau_post", "wmin", "wmax"],
} as const;

export interface LoadedModel {
  readonly graph: ModelGraph;
  readonly stimulus: StimulusIR;
}

function resolveDecay(r: FieldReader, o: JsonObject, decayKey: string, tauKey: string, field: string, size: number): Float64Array {
  if (o[decayKey] !== undefined) return r.perNeuron(o[decayKey], `${field}.${decayKey}`, size, 1);
  const tau = o[tauKey];
  if (tau === undefined || tau === null || tau === "inf") return new Float64Array(size).fill(1);
  const taus = r.perNeuron(tau, `${field}.${tauKey}`, size, Infinity);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    if (!(taus[i] > 0)) r.fail(`${field}.${tauKey}`, `${field}.${tauKey} must be > 0`, "give a positive time constant in steps");
    out[i] = Math.exp(-1 / taus[i]);
  }
  return out;
}

function parsePopulation(r: FieldReader, raw: Json, k: number, steps: number, stim: Map<string, { tick: Int32Array; neuron: Int32Array }>): PopulationIR {
  const field = `populations[${k}]`;
  const o = r.object(raw, field);
  const name = r.string(o.name, `${field}.name`);
  const kind = r.string(o.kind, `${field}.kind`);
  const size = r.int(o.size, `${field}.size`, 1, MAX_JSON_ELEMENTS);
  if (kind === "input") {
    r.knownKeys(o, field, SNNREF_KEYS.input, "an snnref-1 input population");
    const list = r.array(o.spikes ?? [], `${field}.spikes`);
    // Duplicates collapse and spikes at t >= steps are ignored (snnref README §1).
    const seen = new Set<number>();
    const ticks: number[] = [];
    const neurons: number[] = [];
    for (let j = 0; j < list.length; j++) {
      const pair = r.array(list[j], `${field}.spikes[${j}]`);
      if (pair.length !== 2) r.fail(`${field}.spikes[${j}]`, `${field}.spikes[${j}] must be [t, i]`, "give each spike as [tick, neuron]");
      const t = r.int(pair[0], `${field}.spikes[${j}][0]`, 0, Number.MAX_SAFE_INTEGER);
      const i = r.int(pair[1], `${field}.spikes[${j}][1]`, 0, size - 1);
      if (t >= steps) continue;
      const key = t * size + i;
      if (seen.has(key)) continue;
      seen.add(key);
      ticks.push(t);
      neurons.push(i);
    }
    stim.set(name, { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons) });
    return { name, kind: "input", size, shape: [size], spiking: true };
  }
  if (kind !== "lif") r.fail(`${field}.kind`, `${field}.kind must be "input" or "lif", got ${JSON.stringify(kind)}`, "snnref-1 has input and lif populations");
  r.knownKeys(o, field, SNNREF_KEYS.lif, "an snnref-1 lif population");
  const reset = r.string(o.reset, `${field}.reset`, "zero");
  if (reset !== "zero" && reset !== "subtract") r.fail(`${field}.reset`, `${field}.reset must be "zero" or "subtract"`, "choose a reset mode");
  const op = r.string(o.threshold_op, `${field}.threshold_op`, ">=");
  if (op !== ">=" && op !== ">") r.fail(`${field}.threshold_op`, `${field}.threshold_op must be ">=" or ">"`, "choose a threshold comparison");
  const refractory = r.perNeuron(o.refractory, `${field}.refractory`, size, 0);
  const refractoryTicks = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    const v = refractory[i];
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) r.fail(`${field}.refractory`, `${field}.refractory must be an integer in [0, 65535]`, "refractory is a whole number of steps");
    refractoryTicks[i] = v;
  }
  return {
    name,
    kind: "neuron",
    size,
    shape: [size],
    spiking: true,
    params: {
      voltageDecay: resolveDecay(r, o, "decay", "tau", field, size),
      currentDecay: new Float64Array(size),
      inputGain: new Float64Array(size).fill(1),
      bias: r.perNeuron(o.bias, `${field}.bias`, size, 0),
      vThreshold: r.perNeuron(o.v_th, `${field}.v_th`, size, 1),
      vReset: new Float64Array(size),
      vInit: r.perNeuron(o.v_init, `${field}.v_init`, size, 0),
      resetMode: new Uint8Array(size).fill(reset === "zero" ? ResetMode.zero : ResetMode.subtract),
      thresholdOp: new Uint8Array(size).fill(op === ">=" ? ThresholdOp.ge : ThresholdOp.gt),
      refractoryTicks,
    },
  };
}

export function parseStdp(r: FieldReader, raw: Json | undefined, field: string): PairStdpIR | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = r.object(raw, field);
  r.knownKeys(o, field, SNNREF_KEYS.stdp, "an stdp rule");
  const mode = r.string(o.mode, `${field}.mode`, "all_to_all");
  if (mode !== "all_to_all" && mode !== "nearest") r.fail(`${field}.mode`, `${field}.mode must be "all_to_all" or "nearest"`, "choose a pairing mode");
  const decay = (dk: string, tk: string): number => {
    if (o[dk] !== undefined) return r.number(o[dk], `${field}.${dk}`);
    const tau = r.number(o[tk], `${field}.${tk}`);
    if (!(tau > 0)) r.fail(`${field}.${tk}`, `${field}.${tk} must be > 0`, "give a positive time constant in steps");
    return Math.exp(-1 / tau);
  };
  const aPlus = r.number(o.A_plus, `${field}.A_plus`);
  const aMinus = r.number(o.A_minus, `${field}.A_minus`);
  if (aPlus < 0 || aMinus < 0) r.fail(`${field}.A_plus`, "A_plus and A_minus are magnitudes and must be >= 0", "give positive magnitudes");
  return {
    rule: "pair",
    mode,
    aPlus,
    aMinus,
    decayPre: decay("decay_pre", "tau_pre"),
    decayPost: decay("decay_post", "tau_post"),
    wMin: o.wmin === undefined || o.wmin === null ? -Infinity : r.number(o.wmin, `${field}.wmin`),
    wMax: o.wmax === undefined || o.wmax === null ? Infinity : r.number(o.wmax, `${field}.wmax`),
  };
}

export function parseDelays(r: FieldReader, raw: Json | undefined, field: string, count: number, perSynapse: (s: number) => Json | undefined): Uint16Array {
  const out = new Uint16Array(count);
  if (raw === undefined || typeof raw === "number") {
    const d = r.int(raw, field, 1, MAX_DELAY, 1);
    return out.fill(d);
  }
  for (let s = 0; s < count; s++) {
    const d = perSynapse(s);
    // The field path is built only for the error.
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > MAX_DELAY) r.int(d, `${field}[${s}]`, 1, MAX_DELAY);
    out[s] = d as number;
  }
  return out;
}

/** Synapses a projection block expands to (a format's own kinds beside `dense` and `sparse`). */
export interface BlockSynapses {
  readonly encoding: string;
  readonly preIndex: Uint32Array;
  readonly postIndex: Uint32Array;
  readonly weight: Float64Array;
  readonly delayTicks: Uint16Array;
  /** The kernel geometry of a conv block (ProjectionIR.kernel). */
  readonly kernel?: KernelIR;
}

/** Readers of further synapse kinds, by key (aerchip-model-1's `conv2d` and `convTranspose2d`). */
export type SynapseKinds = Readonly<Record<string, (r: FieldReader, block: Json, field: string, pre: PopulationIR, post: PopulationIR) => BlockSynapses>>;

/**
 * `allowedKeys`: the projection keys of the format (aerchip-model-1 adds `encoding`, `learning` and the
 * keys of `kinds`, its further synapse kinds).
 */
export function parseProjection(r: FieldReader, raw: Json, k: number, pops: Map<string, PopulationIR>, allowedKeys: readonly string[] = SNNREF_KEYS.projection, kinds: SynapseKinds = {}): ProjectionIR {
  const field = `projections[${k}]`;
  const o = r.object(raw, field);
  r.knownKeys(o, field, allowedKeys, "a projection");
  if (o.dtype !== undefined && o.dtype !== "int" && o.dtype !== "float") r.fail(`${field}.dtype`, `${field}.dtype must be "int" or "float", got ${JSON.stringify(o.dtype)}`, "dtype is informational; give \"int\" or \"float\", or omit it");
  const name = r.string(o.name, `${field}.name`, `proj${k}`);
  const preName = r.string(o.pre, `${field}.pre`);
  const postName = r.string(o.post, `${field}.post`);
  const pre = pops.get(preName);
  const post = pops.get(postName);
  if (pre === undefined) r.fail(`${field}.pre`, `${field}.pre names unknown population "${preName}"`, "use a population name from `populations`");
  if (post === undefined) r.fail(`${field}.post`, `${field}.post names unknown population "${postName}"`, "use a population name from `populations`");
  if (post.kind !== "neuron") r.fail(`${field}.post`, `${field}.post "${postName}" is an input population`, "projections must end on a lif population");
  const hasDense = o.dense !== undefined;
  const hasSparse = o.sparse !== undefined;
  const given = ["dense", "sparse", ...Object.keys(kinds)].filter((key) => o[key] !== undefined);
  if (given.length !== 1) {
    const names = ["dense", "sparse", ...Object.keys(kinds)].map((key) => `"${key}"`);
    r.fail(field, `${field} must have exactly one of ${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}${given.length > 1 ? `; it has ${given.join(" and ")}` : ""}`, "describe the synapses once");
  }
  const kind = kinds[given[0]];
  if (kind !== undefined) {
    const b = kind(r, o[given[0]] as Json, `${field}.${given[0]}`, pre, post);
    const plasticity = parseStdp(r, o.stdp, `${field}.stdp`);
    return { name, pre: preName, post: postName, ...b, ...(plasticity === undefined ? {} : { plasticity }) };
  }
  let preIndex: Uint32Array;
  let postIndex: Uint32Array;
  let weight: Float64Array;
  let delayTicks: Uint16Array;
  if (hasDense) {
    const d = r.object(o.dense, `${field}.dense`);
    r.knownKeys(d, `${field}.dense`, SNNREF_KEYS.dense, "a dense projection");
    const rows = r.array(d.weights, `${field}.dense.weights`);
    if (rows.length !== pre.size) r.fail(`${field}.dense.weights`, `${field}.dense.weights has ${rows.length} rows, pre "${preName}" has ${pre.size} neurons`, "give one row per pre neuron");
    const n = pre.size * post.size;
    if (n > MAX_JSON_ELEMENTS) r.fail(`${field}.dense`, `${field}.dense has ${n} synapses, more than ${MAX_JSON_ELEMENTS}`, "use a sparse projection");
    preIndex = new Uint32Array(n);
    postIndex = new Uint32Array(n);
    weight = new Float64Array(n);
    for (let i = 0; i < pre.size; i++) {
      const row = r.array(rows[i], `${field}.dense.weights[${i}]`);
      if (row.length !== post.size) r.fail(`${field}.dense.weights[${i}]`, `row ${i} has ${row.length} entries, post "${postName}" has ${post.size} neurons`, "give one column per post neuron");
      for (let j = 0; j < post.size; j++) {
        const s = i * post.size + j;
        preIndex[s] = i;
        postIndex[s] = j;
        weight[s] = r.number(row[j], `${field}.dense.weights[${i}][${j}]`);
      }
    }
    const dl = d.delays;
    // Rows are checked as the synapses reach them (row-major), so the first bad entry is the one reported.
    let rowsD: Json[] | undefined;
    let rowAt = -1;
    let row: Json[] = [];
    delayTicks = parseDelays(r, dl, `${field}.dense.delays`, n, (s) => {
      rowsD ??= r.array(dl, `${field}.dense.delays`);
      const i = Math.floor(s / post.size);
      if (i !== rowAt) {
        row = r.array(rowsD[i], `${field}.dense.delays[${i}]`);
        rowAt = i;
      }
      return row[s % post.size];
    });
  } else {
    const sp = r.object(o.sparse, `${field}.sparse`);
    r.knownKeys(sp, `${field}.sparse`, SNNREF_KEYS.sparse, "a sparse projection");
    preIndex = r.intList(sp.pre, `${field}.sparse.pre`, 0, pre.size - 1);
    const n = preIndex.length;
    postIndex = r.intList(sp.post, `${field}.sparse.post`, 0, post.size - 1, n);
    weight = typeof sp.weights === "number" ? new Float64Array(n).fill(r.number(sp.weights, `${field}.sparse.weights`)) : r.numberList(sp.weights, `${field}.sparse.weights`, n);
    const dl = sp.delays;
    const dlPacked = r.packed(dl);
    const dlList = dlPacked ?? (Array.isArray(dl) ? dl : undefined);
    if (dlList !== undefined && dlList.length !== n) r.fail(`${field}.sparse.delays`, `${field}.sparse.delays has ${dlList.length} entries, expected ${n}`, "one delay per synapse or a scalar");
    delayTicks = parseDelays(r, dl, `${field}.sparse.delays`, n, dlPacked !== undefined ? (s) => dlPacked[s] : (s) => (dl as Json[])[s]);
  }
  const plasticity = parseStdp(r, o.stdp, `${field}.stdp`);
  return {
    name, pre: preName, post: postName, encoding: hasDense ? "dense" : "sparse",
    preIndex, postIndex, weight, delayTicks, ...(plasticity === undefined ? {} : { plasticity }),
  };
}

export function parseSnnref(raw: Json, file: string): LoadedModel {
  const r = new FieldReader(file);
  const o = r.object(raw, "(top level)");
  if (o.format !== SNNREF_FORMAT) {
    throw new AerchipError("E_MODEL_FORMAT", `format must be "${SNNREF_FORMAT}", got ${JSON.stringify(o.format)}`, { file, field: "format", hint: "is this an snnref-1 network file?" });
  }
  r.knownKeys(o, "", SNNREF_KEYS.top, "an snnref-1 network");
  if (o.description !== undefined) r.string(o.description, "description");
  const steps = r.int(o.steps, "steps", 0, MAX_RUN_TICKS);
  const stim = new Map<string, { tick: Int32Array; neuron: Int32Array }>();
  const pops = new Map<string, PopulationIR>();
  const popList = r.array(o.populations, "populations");
  popList.forEach((p, k) => {
    const pop = parsePopulation(r, p, k, steps, stim);
    if (pops.has(pop.name)) r.fail(`populations[${k}].name`, `population name "${pop.name}" is used twice`, "give every population a unique name");
    pops.set(pop.name, pop);
  });
  const projections = r.array(o.projections ?? [], "projections").map((p, k) => parseProjection(r, p, k, pops));
  const names = new Set<string>();
  projections.forEach((p, k) => {
    if (names.has(p.name)) r.fail(`projections[${k}].name`, `projection name "${p.name}" is used twice`, "give every projection a unique name");
    names.add(p.name);
  });
  return {
    graph: { name: r.string(o.name, "name", "model"), defaultSteps: steps, populations: [...pops.values()], projections },
    stimulus: { spikes: stim },
  };
}
