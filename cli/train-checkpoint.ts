/**
 * Checkpoints of `aerchip train` (--checkpoint FILE [--checkpoint-every N] [--resume]): everything a training
 * carries from one sample to the next, so a resumed training writes the bytes an uninterrupted one writes.
 * Between samples the neuron state and the learning traces are back at rest (train resets them), so what
 * carries on is: the synapse weights (every synapse: the plastic ones change), the adaptive thresholds θ, the
 * learning engine's stochastic-rounding streams and its run-long counts (weight changes per rule and core,
 * third-factor values, whether m and Ψ ever drove a rule), the counters summed so far, the ticks and layer
 * spikes, the learning curve's points, and how many samples are done.
 *
 * File: one JSON document (format "aerchip-train-checkpoint" v1) written atomically, whose arrays travel as
 * base64 of their little-endian float64 / uint32 bytes (every double restored bit for bit), with a SHA-256 of
 * those bytes. The fingerprint is the training's provenance (every input file's SHA-256 and every option
 * that shapes the results, as train.json records them) and the chip spec's hash: resuming with anything else
 * is E_CHECKPOINT_MISMATCH naming the first difference; a damaged file is E_CHECKPOINT_CORRUPT.
 */
import { refuseDuplicateJsonKey } from "../core/io/json-duplicate-keys.ts";
import { createHash } from "node:crypto";
import { AerchipError } from "../core/diagnostics.ts";
import { ensureDir, writeFileAtomic } from "../core/atomic-write.ts";
import { dirname } from "node:path";
import { readInputFile } from "../core/io/read-input.ts";
import { restoreRngState, rngState } from "../core/rng.ts";
import type { SimState } from "../chip/sim/state.ts";
import type { LearningEngine } from "../chip/sim/learning.ts";
import type { Accumulator } from "./learn/accumulate.ts";
import type { CurvePoint } from "./train-curve.ts";
import type { TimeBasis } from "../chip/report/time-basis.ts";

export const TRAIN_CHECKPOINT_FORMAT = "aerchip-train-checkpoint";
export const TRAIN_CHECKPOINT_VERSION = 1;
const MAX_BYTES = 2 ** 31 - 1;

/** The scalars and points a training carries besides its arrays. */
export interface TrainProgress {
  readonly done: number;
  readonly ticks: number;
  readonly layerSpikes: number;
  /** With --timing: the simulated time and static energy summed so far, and the time basis. */
  readonly timeNs: number;
  readonly staticPj: number;
  /** A compute-in-memory chip's crossbar-read energy summed so far. */
  readonly crossbarPj: number;
  readonly timeBasis?: TimeBasis;
  readonly curve: readonly CurvePoint[];
}

type ArrayName = "synWeight" | "theta" | "coreRng" | "counts" | "synOpsByEnc" | "weightChanges" | "weightChangesByCore" | "thirdFactorSeen" | "thirdFactorValues" | "gradedSeen";

/** The arrays of the state, engine and accumulator that carry on (views: encode copies their bytes, restore writes into them). */
function carried(st: SimState, le: LearningEngine | undefined, acc: Accumulator): Record<ArrayName, Float64Array | Uint32Array | Uint8Array> {
  const none = new Float64Array(0);
  const rng = new Uint32Array(4 * (le?.coreRng.length ?? 0));
  le?.coreRng.forEach((r, c) => rng.set(rngState(r), 4 * c));
  return {
    synWeight: st.synWeight, theta: st.theta ?? none, coreRng: rng, counts: acc.counts, synOpsByEnc: acc.synOpsByEnc,
    weightChanges: le?.weightChanges ?? none, weightChangesByCore: le?.weightChangesByCore ?? none,
    thirdFactorSeen: le?.thirdFactorSeen ?? new Uint8Array(0), thirdFactorValues: le?.thirdFactorValues ?? none, gradedSeen: le?.gradedSeen ?? new Uint8Array(0),
  };
}

