/**
 * Hostile-structure properties for the NIR front end at the tree level: parseNirTree (HDF5 tree →
 * typed NIR graph) followed by lowerNirDocument (flatten, shapes, lowering to the graph IR), on ≥ 10,000
 * generated in-memory trees. This is where a hostile file's *content* is interpreted (the byte level is
 * libhdf5's, fuzzed in nir-hdf5.fuzz.test.ts): wrong dataset kinds, NaN/Inf, negative, huge and
 * 1e12-element shapes, shapes that disagree with their data, deep graph nesting, cycles, self-loops,
 * dangling edges and unknown node types. Every tree either lowers or throws an AerchipError with an
 * E_NIR_* (or E_MODEL_*) code; a declared 1e12-element population is refused before allocating.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { parseNirTree } from "../../compiler/frontends/nir/parse.ts";
import { lowerNirDocument } from "../../compiler/frontends/nir/index.ts";
import type { H5Dataset, H5Group, H5Value } from "../../compiler/frontends/nir/read-hdf5.ts";

const RUNS = 10_000;
const HEAP_CAP_BYTES = 64 * 1024 * 1024;
const CODE = /^E_(NIR|MODEL)_[A-Z0-9_]+$/;

// ---- In-memory trees (what read-hdf5.ts produces) ---------------------------------------------------

type Leaf = H5Value;
type Tree = { [key: string]: Leaf | Tree };

const str = (s: string): Leaf => ({ kind: "string", shape: [], data: [s] });
const f64 = (data: readonly number[], shape: readonly number[] = [data.length]): Leaf => ({ kind: "float", shape, data: Float64Array.from(data), bits: 64 });
const i64 = (data: readonly bigint[], shape: readonly number[] = [data.length]): Leaf => ({ kind: "int", shape, data: BigInt64Array.from(data) });
const edges = (e: ReadonlyArray<readonly [string, string]>): Leaf => ({ kind: "string", shape: [e.length, 2], data: e.flat() });

function isLeaf(v: Leaf | Tree): v is Leaf {
  return typeof (v as { kind?: unknown }).kind === "string" && ["float", "int", "string", "other"].includes((v as Leaf).kind) && "shape" in v;
}

function toGroup(t: Tree, path: string): H5Group {
  const children = new Map<string, H5Group | H5Dataset>();
  for (const k of Object.keys(t).sort()) {
    const v = t[k];
    const p = path === "" ? k : `${path}/${k}`;
    children.set(k, isLeaf(v) ? { kind: "dataset", path: p, value: v } : toGroup(v, p));
  }
  return { kind: "group", path, children };
}

const lif = (n: number): Tree => ({ type: str("LIF"), tau: f64(Array(n).fill(0.01)), r: f64(Array(n).fill(1)), v_leak: f64(Array(n).fill(0)), v_threshold: f64(Array(n).fill(1)), v_reset: f64(Array(n).fill(0)) });

/** A small valid NIR graph: Input(3) → Affine(4×3) → LIF(4) → Output, plus a recurrent Linear and a nested subgraph. */
function validGraph(): Tree {
  return {
    type: str("NIRGraph"),
    nodes: {
      in: { type: str("Input"), shape: i64([3n]) },
      fc: { type: str("Affine"), weight: f64(Array.from({ length: 12 }, (_, i) => (i % 5) * 0.3), [4, 3]), bias: f64([0, 0.1, 0, 0.2]) },
      lif: lif(4),
      rec: { type: str("Linear"), weight: f64(Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 0.1 : 0)), [4, 4]) },
      sub: { type: str("NIRGraph"), nodes: { a: { type: str("Input"), shape: i64([4n]) }, s: { type: str("Scale"), scale: f64([1, 2, 1, 2]) }, b: { type: str("Output"), shape: i64([4n]) } }, edges: edges([["a", "s"], ["s", "b"]]) },
      out: { type: str("Output"), shape: i64([4n]) },
    },
    edges: edges([["in", "fc"], ["fc", "lif"], ["lif", "rec"], ["rec", "lif"], ["lif", "sub.a"], ["sub.b", "out"]]),
  };
}
const validFile = (): Tree => ({ version: str("1.0.7"), node: validGraph() });

/** Entries (groups and datasets) that `mutate` walks in the valid file: every pick hits one. */
function countEntries(t: Tree): number {
  let n = 0;
  for (const v of Object.values(t)) n += 1 + (isLeaf(v) ? 0 : countEntries(v));
  return n;
}
const WALK_ENTRIES = countEntries(validFile());

