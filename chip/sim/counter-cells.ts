/**
 * Counter cells of the synaptic-op counters (SimState.axonCellStart …): distinct (destination core,
 * encoding, projection) triples, and which cells one packet to an axon feeds.
 */
import type { ChipProgram } from "../program/types.ts";
import type { ArrayAllocator } from "./alloc.ts";
import type { CoreTable } from "./build-parts.ts";

export interface AxonCells {
  readonly axonCellStart: Uint32Array;
  readonly axonCellId: Uint32Array;
  readonly axonCellCount: Uint32Array;
  readonly routeCell: Int32Array;
  readonly cellCore: Uint32Array;
  readonly cellEncoding: Uint8Array;
  readonly cellProjection: Uint16Array;
}

export function emptyCells(alloc: ArrayAllocator): AxonCells {
  return { axonCellStart: alloc.u32(0), axonCellId: alloc.u32(0), axonCellCount: alloc.u32(0), routeCell: alloc.i32(0), cellCore: alloc.u32(0), cellEncoding: alloc.u8(0), cellProjection: alloc.u16(0) };
}

/** A growable Uint32 list. */
export class U32List {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) { this.data = new Uint32Array(Math.max(16, capacity)); }
  push(x: number): void {
    if (this.length === this.data.length) { const g = new Uint32Array(this.data.length * 2); g.set(this.data); this.data = g; }
    this.data[this.length++] = x;
  }
  copy(alloc: ArrayAllocator): Uint32Array { const a = alloc.u32(this.length); a.set(this.data.subarray(0, this.length)); return a; }
}

/**
 * Counter cells (see SimState), per input axon sequentially over every crossbar. A row of one
 * projection (the usual case) has one cell, recorded per route (routeCell, by a scatter from axon order:
 * random writes, not reads); rows mixing projections list their cells with per-projection counts. The
 * cell of (destination core, projection) is found in a dense C × P table (a Map when it would be large).
 */
export function buildAxonCells(program: ChipProgram, cl: CoreTable, encOfProj: Uint8Array, routeOfAxon: Int32Array, alloc: ArrayAllocator): AxonCells {
  const P = program.projections.length;
  const A = cl.coreAxonStart[cl.C];
  const dense = cl.C * P <= 1 << 22 ? new Int32Array(cl.C * P).fill(-1) : undefined;
  const sparse = dense === undefined ? new Map<number, number>() : undefined;
  const cellCores = new U32List(64);
  const cellProjs = new U32List(64);
  const cellOf = (c: number, proj: number): number => {
    const key = c * P + proj;
    let cell = dense !== undefined ? dense[key] : (sparse!.get(key) ?? -1);
    if (cell < 0) {
      cell = cellCores.length;
      if (dense !== undefined) dense[key] = cell; else sparse!.set(key, cell);
      cellCores.push(c);
      cellProjs.push(proj);
    }
    return cell;
  };
  let R = 0;
  for (let a = 0; a < A; a++) if (routeOfAxon[a] >= 0) R++;
  const routeCell = alloc.i32(R).fill(-1);
  const axonCellStart = alloc.u32(A + 1);
  const ids = new U32List(64);
  const counts = new U32List(64);
  const perProj = new Uint32Array(P);
  const touched = new Uint16Array(P);
  for (let c = 0; c < cl.C; c++) {
    const { axonRowPtr, synProjection: pj, axonCount } = program.cores[c].crossbar;
    const a0 = cl.coreAxonStart[c];
    for (let a = 0; a < axonCount; a++) {
      axonCellStart[a0 + a] = ids.length;
      const k0 = axonRowPtr[a];
      const k1 = axonRowPtr[a + 1];
      if (k1 === k0) continue;
      let mixed = false;
      for (let k = k0 + 1; k < k1; k++) if (pj[k] !== pj[k0]) { mixed = true; break; }
      const r = routeOfAxon[a0 + a];
      if (!mixed) {
        if (r >= 0) routeCell[r] = cellOf(c, pj[k0]);
        continue;
      }
      let nt = 0;
      for (let k = k0; k < k1; k++) {
        const p = pj[k];
        if (perProj[p] === 0) touched[nt++] = p;
        perProj[p]++;
      }
      touched.subarray(0, nt).sort();
      for (let i = 0; i < nt; i++) {
        const proj = touched[i];
        ids.push(cellOf(c, proj));
        counts.push(perProj[proj]);
        perProj[proj] = 0;
      }
    }
  }
  axonCellStart[A] = ids.length;
  const cellEncoding = alloc.u8(cellCores.length);
  const cellProjection = alloc.u16(cellCores.length);
  for (let i = 0; i < cellCores.length; i++) {
    cellProjection[i] = cellProjs.data[i];
    cellEncoding[i] = encOfProj[cellProjs.data[i]];
  }
  return { axonCellStart, axonCellId: ids.copy(alloc), axonCellCount: counts.copy(alloc), routeCell, cellCore: cellCores.copy(alloc), cellEncoding, cellProjection };
}