const bytesOf = (a: Float64Array | Uint32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Writes the checkpoint (atomically: the previous one stays until the new one is complete). */
export function writeTrainCheckpoint(path: string, fingerprint: unknown, st: SimState, le: LearningEngine | undefined, acc: Accumulator, progress: TrainProgress): void {
  const arrays = carried(st, le, acc);
  // The hash covers the fingerprint and the progress too: an edited position is as damaged as an edited weight.
  const hash = createHash("sha256").update(JSON.stringify(fingerprint)).update(JSON.stringify(progress));
  const encoded: Record<string, { dtype: string; length: number; base64: string }> = {};
  for (const [name, a] of Object.entries(arrays)) {
    const b = bytesOf(a);
    hash.update(b);
    encoded[name] = { dtype: a instanceof Float64Array ? "f64" : a instanceof Uint32Array ? "u32" : "u8", length: a.length, base64: b.toString("base64") };
  }
  const doc = { format: TRAIN_CHECKPOINT_FORMAT, version: TRAIN_CHECKPOINT_VERSION, fingerprint, progress, arrays: encoded, sha256: hash.digest("hex") };
  ensureDir(dirname(path));
  writeFileAtomic(path, `${JSON.stringify(doc)}\n`);
}

/** Reads a checkpoint written by writeTrainCheckpoint, checks it, and restores it into the training's state; returns the progress. */
export function restoreTrainCheckpoint(path: string, fingerprint: unknown, st: SimState, le: LearningEngine | undefined, acc: Accumulator, total: number): TrainProgress {
  const corrupt = (field: string, detail: string): never => {
    throw new AerchipError("E_CHECKPOINT_CORRUPT", `checkpoint ${path}: ${field} ${detail}`, { file: path, field, hint: "delete the checkpoint and train again without --resume" });
  };
  let doc: { format?: unknown; version?: unknown; fingerprint?: unknown; progress?: TrainProgress | null; arrays?: Record<string, { dtype: string; length: number; base64: string } | null> | null; sha256?: unknown } | null;
  let text: string;
  try {
    text = readInputFile(path, { what: "train checkpoint", maxBytes: MAX_BYTES, field: "--checkpoint", hint: "give the checkpoint file the interrupted training wrote" }).toString("utf8");
    doc = JSON.parse(text);
  } catch (e) {
    if (e instanceof AerchipError) throw e;
    return corrupt("(file)", `is not JSON: ${(e as Error).message}`);
  }
  // A repeated key (an edited "done") would resume from its last value: refused as a damaged checkpoint.
  refuseDuplicateJsonKey(text, { file: path, code: "E_CHECKPOINT_CORRUPT", what: "checkpoint", hint: "delete the checkpoint and train again without --resume" });
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return corrupt("(file)", "is not a checkpoint object");
  if (doc.format !== TRAIN_CHECKPOINT_FORMAT || doc.version !== TRAIN_CHECKPOINT_VERSION) corrupt("format", `is ${JSON.stringify(doc.format)} v${String(doc.version)}, not ${TRAIN_CHECKPOINT_FORMAT} v${TRAIN_CHECKPOINT_VERSION}`);
  if (doc.fingerprint === null || typeof doc.fingerprint !== "object") return corrupt("fingerprint", "is missing");
  const p = doc.progress;
  const finite = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x);
  if (p === null || typeof p !== "object" || !Number.isInteger(p.done) || p.done < 0 || p.done >= total || !finite(p.ticks) || !finite(p.layerSpikes)
    || !finite(p.timeNs) || !finite(p.staticPj) || !finite(p.crossbarPj) || !Array.isArray(p.curve) || !p.curve.every((c) => c !== null && typeof c === "object")) {
    return corrupt("progress", `is not a position within the ${total} training samples`);
  }
  if (doc.arrays === null || typeof doc.arrays !== "object") return corrupt("arrays", "is missing");
  const want = JSON.stringify(fingerprint);
  if (JSON.stringify(doc.fingerprint) !== want) {
    const { path: at, text } = firstDifference(doc.fingerprint, fingerprint, "fingerprint", undefined);
    throw new AerchipError("E_CHECKPOINT_MISMATCH", `checkpoint ${path} is of another training: ${text}`, { file: path, field: at, hint: "resume with the command, model, data and chip of the training that wrote it, or delete the checkpoint and start again" });
  }
  const arrays = carried(st, le, acc);
  const hash = createHash("sha256").update(JSON.stringify(doc.fingerprint)).update(JSON.stringify(p));
  const decoded = new Map<string, Buffer>();
  for (const [name, a] of Object.entries(arrays)) {
    const e = doc.arrays[name];
    if (e === null || typeof e !== "object" || typeof e.base64 !== "string") return corrupt(`arrays.${name}`, "is missing");
    const b = Buffer.from(e.base64, "base64");
    if (e.length !== a.length || b.length !== a.byteLength) corrupt(`arrays.${name}`, `holds ${e.length} values (${b.length} bytes); this training has ${a.length}`);
    hash.update(b);
    decoded.set(name, b);
  }
  if (hash.digest("hex") !== doc.sha256) corrupt("sha256", "does not match the checkpoint's contents (the file was changed or damaged)");
  for (const [name, a] of Object.entries(arrays)) {
    const b = decoded.get(name)!;
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(b);
  }
  // The rounding streams are objects: their states go back through the RNG's own restore.
  const rng = arrays.coreRng as Uint32Array;
  le?.coreRng.forEach((r, c) => restoreRngState(r, rng.subarray(4 * c, 4 * c + 4)));
  return p as TrainProgress;
}

/**
 * The first path where two JSON values differ, and what differs: "fingerprint.provenance.options.passes: 2 in the
 * checkpoint, 3 now"; an input file (provenance.inputs[i], {role, path, sha256}) is named by its role and path.
 */
function firstDifference(a: unknown, b: unknown, path: string, input: { role: unknown; path: unknown } | undefined): { path: string; text: string } {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const isInput = (x: object): x is { role: unknown; path: unknown } => "role" in x && "path" in x;
    const here = isInput(b) ? b : isInput(a) ? a : input;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${path}.${k}`, here);
    }
  }
  const of = input === undefined ? "" : ` (the ${String(input.role)} input ${String(input.path)})`;
  return { path, text: `${path}${of}: ${JSON.stringify(a) ?? "absent"} in the checkpoint, ${JSON.stringify(b) ?? "absent"} now` };
}
