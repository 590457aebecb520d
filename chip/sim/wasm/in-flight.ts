/**
 * in-flight.ts inFlightByProjection with the `inFlightSynapses` kernel. It runs once per run, over a few
 * thousand spikes and their groups' synapses, so in TypeScript it stays in V8's interpreter (2–4 ms for
 * bench_lif10k's last five ticks in a run's first call); the kernel is compiled code from its first call.
 */
import type { SpikeRecordView } from "../spike-record.ts";
import type { SimState } from "../state.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the in-flight context block (IX_* of assembly/kernels.ts, in this order). */
export const IN_FLIGHT_WORDS = ["neurons", "tickEnd", "ticks", "left", "groupStart", "groupDelay", "groupSyn", "proj", "projBytes", "out"] as const;
const W = Object.fromEntries(IN_FLIGHT_WORDS.map((w, i) => [w, i])) as Record<(typeof IN_FLIGHT_WORDS)[number], number>;

export interface InFlightScratch {
  readonly neurons: Uint32Array;
  readonly tickEnd: Uint32Array;
  readonly out: Float64Array;
  readonly ctx: Int32Array;
}

export function inFlightByProjectionWasm(
  k: WasmKernelExports, b: WasmStateBinding, st: SimState, rec: SpikeRecordView, steps: number, projections: number,
): Float64Array {
  const t0 = Math.max(0, steps - st.maxDelayTicks);
  const D = steps - t0;
  const k0 = t0 === 0 ? 0 : rec.tickEnd[t0 - 1];
  const spikes = D === 0 ? 0 : rec.tickEnd[steps - 1] - k0;
  const x = inFlightScratch(b, spikes, D, projections);
  x.neurons.set(rec.neurons.subarray(k0, k0 + spikes));
  for (let i = 0; i < D; i++) x.tickEnd[i] = rec.tickEnd[t0 + i] - k0;
  x.out.fill(0);
  const c = x.ctx;
  const proj = st.synapses.projection;
  const arrays = [
    ["groupStart", st.neuronGroupStart], ["groupDelay", st.groupDelay], ["groupSyn", st.groupSynStart], ...(proj === undefined ? [] : [["proj", proj] as const]),
  ] as const;
  for (const [w, arr] of arrays) {
    assertInMemory(w, arr, b.memory);
    c[W[w]] = arr.byteOffset;
  }
  if (proj === undefined) c[W.proj] = 0;
  c[W.projBytes] = proj === undefined ? 0 : proj.BYTES_PER_ELEMENT;
  c[W.ticks] = D;
  c[W.left] = steps - t0;
  k.inFlightSynapses(c.byteOffset);
  return x.out.slice(0, projections);
}

/** The scratch in the state's memory, reused by later runs (grown by doubling). */
function inFlightScratch(b: WasmStateBinding, spikes: number, ticks: number, projections: number): InFlightScratch {
  const have = b.runs.inFlight;
  if (have !== undefined && have.neurons.length >= spikes && have.tickEnd.length >= ticks && have.out.length >= projections) return have;
  const a = b.arena.allocator();
  const made: InFlightScratch = {
    neurons: a.u32(Math.max(spikes, 2 * (have?.neurons.length ?? 0), 1024)),
    tickEnd: a.u32(Math.max(ticks, have?.tickEnd.length ?? 0, 1)),
    out: a.f64(Math.max(projections, have?.out.length ?? 0, 1)),
    ctx: a.i32(IN_FLIGHT_WORDS.length),
  };
  for (const [w, arr] of [["neurons", made.neurons], ["tickEnd", made.tickEnd], ["out", made.out]] as const) {
    assertInMemory(w, arr, b.memory);
    made.ctx[W[w]] = arr.byteOffset;
  }
  assertInMemory("ctx", made.ctx, b.memory);
  b.runs.inFlight = made;
  return made;
}
