/**
 * Axon types (audit s22a finding 3): TrueNorth's core.axonTypes = 4 (one weight per neuron and axon type, one
 * type per axon and core) is enforced on fixed-point programs (compiler/passes/axon-types.ts). The auditor's
 * model (20 inputs → 30 LIF, dense integer weights −2…4, some neurons see 6 distinct weights) is refused
 * with E_CORE_AXON_TYPES_EXCEEDED; it compiled before. A model built from 4 types per neuron compiles and runs
 * spike-exact; float precision and presets without axon types are unaffected.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { checkAxonTypes } from "../../../compiler/passes/axon-types.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";
import { writeNpy } from "../../../core/io/npy.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-axon-types-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
// The auditor's 20 → 30 model (audit s22a #3), made IF without a refractory period (decay 1, refractory 0):
// TrueNorth fixed point refuses leaky populations (E_FIXED_LEAK_ADDITIVE) and refractory periods (no counter).
const SMALL = join(import.meta.dirname, "axon-types-small.net.json");
const truenorth = loadPreset("truenorth");
const CODE = "E_CORE_AXON_TYPES_EXCEEDED";

/** An IF model: `nIn` inputs → `nOut` neurons, dense integer weights w[i][j], threshold 6, input spikes on a pattern. */
function denseModel(name: string, w: number[][], steps = 40): Json {
  const nIn = w.length;
  const spikes: number[][] = [];
  for (let t = 0; t < steps; t++) for (let i = 0; i < nIn; i++) if ((t * 7 + i * 3) % 5 === 0) spikes.push([t, i]);
  return {
    format: "aerchip-model-1", name, steps,
    populations: [
      { name: "in", kind: "input", size: nIn, spikes },
      { name: "h", kind: "neuron", size: w[0].length, vThreshold: 6 },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dense: { weights: w, delays: 1 } }],
  } as unknown as Json;
}

function graphOf(json: Json, file: string) {
  return parseAerchipModel(json, file).graph;
}

