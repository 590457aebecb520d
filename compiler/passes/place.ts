/**
 * place: assigns logical cores to physical cores of the mesh (global core id = tile·coresPerTile + k,
 * tile = y·widthTiles + x). Strategies:
 *   linear  – fill tiles in row-major order;
 *   greedy  – linear, then improved by pairwise swaps that lower the traffic cost
 *             C = Σ_{a,b} T(a,b) · (|xa − xb| + |ya − yb|), with T(a,b) = number of distinct source
 *             neurons on a that project onto b (one AER packet per spike each);
 *   random  – a seeded shuffle of all physical cores (to check that spikes do not depend on placement);
 *   fixed   – given by the model (SANA-FE mappings).
 * Placement changes hops, energy and latency, never spikes.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { createRng } from "../../core/rng.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { totalCores } from "../../chip/spec/types.ts";
import { improvePlacementGreedy } from "./place-greedy.ts";

export type PlacementStrategy = "linear" | "greedy" | "random";

/** Sparse traffic graph between logical cores: neighbours and weights per core. */
export interface TrafficGraph {
  readonly adj: ReadonlyArray<{ readonly peer: Uint32Array; readonly weight: Float64Array }>;
}

export function tileOfCore(spec: ChipSpec, coreId: number): { x: number; y: number; k: number } {
  const tile = Math.floor(coreId / spec.mesh.coresPerTile);
  return { x: tile % spec.mesh.widthTiles, y: Math.floor(tile / spec.mesh.widthTiles), k: coreId % spec.mesh.coresPerTile };
}

/** Bound on swap evaluations (each costs the degree of two cores), so placement stays fast on big models. */
const SWAP_BUDGET = 20_000_000;

export function placeCores(spec: ChipSpec, logicalCount: number, strategy: PlacementStrategy, traffic: TrafficGraph, seed: number, file?: string): Uint32Array {
  const physical = totalCores(spec);
  if (logicalCount > physical) {
    throw new AerchipError("E_CHIP_CORES_EXCEEDED", `the model needs ${logicalCount} cores; chip "${spec.name}" has ${physical} (${spec.mesh.widthTiles}×${spec.mesh.heightTiles} tiles × ${spec.mesh.coresPerTile})`, {
      ...(file === undefined ? {} : { file }), field: "mesh",
      hint: "use a larger mesh (mesh.widthTiles/heightTiles), a chip with bigger cores, or a smaller model",
    });
  }
  const slotOf = new Uint32Array(logicalCount);
  if (strategy === "random") {
    const order = Uint32Array.from({ length: physical }, (_, i) => i);
    const rng = createRng(seed).fork(0x91ace);
    for (let i = physical - 1; i > 0; i--) {
      const j = rng.nextBelow(i + 1);
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (let c = 0; c < logicalCount; c++) slotOf[c] = order[c];
    return slotOf;
  }
  for (let c = 0; c < logicalCount; c++) slotOf[c] = c;
  if (strategy === "linear" || logicalCount < 2) return slotOf;
  // greedy improvement: swap logical cores (or move into free slots) while the traffic cost drops.
  return improvePlacementGreedy(spec, slotOf, physical, traffic, SWAP_BUDGET);
}
