/**
 * Whether a compiled ChipProgram fits a ChipSpec: the per-core limits the compiler enforces when it maps a
 * model (compiler/passes/normalise.ts, partition.ts, route.ts, quantise.ts), checked again on the program
 * itself. A `.aerprog` is compiled for one chip and may be run with another `--arch`; without this check a
 * program with hundreds of neurons per core would run on a chip that holds one, and report it as fitting.
 *
 * The codes are the compiler's (E_CHIP_CORES_EXCEEDED, E_CORE_NEURONS_EXCEEDED, E_CORE_INPUT_AXONS_EXCEEDED,
 * E_CORE_OUTPUT_AXONS_EXCEEDED, E_CORE_FANOUT_EXCEEDED, E_CORE_SYNAPSE_MEMORY_EXCEEDED, E_CORE_DELAY_EXCEEDED, E_CORE_DELAY_PER_NEURON,
 * E_CORE_NEURON_CONFIGS_EXCEEDED, E_CORE_REFRACTORY_EXCEEDED, E_LEARNING_NO_ENGINE), so compiling the model for the chip and running its program fail alike.
 * Synapse memory is counted as the mapping report counts it (core-memory.ts: the core's real per-axon layout, with a
 * delay field only on cores that store a delayed synapse). On a chip with one delay per source neuron
 * (synapseEncoding.delayPerSynapse false) every neuron's synapses must share one delay (delay-per-neuron.ts).
 * A fixed-point program also needs the chip's arithmetic widths and weights its weight memory can hold.
 *
 * Pure data: reads the program's arrays, allocates one array of the mesh's core count.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { coreSynapseMemoryBits } from "./core-memory.ts";
import { neuronModelsOf, type ChipSpec } from "../spec/types.ts";
import { neuronModelError } from "../spec/neuron-models.ts";
import { checkDelayPerNeuron } from "./delay-per-neuron.ts";
import { thresholdMax, thresholdStep } from "../spec/threshold.ts";
import { weightFormat } from "../spec/weight-format.ts";
import { NeuronDynamics, NeuronKind, type ChipProgram, type CoreProgram } from "./types.ts";
import { compartmentVMin, condAt, thetaBoundsAt, INPUT_NEURON_CONFIG, neuronConfigKey } from "./neuron-config.ts";
import { checkCrossbarPairSums } from "./crossbar-pairs.ts";
import { coreInputNeurons } from "./neuron-slots.ts";
import { inputsTakeNeuronSlots } from "../spec/neuron-slots.ts";

const HINT = "recompile the model for this chip (aerchip compile MODEL --arch ARCH), or run the program with the chip it was compiled for";

function fail(code: string, message: string, file: string | undefined, field: string): never {
  throw new AerchipError(code, message, { ...(file === undefined ? {} : { file }), field, hint: HINT });
}

/**
 * Distinct neuron configurations of a core (the key the compiler counts, chip/program/neuron-config.ts); input
 * neurons count as one configuration only where they take neuron slots (chip/spec/neuron-slots.ts).
 */
function neuronConfigs(cp: CoreProgram, inputsTakeSlots: boolean): number {
  const n = cp.neurons;
  const keys = new Set<string>();
  for (let i = 0; i < cp.neuronCount; i++) {
    if (n.kind[i] === NeuronKind.input && !inputsTakeSlots) continue;
    keys.add(n.kind[i] === NeuronKind.input ? INPUT_NEURON_CONFIG : neuronConfigKey({
      spiking: n.spiking[i] === 1, voltageDecay: n.voltageDecay[i], currentDecay: n.currentDecay[i], vThreshold: n.vThreshold[i], vReset: n.vReset[i],
      resetMode: n.resetMode[i], thresholdOp: n.thresholdOp[i], refractoryTicks: n.refractoryTicks[i],
      dynamics: n.dynamics?.[i] ?? 0, thetaPlus: n.thetaPlus?.[i] ?? 0, thetaDecay: n.thetaDecay?.[i] ?? 1,
      vMin: compartmentVMin(n.dynamics?.[i] ?? 0, n.reverseResetMode?.[i], n.vReverseThreshold?.[i]), thetaBounds: thetaBoundsAt(n, i), cond: condAt(n, i),
    }));
  }
  return keys.size;
}