describe("axon types on truenorth (core.axonTypes 4)", () => {
  it("the auditor's small model is refused in fixed point (a neuron needs 6 weights), naming the core's population; float runs", async () => {
    const { graph } = loadJsonModel(SMALL);
    expect(truenorth.core.axonTypes).toBe(4);
    const e = errorOf(() => compileModel(graph, truenorth, { precision: "fixed", file: SMALL }));
    expect(e.code).toBe(CODE);
    expect(e.field).toBe("populations.h");
    expect(e.file).toBe(SMALL);
    const fixed = await cli("run", SMALL, "--arch", "truenorth", "--precision", "fixed", "--out", join(TMP, "small-fixed"), "--quiet");
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain(CODE);
    // Float precision is the ideal chip: not refused.
    expect((await cli("run", SMALL, "--arch", "truenorth", "--out", join(TMP, "small-float"), "--quiet")).code).toBe(0);
  });

  it("presets without axon types are unaffected in fixed point", async () => {
    for (const arch of ["loihi", "generic", "spinnaker2"]) {
      expect((await cli("run", SMALL, "--arch", arch, "--precision", "fixed", "--out", join(TMP, `small-${arch}`), "--quiet")).code).toBe(0);
    }
  });

  it("≤ 4 weights per neuron but no consistent type per axon (5 axons pairwise in conflict) is refused", () => {
    // Neuron (i, j) for each pair i < j of 5 inputs: weight 1 from input i, 2 from input j. Every neuron sees
    // 2 distinct weights, but inputs i and j need different types at neuron (i, j): 5 types are needed.
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push([i, j]);
    const w = Array.from({ length: 5 }, (_, a) => pairs.map(([i, j]) => (a === i ? 1 : a === j ? 2 : 0)));
    const g = graphOf(denseModel("k5", w), "k5.json");
    expect(errorOf(() => compileModel(g, truenorth, { precision: "fixed" })).code).toBe(CODE);
    // With 4 inputs (a complete graph on 4), 4 types suffice.
    const w4 = w.slice(0, 4).map((row) => row.filter((_, k) => pairs[k][1] < 4));
    expect(() => compileModel(graphOf(denseModel("k4", w4), "k4.json"), truenorth, { precision: "fixed" })).not.toThrow();
    // Loihi has no axon types; a float program is never checked.
    const loihiFixed = compileModel(g, loadPreset("loihi"), { precision: "fixed" });
    expect(() => checkAxonTypes(loihiFixed.program, loadPreset("loihi"), "k5.json")).not.toThrow();
    const tnFloat = compileModel(g, truenorth, {});
    expect(() => checkAxonTypes(tnFloat.program, truenorth, "k5.json")).not.toThrow();
  });

  it("one axon reaching one neuron through two synapses is one pair holding their sum (audit s22r-x #2)", () => {
    // in0 → h0 as 1 + 3 = 4: the quantiser scales each synapse (3 → 192 state units, q = 6), so the pair's
    // sum 256 passes the 9-bit cell (max 255) and is refused (chip/program/crossbar-pairs.ts).
    const json = denseModel("dup", [[1, 1], [2, 2]]) as unknown as { projections: unknown[] };
    json.projections.push({ name: "in_h2", pre: "in", post: "h", dense: { weights: [[3, 0], [0, 0]], delays: 1 } });
    expect(errorOf(() => compileModel(graphOf(json as unknown as Json, "dup.json"), truenorth, { precision: "fixed" })).code).toBe("E_FIXED_CROSSBAR_PAIR_RANGE");
  });

  it("a model whose neurons see ≤ 4 weights with one type per input compiles, runs and matches float spike for spike", async () => {
    // τ(input a) = a mod 4; w(a, n) = W[n][τ(a)] where connected (a pattern with zeros); 24 inputs → 40 neurons
    // on one core (truenorth's maxFanOutCores is 1).
    const W = (n: number, t: number): number => [[3, 1, -2, 2], [1, -1, 4, 2], [2, 3, -1, 1]][n % 3][t] + (n % 2);
    const w = Array.from({ length: 24 }, (_, a) => Array.from({ length: 40 }, (_, n) => ((a * 5 + n * 3) % 7 < 4 ? W(n, a % 4) : 0)));
    const path = join(TMP, "typed.json");
    writeFileSync(path, JSON.stringify(denseModel("typed", w)));
    for (const mode of ["fixed", "float"]) {
      const r = await cli("run", path, "--arch", "truenorth", "--precision", mode, "--out", join(TMP, `typed-${mode}`), "--quiet");
      expect(r.code, r.stderr).toBe(0);
    }
    const spikes = (mode: string): { h: number[][] } => JSON.parse(readFileSync(join(TMP, `typed-${mode}`, "spikes.json"), "utf8")).spikes;
    expect(spikes("fixed").h.length).toBeGreaterThan(20);
    expect(spikes("fixed")).toEqual(spikes("float"));
  });
});

describe("a compiled fixed-point program run on truenorth", () => {
  it("is checked against core.axonTypes like a compile (run program.aerprog --arch truenorth)", async () => {
    // A program is bound to its chip's mesh: compile on truenorth without axon types (as before this check).
    const spec = JSON.parse(readFileSync("chip/spec/presets/truenorth.json", "utf8"));
    delete spec.core.axonTypes;
    spec.core.synapseMemoryBits = 256 * 256 * spec.precision.weightBits; // a weight per crossbar entry
    delete spec.fieldSources["core.axonTypes"];
    const free = join(TMP, "truenorth-free.json");
    writeFileSync(free, JSON.stringify({ ...spec, name: "truenorth-free" }));
    const dir = join(TMP, "prog");
    const c = await cli("compile", SMALL, "--arch", free, "--precision", "fixed", "--out", dir, "--quiet");
    expect(c.code, c.stderr).toBe(0);
    const input = join(TMP, "in.npy");
    const data = new Float32Array(20 * 20);
    for (let i = 0; i < data.length; i += 7) data[i] = 1;
    writeFileSync(input, writeNpy(data, [20, 20]));
    const prog = join(dir, "program.aerprog");
    expect((await cli("run", prog, "--arch", free, "--input", input, "--out", join(TMP, "prog-free"), "--quiet")).code).toBe(0);
    const r = await cli("run", prog, "--arch", "truenorth", "--input", input, "--out", join(TMP, "prog-tn"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(CODE);
  });
});
