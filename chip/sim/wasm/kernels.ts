/**
 * The WebAssembly kernels (assembly/kernels.ts, compiled into kernels-binary.ts): compiled once per
 * thread, instantiated once per state memory. Exports take byte addresses into that memory.
 */
import { Wasm, type WasmMemory } from "./api.ts";
import { KERNELS_WASM_BASE64 } from "./kernels-binary.ts";

export interface WasmKernelExports {
  deliverOffsetF64(rec: number, count: number, offset: number, side: number, w: number, acc: number, mark: number, doMark: number): void;
  deliverOffsetF32(rec: number, count: number, offset: number, side: number, w: number, acc: number, mark: number, doMark: number): void;
  deliverOffsetPalette8(rec: number, count: number, offset: number, side: number, code: number, table: number, acc: number, mark: number, doMark: number): void;
  deliverOffsetPalette16(rec: number, count: number, offset: number, side: number, code: number, table: number, acc: number, mark: number, doMark: number): void;
  deliverFlatF64(rec: number, count: number, target: number, w: number, acc: number, mark: number, doMark: number): void;
  deliverFlatF32(rec: number, count: number, target: number, w: number, acc: number, mark: number, doMark: number): void;
  deliverFlatPalette8(rec: number, count: number, target: number, code: number, table: number, acc: number, mark: number, doMark: number): void;
  deliverFlatPalette16(rec: number, count: number, target: number, code: number, table: number, acc: number, mark: number, doMark: number): void;
  updateLifUniform(ctx: number, c0: number, c1: number, nFired: number): number;
  updateSanafeUniform(ctx: number, c0: number, c1: number, nFired: number, decay: number): number;
  decayStdpTraces(ctx: number): void;
  deliverStdp(ctx: number, rec: number, count: number): void;
  potentiateStdp(ctx: number, fired: number, nFired: number): void;
  deriveSpikeCounters(ctx: number, n0: number, n1: number, last: number): void;
  spikesByPopulation(ctx: number, phase: number, from: number, to: number): void;
  emitSpikes(ctx: number, t: number, from: number, nFired: number): number;
  detailedSchedule(tx: number): number;
  recordPackets(rx: number, nFired: number, p0: number): number;
  runTicks(rt: number, t: number, tEnd: number): number;
  partTick(rt: number, t: number, prevCount: number): number;
  partRouteWork(rt: number, t: number, n: number): void;
  teamTick(rt: number, t: number, nFired: number): void;
  workerTicks(tm: number): number;
  teamTicks(tm: number, t: number, tEnd: number): number;
  mapStimulus(sx: number): number;
  sortStimulus(sx: number): number;
  inFlightSynapses(ix: number): void;
}

/**
 * Which kernels run the hot loops: "wasm" (default) or "js" (the TypeScript twins); both give bit-identical
 * results. AERCHIP_KERNELS=js sets the default.
 */
export type KernelChoice = "wasm" | "js";

export function defaultKernels(): KernelChoice {
  return process.env.AERCHIP_KERNELS === "js" ? "js" : "wasm";
}

let compiled: object | undefined;

function nowMs(): number {
  return performance.now();
}
const instances = new WeakMap<WasmMemory, WasmKernelExports>();

function kernelModule(): object {
  // Synchronous compile: the module is ~26 KB, and a state is built synchronously. Workers compile it
  // too; V8's native module cache gives them the same compiled code (measured: no function compiled twice).
  compiled ??= new Wasm.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
  return compiled;
}

/** The kernels bound to `memory` (one instance per memory and thread). */
export function kernelsFor(memory: WasmMemory): WasmKernelExports {
  let k = instances.get(memory);
  if (k === undefined) {
    // nowMs: the clock of the multi-threaded loops' spin budget and busy times (team-loop.ts).
    const instance = new Wasm.Instance(kernelModule(), { env: { memory, nowMs } });
    k = instance.exports as unknown as WasmKernelExports;
    instances.set(memory, k);
  }
  return k;
}

let available: boolean | undefined;
let scratch: { readonly kernels: WasmKernelExports; readonly memory: WasmMemory } | undefined;

/**
 * The kernels on a one-page memory of their own, made once per thread: the availability check below, and
 * pre-tiering (pretier.ts), which calls kernels there with no work. No state lives in that memory.
 */
export function scratchKernels(): { readonly kernels: WasmKernelExports; readonly memory: WasmMemory } {
  if (scratch === undefined) {
    const memory = new Wasm.Memory({ initial: 1, maximum: 1, shared: true });
    scratch = { kernels: kernelsFor(memory), memory };
  }
  return scratch;
}

/**
 * Whether this process can run the kernels: WebAssembly with threads (shared memories), and the address
 * space a memory reserves (V8 reserves several GiB per memory for its guard regions; a process limited by
 * `ulimit -v` may not have them). Checked once.
 */
export function wasmKernelsAvailable(): boolean {
  if (available === undefined) {
    try {
      scratchKernels();
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}