/** Whether weight w is mantissa·2^e with the mantissa in the spec's weight bits and e in its exponent range (quantise.ts). */
function weightFits(w: number, mMin: number, mMax: number, eLo: number, eHi: number): boolean {
  if (w === 0) return true;
  for (let e = eLo; e <= eHi; e++) {
    const m = w / 2 ** e;
    if (Number.isInteger(m) && m >= mMin && m <= mMax) return true;
  }
  return false;
}

/**
 * E_FIXED_CROSSBAR_PAIR_RANGE when an (axon, neuron) pair of a fixed-point program on a crossbar chip is reached
 * by several synapses whose sum is not a weight of the chip's format (chip/program/crossbar-pairs.ts). Called
 * when compiling (compiler/compile.ts) and when running a program (checkFixedPoint).
 */
export function checkCrossbarPairWeights(spec: ChipSpec, program: ChipProgram, file: string | undefined): void {
  const p = spec.precision;
  const { mMin, mMax, eLo, eHi } = weightFormat(p);
  checkCrossbarPairSums(spec, program, (w) => weightFits(w, mMin, mMax, eLo, eHi), `${p.weightBits}-bit`, file);
}

function checkFixedPoint(spec: ChipSpec, program: ChipProgram, file: string | undefined): void {
  const fp = program.fixedPoint;
  if (fp === undefined) return;
  const p = spec.precision;
  for (const k of ["decayBits", "stateBits", "currentBits"] as const) {
    if (fp[k] !== p[k]) fail("E_PROGRAM_SPEC_MISMATCH", `the fixed-point program was compiled for ${fp[k]}-bit ${k.replace("Bits", "")}s ("${program.specName}"); chip "${spec.name}" has precision.${k} ${p[k]}`, file, `precision.${k}`);
  }
  // A per-source sign (ODIN) stores a magnitude and takes the sign from the source neuron (one sign per input
  // axon, row, checked below); chip/spec/weight-format.ts.
  const { mMin, mMax, eLo, eHi, signKind } = weightFormat(p);
  const signPerSource = p.weightSignPerSource === true;
  const thStep = thresholdStep(p);
  const thMax = thresholdMax(p);
  // One cell per (axon, neuron) on crossbar chips: a pair's summed weight must fit too (crossbar-pairs.ts).
  checkCrossbarPairWeights(spec, program, file);
  program.cores.forEach((cp) => {
    const w = cp.crossbar.synWeight;
    for (let s = 0; s < w.length; s++) {
      if (!weightFits(w[s], mMin, mMax, eLo, eHi)) {
        fail("E_PROGRAM_SPEC_MISMATCH", `core ${cp.coreId} holds weight ${w[s]}, which is not a ${p.weightBits}-bit ${signKind} mantissa times 2^e with e in [${eLo}, ${eHi}]; chip "${spec.name}" cannot store it`, file, "precision.weightBits");
      }
    }
    // Thresholds: a thresholdBits mantissa times the chip's threshold step (chip/spec/threshold.ts).
    const th = cp.neurons.vThreshold;
    for (let i = 0; i < cp.neuronCount; i++) {
      if (cp.neurons.kind[i] === NeuronKind.input) continue;
      if (th[i] % thStep !== 0 || Math.abs(th[i]) > thMax) {
        fail("E_PROGRAM_SPEC_MISMATCH", `core ${cp.coreId} neuron ${i} has threshold ${th[i]}, which is not a ${p.thresholdBits}-bit mantissa times ${thStep}; chip "${spec.name}" cannot store it`, file, "precision.thresholdBits");
      }
    }
    if (!signPerSource) return;
    const row = cp.crossbar.axonRowPtr;
    for (let a = 0; a < cp.crossbar.axonCount; a++) {
      let pos = false;
      let neg = false;
      for (let s = row[a]; s < row[a + 1]; s++) { if (w[s] > 0) pos = true; else if (w[s] < 0) neg = true; }
      if (pos && neg) fail("E_PROGRAM_SPEC_MISMATCH", `core ${cp.coreId} input axon ${a} holds weights of both signs; chip "${spec.name}" stores one sign per source neuron`, file, "precision.weightSignPerSource");
    }
  });
}

