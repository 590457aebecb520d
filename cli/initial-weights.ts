/**
 * `aerchip run MODEL --initial-weights WEIGHTS.json`: start a run from the weights another run learned.
 *
 * A run of a model with plastic projections writes weights.json (format aerchip-weights, cli/pipeline.ts
 * weightsJson): per projection its pre, post, rule, synapse count and final weights in the model's synapse
 * order (and the learned θ of populations that adapt, below). Given back to `run`, those weights replace the model's own before it is compiled, so a shell loop
 * can train one sample per run (the neuron state and traces start from rest each run, as after a reset
 * between samples), and a copy of the model without its learning rule can run on the learned weights.
 * The weights go through the compiler like the model's own (quantised at the chip's precision with
 * --precision fixed).
 *
 * Checks, each an E_WEIGHTS_FILE (the file is not a weights file) or E_WEIGHTS_MISMATCH (it does not fit
 * this model) naming the file and the field: every projection in the file exists in the model with the same
 * pre and post populations and synapse count, and every weight is a finite number. Projections of the model
 * that the file does not name keep their own weights; a file naming none of the model's projections fails.
 *
 * Learned adaptive thresholds: a weights.json of a model whose populations adapt their threshold (thetaPlus)
 * also carries `thresholds` (per such population its size and θ at the end of the run). Each becomes the
 * population's starting θ (NeuronParamsIR.thetaInit; θ returns to it when evaluate resets θ per sample),
 * checked: the population exists, has that many neurons and an adaptive threshold (thetaPlus), and every θ
 * is a finite number, ≥ 0 (θ only grows by thetaPlus ≥ 0 and decays) or, for a population with bounded
 * homeostasis (thetaDrift, thetaMin, thetaMax), within its [thetaMin, thetaMax] (θ may then fall below 0). Files without `thresholds` (written
 * before aerchip kept θ, or of models without θ) load as before: θ starts at 0.
 */
import { AerchipError } from "../core/diagnostics.ts";
import { findDuplicateJsonKey, lineAt } from "../core/io/json-duplicate-keys.ts";
import type { ModelGraph, ProjectionIR } from "../compiler/ir/types.ts";
import { MAX_TEXT_FILE_BYTES, readInputFile } from "../core/io/read-input.ts";

export const WEIGHTS_FORMAT = "aerchip-weights";

/** One projection of a weights file. */
export interface WeightsEntry {
  readonly pre: string;
  readonly post: string;
  readonly rule: string;
  readonly weights: Float64Array;
}

export interface WeightsFile {
  readonly model: string;
  readonly projections: ReadonlyMap<string, WeightsEntry>;
  /** Population name → learned θ in its neuron order (empty for files without `thresholds`). */
  readonly thresholds: ReadonlyMap<string, Float64Array>;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Reads and checks an aerchip-weights file (format, version, and each projection's fields). */
export function readWeightsFile(path: string): WeightsFile {
  const bad = (field: string, detail: string): never => {
    throw new AerchipError("E_WEIGHTS_FILE", `${path}: ${field} ${detail}`, { file: path, field, hint: "give the weights.json an `aerchip run` of a model with plastic projections wrote (docs/model-format.md, \"Final weights\")" });
  };
  const text = readInputFile(path, { what: "weights file", maxBytes: MAX_TEXT_FILE_BYTES, field: "--initial-weights", hint: "give the weights.json an `aerchip run` of a model with plastic projections wrote" }).toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return bad("(file)", `is not JSON (${(e as Error).message})`);
  }
  // A repeated key (two projections of one name: only the last would be read) is refused, with its path and lines.
  const dup = findDuplicateJsonKey(text);
  if (dup !== undefined) bad(dup.path, `is given twice (lines ${lineAt(text, dup.firstOffset)} and ${lineAt(text, dup.offset)}); JSON.parse would keep only the last value (of a projection: only one projection's weights)`);
  if (!isObj(doc)) return bad("(file)", "is not a JSON object");
  if (doc.format !== WEIGHTS_FORMAT) bad("format", `is ${JSON.stringify(doc.format)}, not "${WEIGHTS_FORMAT}"`);
  if (doc.version !== 1) bad("version", `is ${JSON.stringify(doc.version)}; this aerchip reads version 1`);
  if (!isObj(doc.projections)) bad("projections", "is not an object of projections");
  const projections = new Map<string, WeightsEntry>();
  for (const [name, e] of Object.entries(doc.projections as Record<string, unknown>)) {
    const f = `projections.${name}`;
    if (!isObj(e)) bad(f, "is not an object");
    const x = e as Record<string, unknown>;
    if (typeof x.pre !== "string" || typeof x.post !== "string") bad(`${f}.pre`, "and .post must be population names");
    if (!Array.isArray(x.weights)) bad(`${f}.weights`, "is not a list of numbers");
    const list = x.weights as unknown[];
    if (x.synapseCount !== list.length) bad(`${f}.synapseCount`, `is ${JSON.stringify(x.synapseCount)} but weights has ${list.length} values`);
    const w = new Float64Array(list.length);
    list.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v)) bad(`${f}.weights[${i}]`, `is ${typeof v === "number" ? String(v) : JSON.stringify(v)}, not a finite number`);
      w[i] = v as number;
    });
    projections.set(name, { pre: x.pre as string, post: x.post as string, rule: typeof x.rule === "string" ? x.rule : "", weights: w });
  }
  if (projections.size === 0) bad("projections", "is empty");
  const thresholds = new Map<string, Float64Array>();
  if (doc.thresholds !== undefined) {
    if (!isObj(doc.thresholds)) bad("thresholds", "is not an object of populations");
    for (const [name, e] of Object.entries(doc.thresholds as Record<string, unknown>)) {
      const f = `thresholds.${name}`;
      if (!isObj(e) || !Array.isArray(e.theta)) return bad(`${f}.theta`, "is not a list of numbers");
      const list = e.theta as unknown[];
      if (e.size !== list.length) bad(`${f}.size`, `is ${JSON.stringify(e.size)} but theta has ${list.length} values`);
      thresholds.set(name, Float64Array.from(list, (v, i) => {
        if (typeof v !== "number" || !Number.isFinite(v)) bad(`${f}.theta[${i}]`, `is ${typeof v === "number" ? String(v) : JSON.stringify(v)}, not a finite number`);
        return v as number;
      }));
    }
  }
  return { model: typeof doc.model === "string" ? doc.model : "", projections, thresholds };
}

