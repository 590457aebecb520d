/**
 * The greedy placement has two evaluations of the same swap decisions (compiler/passes/place-greedy.ts):
 * the direct sums and the separable tables. With integer traffic they must place every core identically;
 * with fractional weights the separable form is not exact and must not be used.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { greedyDirect, greedySeparable, improvePlacementGreedy, separableIsExact } from "../../../compiler/passes/place-greedy.ts";
import type { TrafficGraph } from "../../../compiler/passes/place.ts";
import { genericWith } from "../../helpers/specs.ts";

function randomTraffic(cores: number, degree: number, seed: number, integer = true): TrafficGraph {
  const rng = createRng(seed);
  const rows = Array.from({ length: cores }, () => new Map<number, number>());
  for (let c = 0; c < cores; c++) {
    for (let e = 0; e < degree; e++) {
      const q = rng.nextBelow(cores);
      // Self entries and one-sided (asymmetric) weights are allowed by the interface.
      const w = integer ? 1 + rng.nextBelow(50) : 0.5 + rng.nextFloat() * 10;
      rows[c].set(q, (rows[c].get(q) ?? 0) + w);
    }
  }
  return { adj: rows.map((m) => { const peers = [...m.keys()].sort((a, b) => a - b); return { peer: Uint32Array.from(peers), weight: Float64Array.from(peers.map((p) => m.get(p) as number)) }; }) };
}

describe("greedy placement: separable tables decide exactly as the direct sums", () => {
  const cases: Array<[string, number, number, { widthTiles: number; heightTiles: number; coresPerTile: number }, number]> = [
    ["dense traffic, few free slots", 30, 12, { widthTiles: 4, heightTiles: 4, coresPerTile: 2 }, 1],
    ["sparse traffic, many free slots", 40, 3, { widthTiles: 8, heightTiles: 5, coresPerTile: 4 }, 2],
    ["one core per tile, wide mesh", 25, 6, { widthTiles: 12, heightTiles: 3, coresPerTile: 1 }, 3],
  ];
  for (const [label, cores, degree, mesh, seed] of cases) {
    it(label, () => {
      const spec = genericWith({}, mesh);
      const traffic = randomTraffic(cores, degree, seed);
      const physical = mesh.widthTiles * mesh.heightTiles * mesh.coresPerTile;
      const start = () => Uint32Array.from({ length: cores }, (_, c) => c);
      for (const budget of [50, 5_000, 20_000_000]) {
        const direct = greedyDirect(spec, start(), physical, traffic, budget);
        const separable = greedySeparable(spec, start(), physical, traffic, budget);
        expect(Array.from(separable)).toEqual(Array.from(direct));
      }
      // The placement moved something (the comparison is not between two identities).
      expect(Array.from(greedyDirect(spec, start(), physical, traffic, 20_000_000))).not.toEqual(Array.from(start()));
    });
  }

  it("uses the direct sums when weights are fractional", () => {
    const spec = genericWith({}, { widthTiles: 4, heightTiles: 4, coresPerTile: 2 });
    const traffic = randomTraffic(20, 6, 9, false);
    expect(separableIsExact(spec, traffic)).toBe(false);
    expect(separableIsExact(spec, randomTraffic(20, 6, 9, true))).toBe(true);
    const direct = greedyDirect(spec, Uint32Array.from({ length: 20 }, (_, c) => c), 32, traffic, 20_000_000);
    expect(Array.from(improvePlacementGreedy(spec, Uint32Array.from({ length: 20 }, (_, c) => c), 32, traffic, 20_000_000))).toEqual(Array.from(direct));
  });
});