/**
 * Throws the compiler's error code when `program` does not fit `spec`: more cores than the mesh, or any
 * core over one of its limits. `file` (the program's path) is named in the error.
 */
export function checkProgramFitsSpec(spec: ChipSpec, program: ChipProgram, file?: string): void {
  const lim = spec.core;
  const m = spec.mesh;
  if (program.meshWidthTiles !== m.widthTiles || program.meshHeightTiles !== m.heightTiles || program.coresPerTile !== m.coresPerTile) {
    fail("E_PROGRAM_SPEC_MISMATCH", `the program was compiled for a ${program.meshWidthTiles}×${program.meshHeightTiles}×${program.coresPerTile} mesh ("${program.specName}"), the chip "${spec.name}" is ${m.widthTiles}×${m.heightTiles}×${m.coresPerTile}`, file, "mesh");
  }
  const physical = m.widthTiles * m.heightTiles * m.coresPerTile;
  if (program.cores.length > physical) {
    fail("E_CHIP_CORES_EXCEEDED", `the program uses ${program.cores.length} cores; chip "${spec.name}" has ${physical} (${m.widthTiles}×${m.heightTiles} tiles × ${m.coresPerTile})`, file, "mesh");
  }
  // Each core's neuron models must be the chip's (chip/spec/neuron-models.ts): a lif-cond neuron needs "lif-cond".
  if (!neuronModelsOf(spec).includes("lif-cond")) {
    for (const pop of program.populations) {
      const hit = pop.blocks.some((b) => program.cores[b.coreIndex]?.neurons.dynamics?.subarray(b.neuronStart, b.neuronStart + b.count).some((d) => d === NeuronDynamics.lifCond));
      if (hit) throw neuronModelError(spec, pop.name, "lif-cond", file, `populations.${pop.name}.model`);
    }
  }
  // Plastic projections need a learning engine (compiler/passes/learning-support.ts): traceBits 0 has none.
  if (spec.precision.traceBits === 0) {
    const k = program.projections.findIndex((pr) => pr.plasticity !== undefined || pr.learning !== undefined);
    if (k >= 0) {
      throw new AerchipError("E_LEARNING_NO_ENGINE", `projection "${program.projections[k].name}" is plastic; chip "${spec.name}" has no on-chip learning (precision.traceBits 0), so it cannot learn its weights`, {
        ...(file === undefined ? {} : { file }), field: `projections[${k}] (${program.projections[k].name})`,
        hint: "use a chip with on-chip learning (precision.traceBits > 0, e.g. loihi or generic), or compile the model without its learning rules",
      });
    }
  }
  // A rule's weight grid must fit the chip's synapse word (compiler/passes/learning-support.ts checkLearningWeightBits).
  for (const pr of program.projections) {
    const b = pr.learning?.weightBits;
    if (b === undefined || b <= spec.precision.weightBits) continue;
    throw new AerchipError("E_LEARNING_WEIGHT_BITS", `projection "${pr.name}": its learning rule keeps ${b}-bit weights; chip "${spec.name}" stores ${spec.precision.weightBits}-bit weights (precision.weightBits), so the learned weights do not fit its synapses`, {
      ...(file === undefined ? {} : { file }), field: `projections.${pr.name}.learning.weightBits`,
      hint: `compile the model with the rule's weightBits at ${spec.precision.weightBits} or fewer, or run the program on a chip with wider weights`,
    });
  }
  const inputsTakeSlots = inputsTakeNeuronSlots(spec);
  for (const cp of program.cores) {
    if (!(cp.coreId < physical)) fail("E_CHIP_CORES_EXCEEDED", `the program uses core ${cp.coreId}; chip "${spec.name}" has ${physical}`, file, "mesh");
    const d = cp.crossbar.synDelayTicks;
    for (let i = 0; i < d.length; i++) {
      if (d[i] > lim.maxDelayTicks) {
        fail("E_CORE_DELAY_EXCEEDED", `core ${cp.coreId} holds a synapse with a delay of ${d[i]} ticks; chip "${spec.name}" holds at most ${lim.maxDelayTicks}`, file, "core.maxDelayTicks");
      }
    }
  }
  checkDelayPerNeuron(spec, program, file);
  for (const cp of program.cores) {
    const at = `core ${cp.coreId}`;
    // Input neurons take no slot where the chip's inputs are AER events (core.inputsTakeNeuronSlots false, ODIN).
    const inputs = inputsTakeSlots ? 0 : coreInputNeurons(cp);
    const slots = cp.neuronCount - inputs;
    if (slots > lim.maxNeurons) fail("E_CORE_NEURONS_EXCEEDED", `${at} holds ${slots} neurons${inputs === 0 ? "" : ` (besides ${inputs} input neurons, which take no neuron slot on this chip)`}; chip "${spec.name}" has ${lim.maxNeurons} per core`, file, "core.maxNeurons");
    const axons = cp.crossbar.axonCount;
    if (axons > lim.maxInputAxons) fail("E_CORE_INPUT_AXONS_EXCEEDED", `${at} needs ${axons} input axons; chip "${spec.name}" has ${lim.maxInputAxons} per core`, file, "core.maxInputAxons");
    const routes = cp.routing.routeDestCore.length;
    if (routes > lim.maxOutputAxons) fail("E_CORE_OUTPUT_AXONS_EXCEEDED", `${at} needs ${routes} output routing entries; chip "${spec.name}" has ${lim.maxOutputAxons} per core`, file, "core.maxOutputAxons");
    if (lim.maxFanOutCores > 0) {
      const ptr = cp.routing.routePtr;
      for (let i = 0; i < cp.neuronCount; i++) {
        const fan = ptr[i + 1] - ptr[i];
        if (fan > lim.maxFanOutCores) fail("E_CORE_FANOUT_EXCEEDED", `neuron ${i} of ${at} sends to ${fan} cores; chip "${spec.name}" allows ${lim.maxFanOutCores}`, file, "core.maxFanOutCores");
      }
    }
    const bits = coreSynapseMemoryBits(spec, cp);
    if (bits > lim.synapseMemoryBits) fail("E_CORE_SYNAPSE_MEMORY_EXCEEDED", `${at} needs ${bits} bits of synapse memory; chip "${spec.name}" has ${lim.synapseMemoryBits} per core`, file, "core.synapseMemoryBits");
    // The refractory counter: refractoryTicks <= 2^refractoryBits − 1 (compiler/passes/refractory-limit.ts).
    const refrBits = spec.precision.refractoryBits;
    const refrMax = 2 ** refrBits - 1;
    const refr = cp.neurons.refractoryTicks;
    for (let i = 0; i < cp.neuronCount; i++) {
      if (refr[i] > refrMax) fail("E_CORE_REFRACTORY_EXCEEDED", `neuron ${i} of ${at} has a refractory period of ${refr[i]} ticks; chip "${spec.name}" ${refrBits === 0 ? "has no refractory counter (precision.refractoryBits 0)" : `holds at most ${refrMax} (a ${refrBits}-bit counter)`}`, file, "precision.refractoryBits");
    }
    if (lim.maxNeuronConfigs !== undefined) {
      const configs = neuronConfigs(cp, inputsTakeSlots);
      if (configs > lim.maxNeuronConfigs) fail("E_CORE_NEURON_CONFIGS_EXCEEDED", `${at} uses ${configs} neuron configurations; chip "${spec.name}" has ${lim.maxNeuronConfigs} per core`, file, "core.maxNeuronConfigs");
    }
  }
  checkFixedPoint(spec, program, file);
}
