/**
 * SANA-FE's numbering of the mesh the detailed timing model routes over (src/schedule.cpp, NocInfo at
 * 8951ab0): each router has four direction links and one injection link per core of its tile; link index
 * (x·H + y)·linksPerRouter + port. Cores are visited in SANA-FE's core order.
 */
import type { ChipSpec } from "../spec/types.ts";
import type { TickWork } from "./types.ts";

export const NORTH = 0;
export const EAST = 1;
export const SOUTH = 2;
export const WEST = 3;
export const DIRECTIONS = 4;

/** Links per router: its four mesh directions and one injection link per core of its tile. */
export function linksPerRouter(spec: ChipSpec): number {
  return DIRECTIONS + spec.mesh.coresPerTile;
}

/** Core slots in SANA-FE's core order: tile id x·H + y (tiles are numbered column-major), then the core's place in its tile. */
export function sanafeCoreOrder(work: TickWork, H: number): number[] {
  const rank = (c: number): number => (work.coreTileX[c] * H + work.coreTileY[c]) * 65536 + work.coreInTile[c];
  return Array.from({ length: work.coreCount }, (_, c) => c).sort((a, b) => rank(a) - rank(b));
}

/** Links on the XY route from core slot s to d: |Δx| + |Δy| + 1. */
export function routeLength(work: TickWork, s: number, d: number): number {
  return Math.abs(work.coreTileX[d] - work.coreTileX[s]) + Math.abs(work.coreTileY[d] - work.coreTileY[s]) + 1;
}

/**
 * Writes the links of the XY route from core slot s to d into out[at …] (SANA-FE's route: x first, then y)
 * and returns their count: the source's injection link at its router, then at each router the link the
 * message arrived by, ending at the destination's router. `out` must have routeLength(work, s, d) free slots.
 */
export function writeRouteLinks(work: TickWork, s: number, d: number, H: number, perRouter: number, out: Int32Array, at: number): number {
  const sx = work.coreTileX[s];
  const sy = work.coreTileY[s];
  const dx = work.coreTileX[d];
  const dy = work.coreTileY[d];
  const inject = DIRECTIONS + work.coreInTile[s];
  let n = at;
  let prev = inject;
  const xi = sx < dx ? 1 : -1;
  const yi = sy < dy ? 1 : -1;
  for (let x = sx; x !== dx; x += xi) {
    const dir = xi > 0 ? EAST : WEST;
    out[n++] = (x * H + sy) * perRouter + (x === sx ? inject : dir);
    prev = dir;
  }
  for (let y = sy; y !== dy; y += yi) {
    const dir = yi > 0 ? NORTH : SOUTH;
    out[n++] = (dx * H + y) * perRouter + (sx === dx && y === sy ? inject : prev);
    prev = dir;
  }
  out[n++] = (dx * H + dy) * perRouter + (sx === dx && sy === dy ? inject : prev);
  return n - at;
}
