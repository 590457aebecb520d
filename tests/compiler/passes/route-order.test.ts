/**
 * The route pass orders each core's synapses with counting sorts; the contract (chip/program/types.ts,
 * compiler/passes/route.ts) is the order of the comparison (source neuron, delay, projection, local
 * target, model order), with one input axon per distinct source in ascending global index. These tests
 * check that order directly on compiled programs — with a unique tie-break (model order), "sorted by the
 * key" plus "the same synapses" determines the crossbar exactly — on random graphs that take both the
 * combined-key path and the per-key path (many projections and delays).
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type ProjectionIR } from "../../../compiler/ir/types.ts";
import { ResetMode, type ChipProgram } from "../../../chip/program/types.ts";
import { genericWith } from "../../helpers/specs.ts";

interface Shape {
  readonly pops: readonly number[];
  readonly projections: number;
  readonly synapsesPerProjection: number;
  readonly maxDelay: number;
  readonly seed: number;
}

function randomGraph(sh: Shape): ModelGraph {
  const rng = createRng(sh.seed);
  const populations = sh.pops.map((size, i) => (i === 0
    ? { name: "p0", kind: "input" as const, size, shape: [size], spiking: true }
    : { name: `p${i}`, kind: "neuron" as const, size, shape: [size], spiking: true, params: uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero }) }));
  const projections: ProjectionIR[] = [];
  for (let k = 0; k < sh.projections; k++) {
    const a = rng.nextBelow(sh.pops.length);
    const b = 1 + rng.nextBelow(sh.pops.length - 1);
    const n = sh.synapsesPerProjection;
    const preIndex = new Uint32Array(n);
    const postIndex = new Uint32Array(n);
    const weight = new Float64Array(n);
    const delayTicks = new Uint16Array(n);
    for (let s = 0; s < n; s++) {
      // Few distinct values, so equal keys (duplicate synapses) are common and the tie-break matters.
      preIndex[s] = rng.nextBelow(Math.min(sh.pops[a], 40));
      postIndex[s] = rng.nextBelow(sh.pops[b]);
      weight[s] = rng.nextBelow(7) - 3;
      delayTicks[s] = 1 + rng.nextBelow(sh.maxDelay);
    }
    projections.push({ name: `k${k}`, pre: `p${a}`, post: `p${b}`, encoding: "sparse", preIndex, postIndex, weight, delayTicks });
  }
  return { name: "random", defaultSteps: 10, populations, projections };
}

/** Checks every crossbar of `program` against the comparison order and the model's synapses. */
function checkCrossbars(graph: ModelGraph, program: ChipProgram): void {
  const popOffset = new Map<string, number>();
  let total = 0;
  for (const p of graph.populations) { popOffset.set(p.name, total); total += p.size; }
  // Global neuron of (program core index, local index), from the population blocks.
  const globalOf = program.cores.map((cp) => new Int32Array(cp.neuronCount).fill(-1));
  for (const pm of program.populations) {
    for (const b of pm.blocks) {
      for (let i = 0; i < b.count; i++) {
        const pos = b.populationStart + i;
        globalOf[b.coreIndex][b.neuronStart + i] = (popOffset.get(pm.name) as number) + (pm.order === undefined ? pos : pm.order[pos]);
      }
    }
  }
  const coreIndexOfId = new Map(program.cores.map((cp, ci) => [cp.coreId, ci]));
  // Source neuron of each (core, axon), from the routing tables.
  const sourceOf = program.cores.map((cp) => new Int32Array(cp.crossbar.axonCount).fill(-1));
  program.cores.forEach((cp, ci) => {
    for (let local = 0; local < cp.neuronCount; local++) {
      for (let r = cp.routing.routePtr[local]; r < cp.routing.routePtr[local + 1]; r++) {
        const dc = coreIndexOfId.get(cp.routing.routeDestCore[r]) as number;
        expect(sourceOf[dc][cp.routing.routeDestAxon[r]]).toBe(-1);
        sourceOf[dc][cp.routing.routeDestAxon[r]] = globalOf[ci][local];
      }
    }
  });
  const projStart: number[] = [];
  let id = 0;
  for (const pr of graph.projections) { projStart.push(id); id += pr.preIndex.length; }
  const seen = new Uint8Array(id);
  program.cores.forEach((cp, ci) => {
    const x = cp.crossbar;
    let prevKey: number[] | undefined;
    for (let a = 0; a < x.axonCount; a++) {
      const src = sourceOf[ci][a];
      expect(src).toBeGreaterThanOrEqual(0);
      if (a > 0) expect(src).toBeGreaterThan(sourceOf[ci][a - 1]);
      expect(x.axonRowPtr[a + 1]).toBeGreaterThan(x.axonRowPtr[a]);
      for (let j = x.axonRowPtr[a]; j < x.axonRowPtr[a + 1]; j++) {
        const k = x.synProjection[j];
        const s = x.synIndex[j];
        const pr = graph.projections[k];
        // The synapse is the model's: same source, target, weight and delay.
        expect(src).toBe((popOffset.get(pr.pre) as number) + pr.preIndex[s]);
        expect(globalOf[ci][x.synTarget[j]]).toBe((popOffset.get(pr.post) as number) + pr.postIndex[s]);
        expect(x.synWeight[j]).toBe(pr.weight[s]);
        expect(x.synDelayTicks[j]).toBe(pr.delayTicks[s]);
        expect(seen[projStart[k] + s]).toBe(0);
        seen[projStart[k] + s] = 1;
        const key = [src, x.synDelayTicks[j], k, x.synTarget[j], projStart[k] + s];
        if (prevKey !== undefined) {
          let cmp = 0;
          for (let f = 0; f < key.length && cmp === 0; f++) cmp = Math.sign(key[f] - prevKey[f]);
          expect(cmp).toBe(1);
        }
        prevKey = key;
      }
    }
  });
  expect(seen.every((v) => v === 1)).toBe(true);
}