/** Parses and lowers; returns "ok" or the code; fails on any non-coded exception. */
function frontEnd(t: Tree): string {
  try {
    const { doc, warnings } = parseNirTree(toGroup(t, ""), "fuzz.nir");
    const m = lowerNirDocument(doc, {}, warnings);
    expect(m.graph.populations.length).toBeGreaterThan(0);
    return "ok";
  } catch (e) {
    if (!isAerchipError(e)) throw new Error(`non-Aerchip exception: ${(e as Error)?.stack ?? String(e)}`);
    if (!CODE.test(e.code)) throw new Error(`unexpected code ${e.code}: ${e.message}`);
    return e.code;
  }
}

// ---- Hostile values ------------------------------------------------------------------------------------

const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, 0, -0, -1, 1e12, -1e308, 1e308, 5e-324, 0.5, 2 ** 53 + 2, 65536];
const HOSTILE_INTS = [0n, 1n, -1n, 2n, 3n, 4n, 10n ** 12n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, 65536n];
const HOSTILE_SHAPES: ReadonlyArray<readonly number[]> = [[], [0], [1], [3], [4], [4, 3], [3, 4], [1e6, 1e6], [1e12], [2 ** 31, 2 ** 31], [-1], [1, 1, 1, 1, 1, 1, 1, 1, 4]];
const NODE_TYPES = ["Input", "Output", "Affine", "Linear", "Scale", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "Flatten", "Delay", "Threshold", "I", "IF", "LI", "LIF",
  "CubaLI", "CubaLIF", "NIRGraph", "Identity", "Bogus", "", "lif", "NaN"];

const numberArb = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double());
const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  fc.tuple(fc.array(numberArb, { maxLength: 12 }), fc.option(fc.constantFrom(...HOSTILE_SHAPES), { nil: undefined })).map(([d, s]) => f64(d, s)),
  fc.tuple(fc.array(fc.oneof(fc.constantFrom(...HOSTILE_INTS), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), { maxLength: 6 }), fc.option(fc.constantFrom(...HOSTILE_SHAPES), { nil: undefined })).map(([d, s]) => i64(d, s)),
  fc.constantFrom(...NODE_TYPES, "same", "valid").map(str),
  fc.array(fc.constantFrom("in", "fc", "lif", "rec", "out", "sub", "sub.a", "sub.b", "nowhere", "", "lif.x"), { maxLength: 8 }).map((names) => ({ kind: "string" as const, shape: [names.length >> 1, 2], data: names })),
  fc.constant<Leaf>({ kind: "other", shape: [2], description: "compound dataset" }),
);

/** A node group of a random (possibly unknown) type with random fields, or a nested graph. */
const FIELD_NAMES = ["shape", "weight", "weights", "bias", "scale", "tau", "r", "v_leak", "v_threshold", "v_th", "v_reset", "tau_syn", "tau_mem", "w_in", "threshold", "delay",
  "stride", "padding", "dilation", "groups", "kernel_size", "start_dim", "end_dim", "input_type", "input_shape", "nodes", "edges", "metadata"];
const nodeArb: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(fc.constantFrom(...NODE_TYPES), fc.dictionary(fc.constantFrom(...FIELD_NAMES), leafArb, { maxKeys: 6 })).map(([type, fields]) => ({ ...fields, type: str(type) }) as Tree),
    fc.tuple(fc.dictionary(fc.constantFrom("in", "a", "b", "lif", "out", "x"), tie("node"), { maxKeys: 4 }), leafArb).map(([nodes, e]) => ({ type: str("NIRGraph"), nodes, edges: e }) as Tree),
  ),
})).node;

/** Replaces (or deletes, or adds beside) the entry at a walk index with a hostile value or node. */
function mutate(t: Tree, pick: number, action: number, hostile: Leaf | Tree): Tree {
  let counter = 0;
  const walk = (v: Tree): Tree => {
    const out: Tree = {};
    for (const [k, x] of Object.entries(v)) {
      const here = counter++;
      if (here === pick) {
        if (action === 0) out[k] = hostile;
        else if (action === 1) continue; // deleted
        else { out[k] = isLeaf(x) ? x : walk(x); out[`${k}_extra`] = hostile; }
        continue;
      }
      out[k] = isLeaf(x) ? x : walk(x);
    }
    return out;
  };
  return walk(t);
}

function nest(depth: number, inner: Tree): Tree {
  let g = inner;
  for (let d = 0; d < depth; d++) {
    g = { type: str("NIRGraph"), nodes: { i: { type: str("Input"), shape: i64([4n]) }, g, o: { type: str("Output"), shape: i64([4n]) } }, edges: edges([["i", "g.a"], ["g.b", "o"]]) };
  }
  return g;
}

