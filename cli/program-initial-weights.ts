/**
 * `aerchip run PROGRAM.aerprog --initial-weights WEIGHTS.json`: start a compiled program from the weights (and
 * learned thresholds θ) another run wrote, as `run MODEL.json --initial-weights` does for a JSON model
 * (cli/initial-weights.ts, which reads and checks the file).
 *
 * Weights. A weights.json names projections and holds their weights in the model's synapse order; a program
 * keeps, for every synapse of a core, its projection (crossbar.synProjection) and its index in that order
 * (crossbar.synIndex), which is how a run reads its final weights back (chip/sim/learning.ts
 * readLearningWeights). Loading is that read-back inverted: w_core[j] = w_file[synIndex[j]] for every core
 * synapse j of a projection the file names (a shared weight on several cores gets the same value on each).
 * Checked as for models (E_WEIGHTS_MISMATCH): each projection exists in the program with the same pre, post
 * and synapse count.
 *
 * Fixed-point programs store integers: weights onto population P in units of 2^-q_P of the model's
 * (PopulationMap.stateScaleExp), each a mantissa times 2^e. The file's float weights are put on that grid by
 * the compiler's own rule (compiler/passes/quantise.ts quantiseProjectionWeights) at the program's q_P: per
 * projection the smallest exponent that holds its largest weight, round half away from zero, a mantissa that
 * does not fit even at the largest exponent clipped and counted (W_QUANT_CLIPPED). What differs from
 * compiling the model with the file's weights (`run MODEL.json --precision fixed --initial-weights`): the
 * compiler may lower q_P for weights too large for the grid (thresholds then round differently), a program
 * keeps the q_P it was compiled with (its thresholds are stored at it) and clips instead; and the compiler
 * folds a population's inputGain into its weights, which a fixed-point program does not record (its
 * inputGain is 1), so the file's weights are taken as if inputGain were 1 (run the model for gains ≠ 1).
 *
 * Learned thresholds θ (`thresholds` in the file): each population's θ becomes the starting θ of its
 * compartments (CoreNeuronParams.thetaInit, what route.ts writes for a model's NeuronParamsIR.thetaInit).
 * Checked (E_WEIGHTS_MISMATCH, naming the file and the field): the population exists in the program with that
 * many neurons, its compartments hold θ (the program was compiled from a model whose population has thetaPlus;
 * thetaPlus 0 with thetaDecay 1 holds a loaded θ fixed), and each θ is one a run of the program can reach:
 * within [thetaMin, thetaMax] for a compartment with bounded homeostasis, else ≥ 0. A fixed-point program holds
 * no θ (adaptive thresholds run in float only, E_FIXED_THETA_UNSUPPORTED) and refuses a file that has some
 * (E_WEIGHTS_PROGRAM).
 */
import { AerchipError, type Diagnostic } from "../core/diagnostics.ts";
import { populationIndexAt, type ChipProgram, type CoreNeuronParams, type CoreProgram, type PopulationMap } from "../chip/program/types.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import { weightFormat } from "../chip/spec/weight-format.ts";
import { quantiseProjectionWeights } from "../compiler/passes/quantise.ts";
import { readWeightsFile, type WeightsFile } from "./initial-weights.ts";

/** A program with loaded weights, and the quantiser's warnings (fixed-point programs: W_QUANT_CLIPPED). */
export interface LoadedProgramWeights {
  readonly program: ChipProgram;
  readonly warnings: readonly Diagnostic[];
}

/** `program` with the weights and θ of the aerchip-weights file at `path` (read and checked), for chip `spec`. */
export function programWithInitialWeights(program: ChipProgram, path: string, programPath: string, spec: ChipSpec): LoadedProgramWeights {
  return applyProgramInitialWeights(program, readWeightsFile(path), path, programPath, spec);
}

