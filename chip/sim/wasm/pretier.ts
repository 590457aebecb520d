/**
 * Optimised kernel code before the first run. V8 runs a WebAssembly function in its baseline compiler's
 * code (Liftoff) until the function has spent a budget of work, then compiles it with its optimising
 * compiler (TurboFan) on a background thread and switches at a later call. The kernels a run calls per
 * tick reach that budget only after some ticks: a process's first bench_lif10k run spent ~12 ms of its
 * ~85 ms of ticks in the Liftoff code of delivery and update (perf; `--trace-wasm-compilation-times`
 * shows when each function is optimised).
 *
 * So when a state is built, the kernels its runs will call are each called a few thousand times with no
 * work, on an instance of their own whose memory is a throwaway page (nothing of any state is read or
 * written): the budget is spent there, the optimising compile runs while the caller goes on, and the code
 * it produces is the module's, shared by every instance and worker thread. Results do not depend on the
 * tier: WebAssembly arithmetic is defined bit for bit (up to a NaN's payload), and without pre-tiering the
 * switch already happened in the middle of a run.
 */
import { NeuronDynamics, type ChipProgram } from "../../program/types.ts";
import type { SimState } from "../state.ts";
import { CoreClass } from "../update.ts";
import { scratchKernels, type WasmKernelExports } from "./kernels.ts";
import { EMIT_WORDS } from "./wheel.ts";
import { TEAM_LOOP_WORDS } from "./team-loop.ts";

/**
 * Calls per kernel. Measured on Node 20.20 (V8 11.3): deliverOffsetPalette16 (1 KB body) was optimised
 * after 5,000 calls, not after 2,000; updateLifUniform (8 KB) after 2,000. ~0.1 µs per call.
 */
export const PRETIER_CALLS = 8000;

/** The kernels a state's runs call per tick or per run end, by name (a subset of WasmKernelExports). */
export type PretierKernel =
  | "deliverOffsetF64" | "deliverOffsetF32" | "deliverOffsetPalette8" | "deliverOffsetPalette16"
  | "deliverFlatF64" | "deliverFlatF32" | "deliverFlatPalette8" | "deliverFlatPalette16"
  | "updateLifUniform" | "updateSanafeUniform" | "emitSpikes" | "spikesByPopulation" | "deriveSpikeCounters" | "inFlightSynapses"
  | "partTick" | "teamTick" | "teamTicks" | "workerTicks";

const done = new Set<PretierKernel>();
let scratch: WasmKernelExports | undefined;

/** One call of `name` that does no work: no records, no cores, no spikes (addresses 0 of the scratch page). */
function emptyCall(k: WasmKernelExports, name: PretierKernel): () => void {
  switch (name) {
    case "deliverOffsetF64": return () => k.deliverOffsetF64(0, 0, 0, 0, 0, 0, 0, 0);
    case "deliverOffsetF32": return () => k.deliverOffsetF32(0, 0, 0, 0, 0, 0, 0, 0);
    case "deliverOffsetPalette8": return () => k.deliverOffsetPalette8(0, 0, 0, 0, 0, 0, 0, 0, 0);
    case "deliverOffsetPalette16": return () => k.deliverOffsetPalette16(0, 0, 0, 0, 0, 0, 0, 0, 0);
    case "deliverFlatF64": return () => k.deliverFlatF64(0, 0, 0, 0, 0, 0, 0);
    case "deliverFlatF32": return () => k.deliverFlatF32(0, 0, 0, 0, 0, 0, 0);
    case "deliverFlatPalette8": return () => k.deliverFlatPalette8(0, 0, 0, 0, 0, 0, 0, 0);
    case "deliverFlatPalette16": return () => k.deliverFlatPalette16(0, 0, 0, 0, 0, 0, 0, 0);
    case "updateLifUniform": return () => { k.updateLifUniform(0, 0, 0, 0); };
    case "updateSanafeUniform": return () => { k.updateSanafeUniform(0, 0, 0, 0, 0); };
    // No spikes, on an emit block at address 0 whose wheel has one slot (`t mod slots` needs a slot); its
    // totals land on the page's first bytes.
    case "emitSpikes": return () => { k.emitSpikes(0, 0, 0, 0); };
    // Phase 0 (counting) of no spikes: zeroes the counts of no populations.
    case "spikesByPopulation": return () => k.spikesByPopulation(0, 0, 0, 0);
    // No neurons; no ticks of spikes.
    case "deriveSpikeCounters": return () => k.deriveSpikeCounters(0, 0, 0, 0);
    case "inFlightSynapses": return () => k.inFlightSynapses(0);
    // A team's kernels on a zero block at TEAM_BLOCK (its emit block is the one at address 0): a part tick
    // with no spikes, no bucket and no cores; a count of no spikes with no counters; no ticks ([t, tEnd)
    // empty). The worker loop's block is at LOOP_BLOCK, its control block a zero one at LOOP_CONTROL: the
    // loop sees sequence number 0 ≠ its own (1) and a command other than a tick, and returns at once
    // (setting its own to 0, hence the store before each call).
    case "partTick": return () => { k.partTick(TEAM_BLOCK, 0, 0); };
    case "teamTick": return () => k.teamTick(TEAM_BLOCK, 0, 0);
    case "teamTicks": return () => { k.teamTicks(TEAM_BLOCK, 0, 0); };
    case "workerTicks": return () => { loopWords![TEAM_LOOP_WORDS.indexOf("seq")] = 1; k.workerTicks(LOOP_BLOCK); };
  }
}

