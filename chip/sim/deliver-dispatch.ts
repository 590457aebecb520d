/**
 * Picks phase 1's kernel (deliver.ts) for a state and applies one bucket of records with it. Shared by
 * the one-thread run and by every thread of a multi-threaded run (each with its own bucket, whose
 * records cover only the synapses reaching its own neurons).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import {
  deliverFlat, deliverFlatMark, deliverFlatPalette, deliverFlatPaletteMark, deliverOffset, deliverOffsetMark, deliverOffsetPalette, deliverOffsetPaletteMark,
} from "./deliver.ts";
import type { SimState } from "./state.ts";

/** How phase 1 runs for this state and run (`wide`: plastic groups, handled by the run itself). */
export const DeliverMode = {
  wide: 0, offset: 1, offsetPalette: 2, flat: 3, flatPalette: 4, offsetMark: 5, offsetPaletteMark: 6, flatMark: 7, flatPaletteMark: 8,
} as const;
export type DeliverMode = (typeof DeliverMode)[keyof typeof DeliverMode];

/** `mark`: targets are flagged in gotInput (programs with neuron dynamics, see deliver.ts). */
export function chooseDeliverMode(st: SimState, plastic: boolean, mark: boolean): DeliverMode {
  const sy = st.synapses;
  if (plastic) return DeliverMode.wide;
  const palette = sy.weights.kind === "palette";
  if (sy.kind === "offset16") {
    if (palette) return mark ? DeliverMode.offsetPaletteMark : DeliverMode.offsetPalette;
    return mark ? DeliverMode.offsetMark : DeliverMode.offset;
  }
  if (palette) return mark ? DeliverMode.flatPaletteMark : DeliverMode.flatPalette;
  return mark ? DeliverMode.flatMark : DeliverMode.flat;
}

/** True for the modes that flag the targets in gotInput. */
export function deliverMarks(mode: DeliverMode): boolean {
  return mode === DeliverMode.offsetMark || mode === DeliverMode.offsetPaletteMark || mode === DeliverMode.flatMark || mode === DeliverMode.flatPaletteMark;
}

/** Applies `count` Int32 entries of records (delay-queue.ts) with a compact-layout kernel. */
export function deliverCompact(mode: DeliverMode, records: Int32Array, count: number, st: SimState, gotInput: Uint8Array): void {
  const sy = st.synapses;
  const acc = st.acc;
  const ws = sy.weights;
  switch (mode) {
    case DeliverMode.offset: deliverOffset(records, count, sy.offset, sy.target, directWeights(ws), acc); break;
    case DeliverMode.offsetPalette: deliverOffsetPalette(records, count, sy.offset, sy.target, paletteCodes(ws), paletteTable(ws), acc); break;
    case DeliverMode.flat: deliverFlat(records, count, sy.target, directWeights(ws), acc); break;
    case DeliverMode.flatPalette: deliverFlatPalette(records, count, sy.target, paletteCodes(ws), paletteTable(ws), acc); break;
    case DeliverMode.offsetMark: deliverOffsetMark(records, count, sy.offset, sy.target, directWeights(ws), acc, gotInput); break;
    case DeliverMode.offsetPaletteMark: deliverOffsetPaletteMark(records, count, sy.offset, sy.target, paletteCodes(ws), paletteTable(ws), acc, gotInput); break;
    case DeliverMode.flatMark: deliverFlatMark(records, count, sy.target, directWeights(ws), acc, gotInput); break;
    case DeliverMode.flatPaletteMark: deliverFlatPaletteMark(records, count, sy.target, paletteCodes(ws), paletteTable(ws), acc, gotInput); break;
    default: throw new AerchipError("E_INTERNAL", "plastic groups need the wide delivery path", { field: "deliverMode" });
  }
}

function directWeights(ws: SimState["synapses"]["weights"]): Float64Array | Float32Array {
  if (ws.kind === "palette") throw new AerchipError("E_INTERNAL", "palette weights in a direct-weight kernel", { field: "weights" });
  return ws.w;
}

function paletteCodes(ws: SimState["synapses"]["weights"]): Uint8Array | Uint16Array {
  if (ws.kind !== "palette") throw new AerchipError("E_INTERNAL", "direct weights in a palette kernel", { field: "weights" });
  return ws.code;
}

function paletteTable(ws: SimState["synapses"]["weights"]): Float64Array {
  if (ws.kind !== "palette") throw new AerchipError("E_INTERNAL", "direct weights in a palette kernel", { field: "weights" });
  return ws.table;
}
