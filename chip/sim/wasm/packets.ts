/**
 * Per-packet records for the detailed timing model (run.ts emitPackets) with the WebAssembly kernel
 * `recordPackets`, for one-thread runs. The TickWork's packet arrays live in the state's memory, so the
 * kernel reads the fired list and the routes and writes the records in one pass (3.7M packets for
 * SANA-FE's DVS network, 1000 ticks). The TickWork is the state's, reused by later runs.
 */
import type { ChipSpec } from "../../spec/types.ts";
import { TickWork } from "../../timing/types.ts";
import { hasCells, type SimState } from "../state.ts";
import type { UpdateContext } from "../update.ts";
import { assertInMemory, type WasmPacketRecords, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the record context block (RX_* of assembly/kernels.ts, in this order). */
export const PACKET_WORDS = [
  "fired", "firedAccessed", "firedUpdated", "firedFired", "coreOfNeuron", "routePtr", "routeDestCore", "routeAxon", "routeSynapses",
  "routeCell", "axonCellStart", "axonCellId", "axonCellCount", "cellEncoding", "coreTileX", "coreTileY", "packetSrc", "packetDst",
  "packetDx", "packetDy", "packetAccessed", "packetUpdated", "packetFired", "packetSynOps", "packetsOut", "packetsIn", "synOps",
  "shiftRouteDestCore", "shiftRouteSynapses", "encodings", "hasCells",
] as const;

/** The state's TickWork for a run on `spec` (allocated in its memory on the first such run, then reused). */
export function packetRecordsFor(b: WasmStateBinding, st: SimState, spec: ChipSpec): WasmPacketRecords {
  if (b.runs.packets === undefined || b.runs.packets.spec !== spec) {
    const a = b.arena.allocator();
    b.runs.packets = { spec, work: new TickWork(spec, st.coreId, st.encodingNames, 1024, a), ctx: a.u32(PACKET_WORDS.length), writtenFor: {} };
  }
  return b.runs.packets;
}

/** emitPackets with the kernel: appends one record per route of each fired neuron to `rec.work`. */
export function recordPacketsWasm(k: WasmKernelExports, b: WasmStateBinding, st: SimState, upd: UpdateContext, rec: WasmPacketRecords, nFired: number): void {
  const { fired } = upd;
  const { routePtr } = st;
  let more = 0;
  for (let f = 0; f < nFired; f++) more += routePtr[fired[f] + 1] - routePtr[fired[f]];
  if (more === 0) return;
  const work = rec.work;
  work.reservePackets(more);
  // The context block changes only when the TickWork grew (new packet arrays) or another run's fired
  // list is used; it is checked and written then, not every tick.
  if (rec.writtenFor.packetSrc !== work.packetSrc || rec.writtenFor.fired !== fired) {
    writePacketContext(b, st, upd, rec);
    rec.writtenFor.packetSrc = work.packetSrc;
    rec.writtenFor.fired = fired;
  }
  work.packetCount = k.recordPackets(rec.ctx.byteOffset, nFired, work.packetCount);
}

/** Checks every array the kernel addresses is in the state's memory and writes the context block. */
function writePacketContext(b: WasmStateBinding, st: SimState, upd: UpdateContext, rec: WasmPacketRecords): void {
  const work = rec.work;
  const arrays: Record<(typeof PACKET_WORDS)[number], ArrayBufferView | undefined> = {
    fired: upd.fired, firedAccessed: upd.firedAccessed, firedUpdated: upd.firedUpdated, firedFired: upd.firedFired, coreOfNeuron: st.coreOfNeuron,
    routePtr: st.routePtr, routeDestCore: st.routeDestCore, routeAxon: st.routeAxon, routeSynapses: st.routeSynapses, routeCell: st.routeCell,
    axonCellStart: st.axonCellStart, axonCellId: st.axonCellId, axonCellCount: st.axonCellCount, cellEncoding: st.cellEncoding,
    coreTileX: work.coreTileX, coreTileY: work.coreTileY, packetSrc: work.packetSrc, packetDst: work.packetDst, packetDx: work.packetDx,
    packetDy: work.packetDy, packetAccessed: work.packetAccessed, packetUpdated: work.packetUpdated, packetFired: work.packetFired,
    packetSynOps: work.packetSynOps, packetsOut: work.packetsOut, packetsIn: work.packetsIn, synOps: work.synOps,
    shiftRouteDestCore: undefined, shiftRouteSynapses: undefined, encodings: undefined, hasCells: undefined,
  };
  const ctx = rec.ctx;
  assertInMemory("ctx", ctx, b.memory);
  for (let i = 0; i < PACKET_WORDS.length; i++) {
    const a = arrays[PACKET_WORDS[i]];
    if (a === undefined) continue;
    assertInMemory(PACKET_WORDS[i], a, b.memory);
    ctx[i] = a.byteOffset;
  }
  ctx[PACKET_WORDS.indexOf("shiftRouteDestCore")] = Math.log2(st.routeDestCore.BYTES_PER_ELEMENT);
  ctx[PACKET_WORDS.indexOf("shiftRouteSynapses")] = Math.log2(st.routeSynapses.BYTES_PER_ELEMENT);
  ctx[PACKET_WORDS.indexOf("encodings")] = work.encodings.length;
  ctx[PACKET_WORDS.indexOf("hasCells")] = hasCells(st) ? 1 : 0;
}
