/**
 * E_CHIP_CORES_EXCEEDED says how many of the model's neurons are input neurons (audit s22a finding 7): on
 * chips whose input neurons take neuron slots (core.inputsTakeNeuronSlots absent or true: every preset but
 * odin) the inputs alone can make a model not fit. On odin they take none (its inputs are AER events addressing
 * crossbar rows; hardware-facts.md §2.4; tests/compiler/odin-aer-inputs.test.ts), and the message counts the
 * other neurons besides them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { compileModel } from "../../compiler/compile.ts";
import { loadModel } from "../../cli/pipeline.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";

const LIF = { kind: "lif", decay: 0.9, v_th: 1.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" };

function modelFile(populations: unknown[], projections: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-cores-"));
  const path = join(dir, "m.net.json");
  writeFileSync(path, JSON.stringify({ format: "snnref-1", name: "m", steps: 2, populations, projections }));
  return path;
}

function errorOf(path: string, spec: ChipSpec): AerchipError {
  try {
    compileModel(loadModel(path).graph, spec, { file: path });
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw e;
  }
  throw new Error("compiled");
}

const dense = (name: string, pre: string, post: string, rows: number, cols: number) =>
  ({ name, pre, post, dtype: "float", dense: { weights: Array.from({ length: rows }, () => Array(cols).fill(0.5)), delays: 1 } });

describe("E_CHIP_CORES_EXCEEDED names the input neurons", () => {
  it("a chip whose inputs take slots (a one-core, 256-neuron generic): 256 inputs → 10 neurons is refused, and the message says 256 of the 266 neurons are inputs", () => {
    const g = loadPreset("generic");
    const spec: ChipSpec = { ...g, mesh: { ...g.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...g.core, maxNeurons: 256 } };
    const path = modelFile([{ name: "in", kind: "input", size: 256, spikes: [[0, 0]] }, { name: "out", size: 10, ...LIF }], [dense("in_out", "in", "out", 256, 10)]);
    const e = errorOf(path, spec);
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/266 neurons \(256 of them input neurons/);
    expect(e.hint).toMatch(/this chip places them in core\.maxNeurons, core\.inputsTakeNeuronSlots; a chip whose inputs are AER events addressing crossbar rows, such as odin, does not/);
  });

  it("ODIN: 200 inputs → 257 neurons is refused for its 257 neurons, besides the 200 inputs", () => {
    const path = modelFile([{ name: "in", kind: "input", size: 200, spikes: [[0, 0]] }, { name: "out", size: 257, ...LIF }], []);
    const e = errorOf(path, loadPreset("odin"));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/the model has 257 neurons besides 200 input neurons \(which take no neuron slot on this chip: core\.inputsTakeNeuronSlots false\) and needs at least 2 cores of 256; chip "odin" has 1/);
    expect(e.hint).not.toMatch(/input/);
  });

  it("a model without input neurons does not mention them", () => {
    const path = modelFile([{ name: "a", size: 300, ...LIF, bias: 2 }], []);
    const e = errorOf(path, loadPreset("odin"));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/300 neurons and needs at least 2 cores/);
    expect(e.message).not.toMatch(/input/);
  });

  it("after partitioning (blocks that do not pack into the chip's cores), the message names the inputs too", () => {
    // 12 neurons fit one 20-neuron core, but hA and hB each need 4 input axons of a core's 4: two cores on a one-core chip.
    const g = loadPreset("generic");
    const spec: ChipSpec = { ...g, mesh: { ...g.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...g.core, maxNeurons: 20, maxInputAxons: 4 } };
    const path = modelFile(
      [{ name: "inA", kind: "input", size: 4, spikes: [] }, { name: "inB", kind: "input", size: 4, spikes: [] }, { name: "hA", size: 2, ...LIF }, { name: "hB", size: 2, ...LIF }],
      [dense("a", "inA", "hA", 4, 2), dense("b", "inB", "hB", 4, 2)],
    );
    const e = errorOf(path, spec);
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/12 neurons \(8 of them input neurons.*\) need 2 cores/);
    // The limit that closed core 0: hB's 4 input axons beside hA's 4 (audit s23y #4).
    expect(e.message).toContain("core.maxInputAxons 4 (core 0: 4 input axons, hB[0:2] would make 8)");
    expect(e.hint).toContain("(core.maxInputAxons: the limits that closed the cores)");
  });

  it("ODIN: in[250] → h0[10] → h1[10] needs 3 cores; the message names the output-axon and crossbar-row limits that split it (audit s23y #4)", () => {
    // in's 250 AER addresses + h0's 10 routes = 260 output axons > 256 (core 0 closed); on h0's core, in's 250 rows
    // + h0's 10 feeding h1 = 260 crossbar rows > 256 (core 1 closed). One neuron's fan-in (250, or 10) fits a core.
    const path = modelFile(
      [{ name: "in", kind: "input", size: 250, spikes: [[0, 0]] }, { name: "h0", size: 10, ...LIF }, { name: "h1", size: 10, ...LIF }],
      [dense("a", "in", "h0", 250, 10), dense("b", "h0", "h1", 10, 10)],
    );
    const e = errorOf(path, loadPreset("odin"));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/the model's 20 neurons besides 250 input neurons .* need 3 cores under the per-core limits; chip "odin" has 1/);
    expect(e.message).toContain("core.maxInputAxons 256 (core 1: 250 input axons, h1[0:10] would make 260)");
    expect(e.message).toContain("core.maxOutputAxons 256 (core 0: 250 output axons, h0[0:10] would make 260)");
    expect(e.hint).toContain("core.maxInputAxons, core.maxOutputAxons: the limits that closed the cores");
  });

  it("a model split by neurons names core.maxNeurons and how many cores it closed", () => {
    // 3 × 100 unconnected neurons on two 150-neuron cores (300 fit perfectly packed): whole blocks do not, 100 + 100 > 150.
    // Since audit s25a #1 the fill packing cuts b to the room beside a (a + b[0:50], b[50:100] + c); with one neuron
    // configuration per core (the three thresholds differ) it cannot, and the default packing's closures are named.
    const g = loadPreset("generic");
    const two = (more: Partial<ChipSpec["core"]>): ChipSpec => ({ ...g, mesh: { ...g.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 2 }, core: { ...g.core, maxNeurons: 150, ...more } });
    const path = modelFile([{ name: "a", size: 100, ...LIF, bias: 2 }, { name: "b", size: 100, ...LIF, v_th: 2, bias: 2 }, { name: "c", size: 100, ...LIF, v_th: 3, bias: 2 }], []);
    const e = errorOf(path, two({ maxNeuronConfigs: 1 }));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toContain("need 3 cores");
    expect(e.message).toContain("core.maxNeurons 150 (2 cores; first core 0: 100 neurons, b[0:100] would make 200)");
    expect(e.message).toContain("core.maxNeuronConfigs 1 (2 cores; first core 0: 1 neuron configurations, b[0:100] would make 2)");
    const { mapping } = compileModel(loadModel(path).graph, two({}), { file: path });
    expect(mapping.fillPacking).toBe(true);
    expect(mapping.cores.map((c) => c.blocks.map((b) => `${b.population}[${b.start}:${b.start + b.count}]`).join(" "))).toEqual(["a[0:100] b[0:50]", "b[50:100] c[0:100]"]);
  });

  it("the odin preset states that inputs take no neuron slot (its description and core.maxNeurons source)", () => {
    const odin = loadPreset("odin");
    expect(odin.description).toMatch(/input neurons take no neuron slot \(core\.inputsTakeNeuronSlots false\)/);
    expect(odin.description).toMatch(/256-input layer .* fits/);
    expect(odin.fieldSources?.["core.maxNeurons"]).toMatch(/input neurons take none of them/);
  });
});
