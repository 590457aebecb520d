/**
 * Pair STDP with the WebAssembly kernels (plasticity.ts semantics): its structures copied into the state's
 * memory, and the plasticity context block the kernels read.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { PlasticityState } from "../plasticity.ts";
import type { SimState } from "../state.ts";
import type { WasmArena } from "./arena.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";

/** Words of the plasticity context block, in the order of assembly/kernels.ts (PX_*: byte offset = 4 × index). */
export const STDP_FIELDS = [
  "groupPlastic", "groupTraceStart", "groupTraceId", "groupRunStart", "runSynStart", "runProjection", "runCore", "runKind", "synYSlot",
  "x", "xDecay", "xNearest", "y", "yDecay", "yNearest", "postPtr", "postSyn", "postTrace", "neuronPostRunStart", "postRunEnd",
  "postRunProjection", "postRunStride", "neuronYPtr", "neuronYSlot", "aPlus", "aMinus", "wMin", "wMax",
] as const satisfies readonly (keyof PlasticityState)[];
const STDP_WORDS = 3 + STDP_FIELDS.length + 4;

/** A copy of `pl` whose arrays live in the arena (pair STDP's structures are built on ordinary arrays). */
export function plasticityInArena(arena: WasmArena, pl: PlasticityState): PlasticityState {
  const a = arena.allocator();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pl)) {
    const arr = value as Float64Array | Uint32Array | Uint16Array | Uint8Array;
    let copy: typeof arr;
    if (arr instanceof Float64Array) copy = a.f64(arr.length);
    else if (arr instanceof Uint32Array) copy = a.u32(arr.length);
    else if (arr instanceof Uint16Array) copy = a.u16(arr.length);
    else if (arr instanceof Uint8Array) copy = a.u8(arr.length);
    else throw new AerchipError("E_INTERNAL", `plasticity field ${key} is not a typed array the kernels know`, { field: key });
    copy.set(arr as never);
    out[key] = copy;
  }
  return out as unknown as PlasticityState;
}

/**
 * Writes the pair-STDP context block (allocated with the run buffers on first use) after checking that
 * every array the STDP kernels address lives in the state's memory; returns its address and the per-core
 * synaptic-update buffer the kernels add to.
 */
export function writeStdpContext(b: WasmStateBinding, st: SimState, pl: PlasticityState): { ctx: number; coreSynUpdates: Float64Array } {
  if (b.runs.stdp === undefined) {
    const a = b.arena.allocator();
    b.runs.stdp = { coreSynUpdates: a.f64(Math.max(1, st.coreCount)), ctx: a.u32(STDP_WORDS) };
  }
  const { ctx, coreSynUpdates } = b.runs.stdp;
  coreSynUpdates.fill(0);
  const arrays: [string, ArrayBufferView][] = [["acc", st.acc], ["synTarget", st.synTarget], ["synWeight", st.synWeight]];
  for (const name of STDP_FIELDS) arrays.push([name, pl[name]]);
  arrays.push(["coreOfNeuron", st.coreOfNeuron], ["coreSynUpdates", coreSynUpdates]);
  assertInMemory("ctx", ctx, b.memory);
  for (let i = 0; i < arrays.length; i++) {
    assertInMemory(arrays[i][0], arrays[i][1], b.memory);
    ctx[i] = arrays[i][1].byteOffset;
  }
  ctx[arrays.length] = pl.x.length;
  ctx[arrays.length + 1] = pl.y.length;
  return { ctx: ctx.byteOffset, coreSynUpdates };
}
