/**
 * `aerchip run PROGRAM.aerprog --initial-weights WEIGHTS.json`: start a compiled program from the weights
 * another run learned, as `run MODEL.json --initial-weights` does for a JSON model (cli/initial-weights.ts).
 *
 * A weights.json names projections and holds their weights in the model's synapse order; a float program
 * keeps, for every synapse of a core, its projection (crossbar.synProjection) and its index in that order
 * (crossbar.synIndex), which is how a run reads its final weights back (chip/sim/learning.ts
 * readLearningWeights). Loading is that read-back inverted: w_core[j] = w_file[synIndex[j]] for every core
 * synapse j of a projection the file names (a shared weight on several cores gets the same value on each).
 * Checked as for models (E_WEIGHTS_MISMATCH): each projection exists in the program with the same pre, post
 * and synapse count.
 *
 * Refused (E_WEIGHTS_PROGRAM, saying how to chain instead): a fixed-point program (its weights are integers
 * quantised per population when it was compiled, docs/fixed-point.md; the weights must go through the
 * compiler again) and a file with learned thresholds θ (a neuron state the program's cores hold per core,
 * not by population name); both run from the JSON model: `aerchip run MODEL.json --initial-weights FILE`.
 */
import { AerchipError } from "../core/diagnostics.ts";
import type { ChipProgram, CoreProgram } from "../chip/program/types.ts";
import { readWeightsFile, type WeightsFile } from "./initial-weights.ts";

const CHAIN_HINT = "run the JSON model instead: `aerchip run MODEL.json --initial-weights WEIGHTS.json` (it compiles the model with those weights), or compile a model that holds them";

/** `program` with the weights of the aerchip-weights file at `path` (read and checked). */
export function programWithInitialWeights(program: ChipProgram, path: string, programPath: string): ChipProgram {
  return applyProgramInitialWeights(program, readWeightsFile(path), path, programPath);
}

export function applyProgramInitialWeights(program: ChipProgram, file: WeightsFile, path: string, programPath: string): ChipProgram {
  if (program.fixedPoint !== undefined) {
    throw new AerchipError("E_WEIGHTS_PROGRAM", `${programPath} is a fixed-point program: its weights are integers quantised when it was compiled, so the weights of ${path} cannot replace them`, { file: programPath, field: "--initial-weights", hint: CHAIN_HINT });
  }
  if (file.thresholds.size > 0) {
    throw new AerchipError("E_WEIGHTS_PROGRAM", `${path} carries learned thresholds θ (${[...file.thresholds.keys()].join(", ")}), which a compiled program cannot load`, { file: path, field: "thresholds", hint: CHAIN_HINT });
  }
  const index = new Map(program.projections.map((p, k) => [p.name, k] as const));
  const mismatch = (field: string, detail: string, hint: string): never => {
    throw new AerchipError("E_WEIGHTS_MISMATCH", `${path}: ${field} ${detail}`, { file: path, field, hint });
  };
  // byProjection[k]: the file's weights for program projection k, or undefined (the program's own).
  const byProjection: Array<Float64Array | undefined> = program.projections.map(() => undefined);
  for (const [name, e] of file.projections) {
    const k = index.get(name);
    if (k === undefined) return mismatch(`projections.${name}`, `is not a projection of program ${programPath} (it has: ${[...index.keys()].join(", ")})`, "give the weights.json written by a run of this program or of the model it was compiled from");
    const p = program.projections[k];
    if (p.pre !== e.pre || p.post !== e.post) mismatch(`projections.${name}`, `connects ${e.pre} → ${e.post}; the program's ${name} connects ${p.pre} → ${p.post}`, "give the weights.json written by a run of this program or of its model");
    if (p.synapseCount !== e.weights.length) mismatch(`projections.${name}.synapseCount`, `is ${e.weights.length}; the program's ${name} has ${p.synapseCount} synapses`, "give the weights.json written by a run of this program or of its model (same projection sizes and connectivity)");
    byProjection[k] = e.weights;
  }
  const cores: CoreProgram[] = program.cores.map((core) => {
    const cb = core.crossbar;
    let w: Float64Array | undefined;
    for (let j = 0; j < cb.synWeight.length; j++) {
      const src = byProjection[cb.synProjection[j]];
      if (src === undefined) continue;
      w ??= Float64Array.from(cb.synWeight);
      w[j] = src[cb.synIndex[j]];
    }
    return w === undefined ? core : { ...core, crossbar: { ...cb, synWeight: w } };
  });
  return { ...program, cores };
}
