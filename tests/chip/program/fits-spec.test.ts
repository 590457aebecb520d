import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { AerchipError } from "../../../core/diagnostics.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { loadNirModel } from "../../../compiler/frontends/nir/index.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

// The snnref and NIR fixtures of ../shared join the examples when ../shared is there.
const SNNREF = sharedPath("fixtures/snnref");
const models = [
  "examples/demo/ei-small.net.json",
  "examples/learning/stdp-pair.model.json",
  ...(HAS_SHARED ? readdirSync(SNNREF).filter((f) => f.endsWith(".net.json")).map((f) => join(SNNREF, f)) : []),
];

function codeOf(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof AerchipError) return e.code;
    throw e;
  }
}

function withCore(spec: ChipSpec, core: Partial<ChipSpec["core"]>): ChipSpec {
  return { ...spec, core: { ...spec.core, ...core } };
}

const NIR = sharedPath("fixtures/nir");
const nirModels = ["paper_cnn/cnn_sinabs.nir", "paper_lif/lif_norse.nir", "paper_rnn/braille_noDelay_bias_zero.nir",
  "snntorch/snntorch_conv_lif.nir", "snntorch/snntorch_dense_lif.nir", "snntorch/snntorch_rleaky_cuba.nir"].map((f) => join(NIR, f));

describe("checkProgramFitsSpec", () => {
  const graphs: Array<[string, ModelGraph]> = models.map((path) => [path, loadJsonModel(path).graph]);

  it.skipIf(!HAS_SHARED)(`loads the NIR fixtures (conv layers with weight sharing among them) ${SKIP_MSG}`, async () => {
    for (const path of nirModels) graphs.push([path, (await loadNirModel(path)).graph]);
  });

  // A program compiled for a chip always fits that chip (float and fixed point, every preset).
  for (const preset of listPresetNames()) {
    it(`accepts every program compiled for ${preset}`, () => {
      const spec = loadPreset(preset);
      let compiled = 0;
      for (const [path, graph] of graphs) {
        for (const precision of ["float", "fixed"] as const) {
          let program;
          try {
            program = compileModel(graph, spec, { precision, file: path }).program;
          } catch (e) {
            if (e instanceof AerchipError) continue; // does not fit this chip (or not in fixed point): nothing to check
            throw e;
          }
          compiled++;
          expect(codeOf(() => checkProgramFitsSpec(spec, program, path)), `${path} ${precision}`).toBeUndefined();
        }
      }
      expect(compiled).toBeGreaterThan(0);
    });
  }

  const generic = loadPreset("generic");
  const program = compileModel(loadJsonModel("examples/demo/ei-small.net.json").graph, generic).program;

  it("rejects cores over the chip's per-core limits with the compiler's codes", () => {
    const maxN = Math.max(...program.cores.map((c) => c.neuronCount));
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxNeurons: maxN - 1 }), program))).toBe("E_CORE_NEURONS_EXCEEDED");
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxInputAxons: 1 }), program))).toBe("E_CORE_INPUT_AXONS_EXCEEDED");
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { synapseMemoryBits: 64 }), program))).toBe("E_CORE_SYNAPSE_MEMORY_EXCEEDED");
    const routes = Math.max(...program.cores.map((c) => c.routing.routeDestCore.length));
    if (routes > 0) expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxOutputAxons: routes - 1 }), program))).toBe("E_CORE_OUTPUT_AXONS_EXCEEDED");
  });

  it("rejects delays longer than the chip holds", () => {
    const maxD = Math.max(...program.cores.flatMap((c) => Array.from(c.crossbar.synDelayTicks)));
    expect(maxD).toBeGreaterThan(1);
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxDelayTicks: maxD - 1 }), program))).toBe("E_CORE_DELAY_EXCEEDED");
  });

  it("rejects more neuron configurations per core than the chip holds (the compiler's key, chip/program/neuron-config.ts)", () => {
    // ei-small's E and I populations differ in their parameters: a core holding both, or one population
    // with per-neuron parameters, has more than one configuration; a chip with one per core refuses it.
    const most = Math.max(...program.cores.map((c) => new Set(Array.from({ length: c.neuronCount }, (_, i) => `${c.neurons.vThreshold[i]}|${c.neurons.voltageDecay[i]}|${c.neurons.kind[i]}`)).size));
    expect(most).toBeGreaterThan(1);
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxNeuronConfigs: 1 }), program))).toBe("E_CORE_NEURON_CONFIGS_EXCEEDED");
    expect(codeOf(() => checkProgramFitsSpec(withCore(generic, { maxNeuronConfigs: 1000 }), program))).toBeUndefined();
  });

  it("rejects a mesh of another size", () => {
    expect(codeOf(() => checkProgramFitsSpec({ ...generic, mesh: { ...generic.mesh, widthTiles: 1 } }, program))).toBe("E_PROGRAM_SPEC_MISMATCH");
  });

  it("rejects a fixed-point program on a chip with narrower weights", () => {
    const fixed = compileModel(loadJsonModel("examples/demo/ei-small.net.json").graph, generic, { precision: "fixed" }).program;
    const narrow = { ...generic, precision: { ...generic.precision, weightBits: 2 } };
    expect(codeOf(() => checkProgramFitsSpec(narrow, fixed))).toBe("E_PROGRAM_SPEC_MISMATCH");
  });
});