/** `graph` with the weights of the aerchip-weights file at `path` (read and checked), or `graph` itself without one. */
export function withInitialWeights(graph: ModelGraph, path: string | undefined): ModelGraph {
  return path === undefined ? graph : applyInitialWeights(graph, readWeightsFile(path), path);
}

/** `graph` with the file's weights in place of its own for every projection the file names (checked to fit). */
export function applyInitialWeights(graph: ModelGraph, file: WeightsFile, path: string): ModelGraph {
  const byName = new Map(graph.projections.map((p) => [p.name, p] as const));
  const mismatch = (field: string, detail: string, hint: string): never => {
    throw new AerchipError("E_WEIGHTS_MISMATCH", `${path}: ${field} ${detail}`, { file: path, field, hint });
  };
  for (const [name, e] of file.projections) {
    const p = byName.get(name);
    if (p === undefined) {
      mismatch(`projections.${name}`, `is not a projection of model "${graph.name}" (it has: ${[...byName.keys()].join(", ")})`, "give the weights.json written by a run of this model, or rename the projection in the file");
    } else {
      if (p.pre !== e.pre || p.post !== e.post) mismatch(`projections.${name}`, `connects ${e.pre} → ${e.post}; the model's ${name} connects ${p.pre} → ${p.post}`, "give the weights.json written by a run of this model");
      if (p.weight.length !== e.weights.length) mismatch(`projections.${name}.synapseCount`, `is ${e.weights.length}; the model's ${name} has ${p.weight.length} synapses`, "give the weights.json written by a run of this model (same projection sizes and connectivity)");
    }
  }
  const projections: ProjectionIR[] = graph.projections.map((p) => {
    const e = file.projections.get(p.name);
    return e === undefined ? p : { ...p, weight: Float64Array.from(e.weights) };
  });
  const pops = new Map(graph.populations.map((p) => [p.name, p] as const));
  for (const [name, theta] of file.thresholds) {
    const p = pops.get(name);
    if (p === undefined) mismatch(`thresholds.${name}`, `is not a population of model "${graph.name}" (it has: ${[...pops.keys()].join(", ")})`, "give the weights.json written by a run of this model");
    else if (p.params?.thetaPlus === undefined) mismatch(`thresholds.${name}`, `is a learned θ, and the model's population ${name} has no adaptive threshold (thetaPlus)`, `give ${name} its thetaPlus / thetaDecay as in the model that learned it, or delete thresholds.${name} from the file`);
    else if (p.size !== theta.length) mismatch(`thresholds.${name}.size`, `is ${theta.length}; the model's ${name} has ${p.size} neurons`, "give the weights.json written by a run of this model (same population sizes)");
    else {
      // θ a run of this model can reach: ≥ 0 without homeostasis, within [thetaMin, thetaMax] with it.
      const lo = p.params.thetaMin, hi = p.params.thetaMax;
      const i = theta.findIndex((v, k) => (lo === undefined ? v < 0 : v < lo[k]) || (hi !== undefined && v > hi[k]));
      if (i >= 0) mismatch(`thresholds.${name}.theta[${i}]`, `is ${theta[i]}, outside the θ the model's ${name} can reach (${lo === undefined ? "≥ 0" : `[${lo[i]}, ${hi?.[i] ?? Infinity}]`})`, "give the weights.json written by a run of this model (same thetaMin / thetaMax)");
    }
  }
  const populations = file.thresholds.size === 0 ? graph.populations : graph.populations.map((p) => {
    const theta = file.thresholds.get(p.name);
    return theta === undefined || p.params === undefined ? p : { ...p, params: { ...p.params, thetaInit: Float64Array.from(theta) } };
  });
  return { ...graph, populations, projections };
}