export function applyProgramInitialWeights(program: ChipProgram, file: WeightsFile, path: string, programPath: string, spec: ChipSpec): LoadedProgramWeights {
  if (program.fixedPoint !== undefined && file.thresholds.size > 0) {
    throw new AerchipError("E_WEIGHTS_PROGRAM", `${path} carries learned thresholds θ (${[...file.thresholds.keys()].join(", ")}), and ${programPath} is a fixed-point program, which holds no θ (adaptive thresholds run in float arithmetic only)`, {
      file: path, field: "thresholds", hint: `compile the model with --precision float to run it with its learned θ, or delete \`thresholds\` from a copy of ${path} to load only the weights`,
    });
  }
  const index = new Map(program.projections.map((p, k) => [p.name, k] as const));
  const mismatch = (field: string, detail: string, hint: string): never => {
    throw new AerchipError("E_WEIGHTS_MISMATCH", `${path}: ${field} ${detail}`, { file: path, field, hint });
  };
  // byProjection[k]: the weights to store for program projection k (model units, or the fixed-point grid), or undefined (the program's own).
  const byProjection: Array<Float64Array | undefined> = program.projections.map(() => undefined);
  const warnings: Diagnostic[] = [];
  const popByName = new Map(program.populations.map((p) => [p.name, p] as const));
  for (const [name, e] of file.projections) {
    const k = index.get(name);
    if (k === undefined) return mismatch(`projections.${name}`, `is not a projection of program ${programPath} (it has: ${[...index.keys()].join(", ")})`, "give the weights.json written by a run of this program or of the model it was compiled from");
    const p = program.projections[k];
    if (p.pre !== e.pre || p.post !== e.post) mismatch(`projections.${name}`, `connects ${e.pre} → ${e.post}; the program's ${name} connects ${p.pre} → ${p.post}`, "give the weights.json written by a run of this program or of its model");
    if (p.synapseCount !== e.weights.length) mismatch(`projections.${name}.synapseCount`, `is ${e.weights.length}; the program's ${name} has ${p.synapseCount} synapses`, "give the weights.json written by a run of this program or of its model (same projection sizes and connectivity)");
    if (program.fixedPoint === undefined) { byProjection[k] = e.weights; continue; }
    // Fixed point: the compiler's rounding at the post population's state scale (module comment).
    const q = popByName.get(p.post)?.stateScaleExp ?? 0;
    const qw = quantiseProjectionWeights(e.weights, () => 1, q, weightFormat(spec.precision));
    if (qw.clipped > 0) {
      warnings.push({ code: "W_QUANT_CLIPPED", severity: "warning", file: path, field: `projections.${name}.weights`, message: `${qw.clipped} of the ${e.weights.length} weights of projection "${name}" were clipped to ${spec.precision.weightBits}-bit mantissas: at the program's state scale 2^${q} of population "${p.post}" they exceed the largest weight the chip stores (${weightFormat(spec.precision).mMax}·2^${qw.exponent} state units = ${weightFormat(spec.precision).mMax * 2 ** (qw.exponent - q)} in model units)`, hint: `compile the program from a model whose largest weight onto ${p.post} is at least the file's largest (e.g. the rule's wMax), so that its state scale holds them, or run the model (\`aerchip run MODEL.json --precision fixed --initial-weights ${path}\` picks the state scale for these weights)` });
    }
    byProjection[k] = qw.weight;
  }
  const thetaInit = learnedThetas(program, file, path, programPath, mismatch);
  const cores: CoreProgram[] = program.cores.map((core, ci) => {
    const cb = core.crossbar;
    let w: Float64Array | undefined;
    for (let j = 0; j < cb.synWeight.length; j++) {
      const src = byProjection[cb.synProjection[j]];
      if (src === undefined) continue;
      w ??= Float64Array.from(cb.synWeight);
      w[j] = src[cb.synIndex[j]];
    }
    const theta = thetaInit.get(ci);
    const withWeights = w === undefined ? core : { ...core, crossbar: { ...cb, synWeight: w } };
    return theta === undefined ? withWeights : { ...withWeights, neurons: { ...core.neurons, thetaInit: theta } };
  });
  return { program: { ...program, cores }, warnings };
}

/**
 * Per core index, the thetaInit array a file's `thresholds` give (the core's own thetaInit, or zeros, with the
 * loaded populations' θ written at their compartments), checked as the module comment says.
 */
function learnedThetas(program: ChipProgram, file: WeightsFile, path: string, programPath: string, mismatch: (field: string, detail: string, hint: string) => never): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  const pops = new Map(program.populations.map((p) => [p.name, p] as const));
  for (const [name, theta] of file.thresholds) {
    const pop: PopulationMap | undefined = pops.get(name);
    if (pop === undefined) return mismatch(`thresholds.${name}`, `is not a population of program ${programPath} (it has: ${[...pops.keys()].join(", ")})`, "give the weights.json written by a run of this program or of the model it was compiled from");
    if (pop.size !== theta.length) mismatch(`thresholds.${name}.size`, `is ${theta.length}; the program's ${name} has ${pop.size} neurons`, "give the weights.json written by a run of this program or of its model (same population sizes)");
    const noTheta = (): never => mismatch(`thresholds.${name}`, `is a learned θ, and the program's population ${name} holds no adaptive threshold (it was compiled from a model whose ${name} has no thetaPlus)`, `compile the model with thetaPlus on ${name} (thetaPlus 0 and thetaDecay 1 hold the loaded θ fixed), or delete thresholds.${name} from the file`);
    if (pop.kind !== "neuron") noTheta();
    for (const b of pop.blocks) {
      const n: CoreNeuronParams = program.cores[b.coreIndex].neurons;
      if (n.thetaPlus === undefined) noTheta();
      let t = out.get(b.coreIndex);
      if (t === undefined) { t = n.thetaInit === undefined ? new Float64Array(program.cores[b.coreIndex].neuronCount) : Float64Array.from(n.thetaInit); out.set(b.coreIndex, t); }
      for (let i = 0; i < b.count; i++) {
        const local = b.neuronStart + i;
        const at = populationIndexAt(pop, b.populationStart + i);
        const v = theta[at];
        // θ a run of this program can reach: within [thetaMin, thetaMax] with bounded homeostasis, else ≥ 0 (θ only grows by thetaPlus ≥ 0 and decays).
        const lo = n.thetaMin?.[local] ?? -Infinity, hi = n.thetaMax?.[local] ?? Infinity;
        const bounded = Number.isFinite(lo) || Number.isFinite(hi);
        if (bounded ? v < lo || v > hi : v < 0) {
          mismatch(`thresholds.${name}.theta[${at}]`, `is ${v}, outside the θ the program's ${name} can reach (${bounded ? `[${lo}, ${hi}]` : "≥ 0"})`, "give the weights.json written by a run of this program or of its model (same thetaMin / thetaMax)");
        }
        t[local] = v;
      }
    }
  }
  return out;
}