/** Byte addresses on the scratch page (64 KiB, zero) of the team kernels' blocks (past the emit block at 0). */
const TEAM_BLOCK = 4096;
const LOOP_BLOCK = 8192;
const LOOP_CONTROL = 12288;
/** The worker loop's block on the scratch page. */
let loopWords: Int32Array | undefined;

/** The scratch instance, its emit block at address 0 given one wheel slot (see emptyCall). */
function scratchInstance(): WasmKernelExports {
  const { kernels, memory } = scratchKernels();
  new Uint32Array(memory.buffer)[EMIT_WORDS.indexOf("slots")] = 1;
  loopWords = new Int32Array(memory.buffer, LOOP_BLOCK, TEAM_LOOP_WORDS.length);
  loopWords[TEAM_LOOP_WORDS.indexOf("ctrl")] = LOOP_CONTROL;
  return kernels;
}

/**
 * Gets `names` optimised (each once per process; later calls return at once). Returns the kernels it
 * called now. The calls go to the scratch instance of kernels.ts (the availability check's, on a page of
 * its own), so pre-tiering reserves no memory beyond what the check did.
 */
export function pretierKernels(names: Iterable<PretierKernel>): PretierKernel[] {
  const now: PretierKernel[] = [];
  for (const name of names) {
    if (done.has(name)) continue;
    done.add(name);
    scratch ??= scratchInstance();
    const call = emptyCall(scratch, name);
    for (let i = 0; i < PRETIER_CALLS; i++) call();
    now.push(name);
  }
  return now;
}

/** What every one-thread run calls whatever its state: emission, and at its end the sort of spikes by population, the counter derivation, the events in flight. */
const EVERY_RUN: readonly PretierKernel[] = ["emitSpikes", "spikesByPopulation", "deriveSpikeCounters", "inFlightSynapses"];

/**
 * What can be started before a state of `program` is built (the update kernels take the longest to
 * optimise, ~10 ms for updateLifUniform, so their compile overlaps with the build): the update kernel of
 * its soma model (SANA-FE's when a core runs it, else the compartment one), emission, and the run's end.
 */
export function kernelsOfProgram(program: Pick<ChipProgram, "cores">): PretierKernel[] {
  const sanafe = program.cores.some((cp) => cp.neurons.dynamics?.includes(NeuronDynamics.sanafeLif) === true);
  return [sanafe ? "updateSanafeUniform" : "updateLifUniform", ...EVERY_RUN];
}

/**
 * What a team's threads call per tick besides delivery and update (threads/team.ts pre-tiers them when it
 * builds its parts, while the workers start): the part tick, the main thread's count of a tick, and the
 * two tick loops, which are entered once per chunk or run and would otherwise run that in baseline code.
 */
export const TEAM_KERNELS: readonly PretierKernel[] = ["partTick", "teamTick", "teamTicks", "workerTicks"];

/** The delivery kernel of a synapse layout and weight encoding (none for `wide`: plastic programs deliver with the STDP kernel). */
export function deliveryKernelOf(sy: Pick<SimState["synapses"], "kind" | "weights">): PretierKernel[] {
  if (sy.kind === "wide") return [];
  const ws = sy.weights;
  const enc = ws.kind === "palette" ? (ws.code.BYTES_PER_ELEMENT === 1 ? "Palette8" : "Palette16") : ws.kind === "f32" ? "F32" : "F64";
  return [`deliver${sy.kind === "offset16" ? "Offset" : "Flat"}${enc}`];
}

/**
 * The kernels a one-thread run of `st` calls per tick and at its end: the delivery kernel of its synapse
 * layout and weight encoding, the update kernels of its uniform core classes, emission, and what every
 * run's end calls: the sort of spikes by population, the counter derivation, the count of events in flight.
 */
export function kernelsOfState(st: Pick<SimState, "synapses" | "coreClass">): PretierKernel[] {
  const out = deliveryKernelOf(st.synapses);
  if (st.coreClass.includes(CoreClass.lifUniform)) out.push("updateLifUniform");
  if (st.coreClass.includes(CoreClass.sanafeUniform)) out.push("updateSanafeUniform");
  out.push(...EVERY_RUN);
  return out;
}