describe("route: crossbar rows in (source, delay, projection, target, model order)", () => {
  const shapes: Array<[string, Shape]> = [
    ["few projections and delays (one combined key)", { pops: [50, 300, 200], projections: 3, synapsesPerProjection: 3000, maxDelay: 4, seed: 1 }],
    ["40 projections with delays up to 60 (one pass per key)", { pops: [60, 900, 700, 300], projections: 40, synapsesPerProjection: 150, maxDelay: 60, seed: 2 }],
    ["one projection, one delay", { pops: [30, 100], projections: 1, synapsesPerProjection: 2000, maxDelay: 1, seed: 3 }],
  ];
  for (const [label, sh] of shapes) {
    it(label, () => {
      const graph = randomGraph(sh);
      const spec = genericWith({ maxNeurons: 1024, maxDelayTicks: 62 });
      for (const opts of [{}, { placement: "random" as const, seed: 5 }, { pack: false }]) {
        const { program } = compileModel(graph, spec, opts);
        checkCrossbars(graph, program);
      }
      // Smaller cores: many cores, many routes per source.
      const { program } = compileModel(graph, genericWith({ maxNeurons: 64 }), {});
      expect(program.cores.length).toBeGreaterThan(1);
      checkCrossbars(graph, program);
    });
  }

  it("keeps the order with a fixed placement that interleaves populations on cores", () => {
    const graph = randomGraph({ pops: [40, 120, 90], projections: 6, synapsesPerProjection: 800, maxDelay: 8, seed: 7 });
    const fixedPlacement = new Map(graph.populations.map((p, i) => [p.name, Uint32Array.from({ length: p.size }, (_, j) => (j * 7 + i) % 5)]));
    const { program } = compileModel(graph, genericWith(), { fixedPlacement });
    checkCrossbars(graph, program);
  });
});
