/**
 * mapping.json's blocks are ranges of positions in the compiler's neuron order (compiler/passes/order.ts);
 * `populations[].order` (compiler/order-runs.ts) gives the model index at each position, so the neurons
 * mapping.json puts on each core are the ones the program holds there (audit s22a finding 1).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { readProgramFile } from "../../chip/program/codec.ts";
import { populationIndexAt } from "../../chip/program/types.ts";
import { decodeOrderRuns, type OrderEntry } from "../../compiler/order-runs.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-maporder-"));

interface Mapping {
  cores: Array<{ coreId: number; blocks: Array<{ population: string; start: number; count: number }> }>;
  populations: Array<{ name: string; size: number; order?: OrderEntry[] }>;
}

/** "coreId pop index" for every neuron, as mapping.json places them. */
function fromMapping(m: Mapping): string[] {
  const order = new Map(m.populations.map((p) => [p.name, p.order === undefined ? undefined : decodeOrderRuns(p.order)]));
  const out: string[] = [];
  for (const c of m.cores) for (const b of c.blocks) for (let i = 0; i < b.count; i++) {
    const o = order.get(b.population);
    out.push(`${c.coreId} ${b.population} ${o === undefined ? b.start + i : o[b.start + i]}`);
  }
  return out.sort();
}

/** The same, from the compiled program. */
function fromProgram(file: string): string[] {
  const p = readProgramFile(file);
  const out: string[] = [];
  for (const pop of p.populations) for (const b of pop.blocks) for (let i = 0; i < b.count; i++) {
    out.push(`${p.cores[b.coreIndex].coreId} ${pop.name} ${populationIndexAt(pop, b.populationStart + i)}`);
  }
  return out.sort();
}

/** 6 inputs → 12 LIF, h[i] fed by in[5 − i mod 6]: the compiler reverses `in` and interleaves `h`. */
function reversedModel(dir: string): string {
  const pre: number[] = [];
  const post: number[] = [];
  for (let i = 0; i < 12; i++) { pre.push(5 - (i % 6)); post.push(i); }
  const model = {
    format: "snnref-1", name: "reversed", steps: 5,
    populations: [
      { name: "in", kind: "input", size: 6, spikes: [[0, 0], [1, 5]] },
      { name: "h", kind: "lif", size: 12, decay: 0.9, v_th: 1.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dtype: "float", sparse: { pre, post, weights: pre.map(() => 1.5), delays: pre.map(() => 1) } }],
  };
  const path = join(dir, "reversed.net.json");
  writeFileSync(path, JSON.stringify(model));
  return path;
}

describe("mapping.json records the compiler's neuron order", () => {
  it("a small model with a non-identity order: mapping.json's neurons per core are the program's", async () => {
    const dir = tmp();
    const r = await cli("compile", reversedModel(dir), "--arch", "loihi", "--core-neurons", "4", "--out", dir);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, "mapping.json"), "utf8");
    // cli/mapping-json.ts: an order is written on one line (indented JSON would take a line per number).
    expect(text).toContain('"order": [[5,-1,6]]');
    const m = JSON.parse(text) as Mapping;
    expect(m.populations.find((p) => p.name === "in")?.order).toEqual([[5, -1, 6]]);
    expect(m.populations.find((p) => p.name === "h")?.order).toEqual([5, 11, 4, 10, 3, 9, 2, 8, 1, 7, 0, 6]);
    expect(m.cores.length).toBeGreaterThan(2);
    expect(fromMapping(m)).toEqual(fromProgram(join(dir, "program.aerprog")));
    // The text output says the ranges are positions, for the reordered populations.
    expect(r.stdout).toMatch(/blocks of in, h are position ranges in the compiler's neuron order/);
  });

  it.skipIf(!HAS_SHARED)(`snnref c04 on loihi: mapping.json's neurons per core are the program's ${SKIP_MSG}`, async () => {
    const dir = tmp();
    const r = await cli("compile", sharedPath("fixtures/snnref/c04_ei_2000_int.net.json"), "--arch", "loihi", "--out", dir, "--quiet");
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "mapping.json"), "utf8")) as Mapping;
    expect(m.populations.every((p) => p.order !== undefined)).toBe(true);
    expect(fromMapping(m)).toEqual(fromProgram(join(dir, "program.aerprog")));
  });

  it("populations in their own order (dense layers) have no `order`, and their blocks are model indices", async () => {
    const dir = tmp();
    const model = {
      format: "snnref-1", name: "dense", steps: 5,
      populations: [
        { name: "in", kind: "input", size: 6, spikes: [[0, 0]] },
        { name: "h", kind: "lif", size: 12, decay: 0.9, v_th: 1.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" },
      ],
      projections: [{ name: "in_h", pre: "in", post: "h", dtype: "float", dense: { weights: Array.from({ length: 6 }, () => Array(12).fill(0.5)), delays: 1 } }],
    };
    writeFileSync(join(dir, "dense.net.json"), JSON.stringify(model));
    const r = await cli("compile", join(dir, "dense.net.json"), "--arch", "loihi", "--core-neurons", "4", "--out", dir);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, "mapping.json"), "utf8")) as Mapping;
    expect(m.populations.map((p) => p.order)).toEqual([undefined, undefined]);
    expect(fromMapping(m)).toEqual(fromProgram(join(dir, "program.aerprog")));
    expect(r.stdout).not.toMatch(/position ranges/);
  });
});