describe("NIR front end (tree → graph IR) under hostile structure", () => {
  it("the valid base tree lowers (the mutations start from a real graph)", () => {
    expect(frontEnd(validFile())).toBe("ok");
  });

  it("hostile values, deletions and additions at any position of a valid tree (10,000 trees)", () => {
    const seen = new Map<string, number>();
    fc.assert(fc.property(fc.nat(WALK_ENTRIES - 1), fc.nat(2), fc.oneof(leafArb, nodeArb), (pick, action, hostile) => {
      const code = frontEnd(mutate(validFile(), pick, action, hostile));
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }), { numRuns: RUNS, seed: 11 });
    process.stdout.write(`nir-structure fuzz (mutations of ${WALK_ENTRIES} entries): ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(seen.get("ok") ?? 0).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(3);
  });

  it("random graphs: random node types and fields, dangling and cyclic edges, nesting (10,000 trees)", () => {
    const names = ["in", "a", "b", "lif", "out", "x", "a.in", "x.y", "missing"];
    const graphArb = fc.tuple(
      fc.dictionary(fc.constantFrom("in", "a", "b", "lif", "out", "x"), nodeArb, { minKeys: 1, maxKeys: 6 }),
      fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names)), { maxLength: 10 }),
      fc.constantFrom("1.0.7", "0.0.1", "2.0.0", "x"),
    ).map(([nodes, e, version]) => ({ version: str(version), node: { type: str("NIRGraph"), nodes: { in: { type: str("Input"), shape: i64([3n]) }, ...nodes, out: { type: str("Output") } }, edges: edges(e) } }) as Tree);
    const seen = new Set<string>();
    fc.assert(fc.property(graphArb, (t) => { seen.add(frontEnd(t)); }), { numRuns: RUNS, seed: 12 });
    expect(seen.size).toBeGreaterThan(3);
  });

  it("cycles without delay, self-loops and dangling edges give coded errors", () => {
    const g = validGraph();
    const withEdges = (e: ReadonlyArray<readonly [string, string]>): Tree => ({ version: str("1.0.7"), node: { ...g, edges: edges(e) } });
    for (const e of [
      [["in", "fc"], ["fc", "lif"], ["lif", "lif"], ["lif", "out"]],
      [["in", "fc"], ["fc", "rec"], ["rec", "fc"], ["fc", "out"]],
      [["in", "nowhere"], ["nowhere", "out"]],
      [["in", "sub.zz"], ["sub.b", "out"]],
      [["in", "in"]],
      [],
    ] as ReadonlyArray<ReadonlyArray<readonly [string, string]>>) {
      expect(frontEnd(withEdges(e))).toMatch(/^(ok|E_(NIR|MODEL)_[A-Z0-9_]+)$/);
    }
    expect(frontEnd(withEdges([["in", "nowhere"], ["nowhere", "out"]]))).toMatch(/^E_NIR_/);
  });

  it("graphs nested up to the reader's 64-level limit give a result or a coded error", () => {
    const inner: Tree = { type: str("NIRGraph"), nodes: { a: { type: str("Input"), shape: i64([4n]) }, b: { type: str("Output"), shape: i64([4n]) } }, edges: edges([["a", "b"]]) };
    for (const depth of [1, 8, 63]) {
      const code = frontEnd({ version: str("1.0.7"), node: nest(depth, inner) });
      expect(code).toMatch(/^(ok|E_NIR_[A-Z0-9_]+)$/);
    }
  });

  it("declared 1e12-element shapes and weights are refused before allocating", () => {
    const before = process.memoryUsage().arrayBuffers;
    const huge: Array<[string, Tree]> = [
      ["Input shape [1e6, 1e6]", mutate(validFile(), 4, 0, i64([1000000n, 1000000n]))],
      ["Input shape [1e12]", { version: str("1.0.7"), node: { ...validGraph(), nodes: { ...(validGraph().nodes as Tree), in: { type: str("Input"), shape: i64([10n ** 12n]) } } } }],
      ["Affine weight declared [1e6, 1e6]", { version: str("1.0.7"), node: { ...validGraph(), nodes: { ...(validGraph().nodes as Tree), fc: { type: str("Affine"), weight: f64([1, 2], [1e6, 1e6]), bias: f64([0]) } } } }],
    ];
    for (const [what, t] of huge) expect(frontEnd(t), what).toMatch(/^E_(NIR|MODEL)_/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(HEAP_CAP_BYTES);
  });
});
