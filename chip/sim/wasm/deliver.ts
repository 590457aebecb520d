/**
 * Phase 1 with the WebAssembly kernels: the delivery of a bucket of records (delay-queue.ts) copied into a
 * thread's record buffer (thread parts), and the kernel call per layout and weight encoding.
 */
import type { SimState } from "../state.ts";
import type { WasmMemory } from "./api.ts";
import { assertInMemory } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Checks that every array the delivery kernels read lives in `memory` (with a thread part's record buffer). */
export function assertDeliveryArrays(memory: WasmMemory, st: SimState, gotInput: Uint8Array, records?: Int32Array): void {
  const sy = st.synapses;
  assertInMemory("synapses.offset", sy.offset, memory);
  assertInMemory("synapses.target", sy.target, memory);
  const ws = sy.weights;
  if (ws.kind === "palette") {
    assertInMemory("synapses.weights.code", ws.code, memory);
    assertInMemory("synapses.weights.table", ws.table, memory);
  } else assertInMemory("synapses.weights.w", ws.w, memory);
  assertInMemory("acc", st.acc, memory);
  assertInMemory("gotInput", gotInput, memory);
  if (records !== undefined) assertInMemory("records", records, memory);
}

/**
 * Phase 1 with the WebAssembly kernels: copies the bucket's `count` Int32 entries, a chunk at a time, into
 * the thread's record buffer and applies each chunk in order (same order and sums as deliver.ts). `mark`
 * sets gotInput (programs with dynamics).
 */
export function deliverWasm(k: WasmKernelExports, records: Int32Array, st: SimState, bucket: Int32Array, count: number, mark: boolean, gotInput: Uint8Array): void {
  const chunk = records.length;
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    copyRecords(records, bucket, from, n);
    deliverChunk(k, records.byteOffset, n, st, mark, gotInput);
  }
}

/** records[0, n) ← bucket[from, from + n), without the view subarray() would allocate every tick. */
function copyRecords(records: Int32Array, bucket: Int32Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) records[i] = bucket[from + i];
}

export function deliverChunk(k: WasmKernelExports, r: number, count: number, st: SimState, mark: boolean, gotInput: Uint8Array): void {
  const sy = st.synapses;
  const ws = sy.weights;
  const acc = st.acc.byteOffset;
  const m = mark ? 1 : 0;
  const g = gotInput.byteOffset;
  if (sy.kind === "offset16") {
    const off = sy.offset.byteOffset;
    const side = sy.target.byteOffset;
    if (ws.kind === "palette") {
      if (ws.code.BYTES_PER_ELEMENT === 1) k.deliverOffsetPalette8(r, count, off, side, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
      else k.deliverOffsetPalette16(r, count, off, side, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
    } else if (ws.kind === "f32") k.deliverOffsetF32(r, count, off, side, ws.w.byteOffset, acc, g, m);
    else k.deliverOffsetF64(r, count, off, side, ws.w.byteOffset, acc, g, m);
  } else {
    const tgt = sy.target.byteOffset;
    if (ws.kind === "palette") {
      if (ws.code.BYTES_PER_ELEMENT === 1) k.deliverFlatPalette8(r, count, tgt, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
      else k.deliverFlatPalette16(r, count, tgt, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
    } else if (ws.kind === "f32") k.deliverFlatF32(r, count, tgt, ws.w.byteOffset, acc, g, m);
    else k.deliverFlatF64(r, count, tgt, ws.w.byteOffset, acc, g, m);
  }
}
