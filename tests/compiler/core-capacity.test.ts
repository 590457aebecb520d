/**
 * compiler/core-capacity.ts: the chip's neuron capacity checked from population sizes alone, before the
 * front end builds ~64 bytes of parameters per neuron (audit s22b #19). The bound ⌈Σ sizes / maxNeurons⌉
 * must never refuse a model the full compile accepts (populations share cores).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkJsonModelCapacity, checkNeuronCapacity } from "../../compiler/core-capacity.ts";
import { compileModel } from "../../compiler/compile.ts";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { cli } from "../helpers/cli.ts";
import { genericWith } from "../helpers/specs.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-capacity-"));

/** An aerchip-model-1 document: an input of `inSize` driving one neuron population per entry of `sizes`. */
function model(inSize: number, sizes: readonly number[]): Record<string, unknown> {
  return {
    format: "aerchip-model-1", name: "cap", steps: 3,
    populations: [
      { name: "in", kind: "input", size: inSize, spikes: [[0, 0]] },
      ...sizes.map((size, k) => ({ name: `n${k}`, kind: "neuron", size, voltageDecay: 1, vThreshold: 1 })),
    ],
    projections: sizes.map((size, k) => ({ name: `p${k}`, pre: "in", post: `n${k}`, sparse: { pre: [0], post: [size - 1], weights: [1], delays: [1] } })),
  };
}

function errorOf(f: () => unknown): AerchipError | undefined {
  try { f(); } catch (e) { if (e instanceof AerchipError) return e; throw e; }
  return undefined;
}

describe("checkNeuronCapacity / checkJsonModelCapacity", () => {
  // 2 cores of 4 neurons: 8 neuron slots.
  const spec = genericWith({ maxNeurons: 4 }, { widthTiles: 1, heightTiles: 1, coresPerTile: 2 });

  it("accepts a model the compile accepts although Σ ⌈size / maxNeurons⌉ exceeds the cores (populations share cores)", () => {
    const doc = model(1, [3, 3]); // 1 + 3 + 3 = 7 neurons; per population ⌈⌉ gives 1 + 1 + 1 = 3 cores > 2
    expect(errorOf(() => checkJsonModelCapacity(doc.populations, spec, "cap.json"))).toBeUndefined();
    const compiled = compileModel(parseAerchipModel(JSON.parse(JSON.stringify(doc)), "cap.json").graph, spec, { file: "cap.json" });
    expect(compiled.mapping.coresUsed).toBe(2);
  });

  it("refuses one neuron more with the compile's own code, message and hint", () => {
    const doc = model(1, [3, 5]); // 9 neurons need ⌈9 / 4⌉ = 3 cores
    const early = errorOf(() => checkJsonModelCapacity(doc.populations, spec, "cap.json"));
    const late = errorOf(() => compileModel(parseAerchipModel(JSON.parse(JSON.stringify(doc)), "cap.json").graph, spec, { file: "cap.json" }));
    expect(early?.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(late?.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect([early?.message, early?.hint, early?.field, early?.file]).toEqual([late?.message, late?.hint, late?.field, late?.file]);
    // The model's one input neuron is named (input neurons take neuron slots: audit s22a #7).
    expect(early?.message).toContain("9 neurons (1 of them input neurons, which take neuron slots as compartments do) and needs at least 3 cores of 4");
  });

  it("leaves sizes the front end refuses to the front end (its field error, not the cores)", () => {
    expect(errorOf(() => checkJsonModelCapacity([{ size: 1e12 }, { size: -5 }, { size: "9" }, { size: 2.5 }, null], spec, "x.json"))).toBeUndefined();
    expect(errorOf(() => checkNeuronCapacity(8, spec, undefined))).toBeUndefined();
    expect(errorOf(() => checkNeuronCapacity(9, spec, undefined))?.code).toBe("E_CHIP_CORES_EXCEEDED");
  });

  it("loadJsonModel with the chip refuses before the front end reads the populations (a broken field after them is not reached)", () => {
    const dir = tmp();
    const doc = model(1, [3, 5]);
    // The front end would refuse this projection (E_MODEL_*) if it got that far.
    (doc.projections as Array<Record<string, unknown>>)[0].sparse = { pre: [0, 0], post: [1], weights: [1], delays: [1] };
    const path = join(dir, "m.json");
    writeFileSync(path, JSON.stringify(doc));
    expect(errorOf(() => loadJsonModel(path))?.code).toMatch(/^E_MODEL/);
    expect(errorOf(() => loadJsonModel(path, spec))?.code).toBe("E_CHIP_CORES_EXCEEDED");
  });
});

describe("run: a model far larger than the chip (audit s22b #19)", () => {
  it("counts the chip's neuron slots after --core-neurons: a model that fits only with it runs", async () => {
    const dir = tmp();
    const specFile = join(dir, "small.json");
    writeFileSync(specFile, JSON.stringify({ ...genericWith({ maxNeurons: 4 }, { widthTiles: 1, heightTiles: 1, coresPerTile: 2 }), name: "small" }));
    const path = join(dir, "m.json");
    writeFileSync(path, JSON.stringify(model(1, [3, 5]))); // 9 neurons: 3 cores of 4, 2 cores of 8
    const refused = await cli("run", path, "--arch", specFile, "--out", join(dir, "o1"));
    expect([refused.code, refused.stderr.split(":")[1]?.trim()]).toEqual([1, "E_CHIP_CORES_EXCEEDED"]);
    const ran = await cli("run", path, "--arch", specFile, "--core-neurons", "8", "--out", join(dir, "o2"));
    expect([ran.code, ran.stderr]).toEqual([0, ""]);
  });

  it("is refused with E_CHIP_CORES_EXCEEDED before its per-neuron arrays are built", async () => {
    const dir = tmp();
    // 2^21 neurons on generic with --core-neurons 1 (1024 slots); the projection is broken on purpose: the
    // front end would refuse it (E_MODEL_*) had it built the model, so the code shows the order.
    const doc = model(1, [2 ** 21]);
    (doc.projections as Array<Record<string, unknown>>)[0].sparse = { pre: [0, 0], post: [1], weights: [1], delays: [1] };
    const path = join(dir, "big.json");
    writeFileSync(path, JSON.stringify(doc));
    const before = process.memoryUsage().arrayBuffers;
    const r = await cli("run", path, "--arch", "generic", "--core-neurons", "1", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_CHIP_CORES_EXCEEDED: the model has 2097153 neurons \(1 of them input neurons, which take neuron slots as compartments do\) and needs at least 2097153 cores of 1; chip "generic\*" has 1024 /);
    // Loosely: nowhere near the ~128 MB of parameter arrays 2^21 neurons would take.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
    // `compile` the same.
    const c = await cli("compile", path, "--arch", "generic", "--core-neurons", "1", "--out", join(dir, "c"));
    expect([c.code, c.stderr.split(":")[1]?.trim()]).toEqual([1, "E_CHIP_CORES_EXCEEDED"]);
  });
});
