/**
 * Hostile-input properties for the JSON model and chip-spec parsers: random bytes, truncations, wrong
 * types, NaN/Inf-like values, negative or huge sizes and delays, deep nesting. Every input either parses or
 * throws an AerchipError with a stable code — never another exception, never a hang, and no allocation is
 * attempted for a declared size beyond the documented cap.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { parseJsonText, type Json } from "../../compiler/frontends/json-fields.ts";
import { parseSnnref } from "../../compiler/frontends/snnref.ts";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import { parseChipSpecJson } from "../../chip/spec/load.ts";
import { compileModel } from "../../compiler/compile.ts";
import { genericWith } from "../helpers/specs.ts";

const DEMO_TEXT = readFileSync("examples/demo/ei-small.net.json", "utf8");
const SPEC_TEXT = readFileSync("chip/spec/presets/generic.json", "utf8");
const SMALL_SNNREF = JSON.stringify({
  format: "snnref-1", name: "tiny", steps: 20,
  populations: [
    { name: "in", kind: "input", size: 3, spikes: [[0, 1], [2, 2], [5, 0]] },
    { name: "a", kind: "lif", size: 4, decay: 0.5, v_th: 1, reset: "subtract", refractory: 1 },
  ],
  projections: [
    { name: "p", pre: "in", post: "a", sparse: { pre: [0, 1, 2], post: [0, 1, 3], weights: [1, 2, 3], delays: [1, 2, 3] } },
    { name: "q", pre: "a", post: "a", dense: { weights: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]], delays: 1 } },
  ],
});

function expectCodedOrOk(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isAerchipError(e)) throw new Error(`non-Aerchip exception: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.code).toMatch(/^E_[A-Z_]+$/);
  }
}

const SMALL_CHIP = genericWith({ maxNeurons: 8 }, { widthTiles: 4, heightTiles: 4, coresPerTile: 1 });

/** Parse as a model then compile on a small chip: the whole front half must stay coded. */
function modelPipeline(text: string, file: string): void {
  const json = parseJsonText(text, file);
  const fmt = typeof json === "object" && json !== null && !Array.isArray(json) ? json.format : undefined;
  const m = fmt === "snnref-1" ? parseSnnref(json, file) : parseAerchipModel(json, file);
  compileModel(m.graph, SMALL_CHIP, { file });
}

/** Replace one value in a JSON tree, chosen by a path index, with a hostile value. */
function mutate(tree: Json, pick: number, hostile: Json): Json {
  let counter = 0;
  const walk = (v: Json): Json => {
    const here = counter++;
    if (here === pick) return hostile;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(tree);
}

const hostileValue = fc.oneof(
  fc.constantFrom<Json>(null, true, "", "NaN", "Infinity", -1, -1e308, 1e308, 1e12, 2 ** 53, 0.5, -0, 65536, [], {}, [[]], "zero", "subtract"),
  fc.integer(), fc.double(), fc.string({ maxLength: 8 }),
);

describe("JSON model parsers under hostile input", () => {
  it("random bytes and text never escape as raw exceptions (10,000 inputs)", () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1"))), (text) => {
      expectCodedOrOk(() => modelPipeline(text, "fuzz.json"));
      expectCodedOrOk(() => parseChipSpecJson(text, "fuzz-spec.json"));
    }), { numRuns: 10_000, seed: 42 });
  });

  it("every truncation of valid files gives a coded error (snnref, aerchip-model, chip spec)", () => {
    for (let cut = 0; cut < SMALL_SNNREF.length; cut++) expectCodedOrOk(() => modelPipeline(SMALL_SNNREF.slice(0, cut), "t.json"));
    for (let cut = 0; cut < DEMO_TEXT.length; cut += 97) expectCodedOrOk(() => modelPipeline(DEMO_TEXT.slice(0, cut), "demo.json"));
    for (let cut = 0; cut < SPEC_TEXT.length; cut += 3) expectCodedOrOk(() => parseChipSpecJson(SPEC_TEXT.slice(0, cut), "generic.json"));
  });

  it("wrong types, NaN/Inf, negative and huge sizes or delays at any position (10,000 mutations)", () => {
    const base = JSON.parse(SMALL_SNNREF) as Json;
    const spec = JSON.parse(SPEC_TEXT) as Json;
    fc.assert(fc.property(fc.nat(80), hostileValue, fc.boolean(), (pick, hostile, aerchipFormat) => {
      let tree = mutate(base, pick, hostile);
      if (aerchipFormat && typeof tree === "object" && tree !== null && !Array.isArray(tree)) tree = { ...tree, format: "aerchip-model-1" };
      expectCodedOrOk(() => modelPipeline(JSON.stringify(tree), "m.json"));
      expectCodedOrOk(() => parseChipSpecJson(JSON.stringify(mutate(spec, pick, hostile)), "s.json"));
    }), { numRuns: 10_000, seed: 7 });
  });

  it("a declared population of 1e12 neurons is refused before allocating", () => {
    const tree = JSON.parse(SMALL_SNNREF);
    tree.populations[1].size = 1e12;
    const before = process.memoryUsage().arrayBuffers;
    let code = "";
    try { modelPipeline(JSON.stringify(tree), "huge.json"); } catch (e) { if (isAerchipError(e)) code = e.code; }
    expect(code).toBe("E_MODEL_FIELD");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("deeply nested arrays are rejected with a code, not a stack overflow", () => {
    const deep = `{"format":"snnref-1","steps":1,"populations":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expectCodedOrOk(() => modelPipeline(deep, "deep.json"));
  });
});
