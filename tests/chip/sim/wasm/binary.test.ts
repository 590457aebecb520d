/**
 * The committed WebAssembly binary (chip/sim/wasm/kernels-binary.ts) is its AssemblyScript source compiled
 * with the pinned compiler and flags, so the kernels that run are the kernels that are read and reviewed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binaryModuleText, compileKernels, KERNELS_BINARY_MODULE } from "../../../../scripts/build-wasm.mjs";
import { KERNELS_WASM_BASE64 } from "../../../../chip/sim/wasm/kernels-binary.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { WasmArena } from "../../../../chip/sim/wasm/arena.ts";
import { CTX_FIELDS } from "../../../../chip/sim/wasm/binding.ts";
import { BY_POPULATION_PHASES, BY_POPULATION_WORDS } from "../../../../chip/sim/wasm/by-population.ts";
import { DERIVE_ARRAYS, DERIVE_NUMBERS, DERIVE_SHIFTS } from "../../../../chip/sim/wasm/derive.ts";
import { STDP_FIELDS } from "../../../../chip/sim/wasm/stdp.ts";
import { EMIT_WORDS } from "../../../../chip/sim/wasm/wheel.ts";
import { STIMULUS_WORDS } from "../../../../chip/sim/wasm/stimulus.ts";
import { IN_FLIGHT_WORDS } from "../../../../chip/sim/wasm/in-flight.ts";
import { Wasm } from "../../../../chip/sim/wasm/api.ts";
import { MESSAGE_BYTES, TIMING_COST_WORDS, TIMING_WORDS } from "../../../../chip/timing/detailed-wasm.ts";
import { PACKET_WORDS } from "../../../../chip/sim/wasm/packets.ts";
import { FUSED_COST_WORDS, FUSED_WORDS } from "../../../../chip/sim/wasm/fused.ts";
import { LOOP_COMMAND, LOOP_DEGRADED, LOOP_OK, LOOP_WORKER_FAILED, TEAM_LOOP_TIME_WORDS, TEAM_LOOP_WORDS } from "../../../../chip/sim/wasm/team-loop.ts";
import { CTRL_ARG, CTRL_ERROR, CTRL_OP, CTRL_PREV_FIRED, CTRL_SEQ, MIN_SPIN_MS, OP_TICK } from "../../../../chip/sim/threads/control.ts";

/** `const PREFIX_NAME = byteOffset;` declarations of the AssemblyScript source, in source order. */
function contextWords(prefix: string): [string, number][] {
  const src = readFileSync("chip/sim/wasm/assembly/kernels.ts", "utf8");
  return [...src.matchAll(new RegExp(`^const ${prefix}_([A-Z0-9_]+) = (\\d+);`, "gm"))].map((m) => [m[1], Number(m[2])]);
}

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toUpperCase();

describe("the WebAssembly kernel binary", () => {
  it("reads its context blocks at the offsets the TypeScript side writes (CX_*, PX_*, DX_*, BX_*, EX_*, SX_*, IX_* against binding.ts, stimulus.ts and in-flight.ts; TX_*, TC_* against detailed-wasm.ts; RX_* against packets.ts; RT_*, RC_* against fused.ts)", () => {
    const cx = contextWords("CX");
    const cxWant = [...CTX_FIELDS.map(snake), "WITH_INPUT_COUNTS", "RESET_ZERO", "RESET_SUBTRACT", "THRESHOLD_GE", "TALLY_COUNT", "RESET_SATURATE"];
    expect(cx).toEqual(cxWant.map((name, i) => [name, 4 * i]));
    const px = contextWords("PX");
    const pxWant = ["ACC", "SYN_TARGET", "SYN_WEIGHT", ...STDP_FIELDS.map(snake), "CORE_OF_NEURON", "CORE_SYN_UPDATES", "X_COUNT", "Y_COUNT"];
    expect(px).toEqual(pxWant.map((name, i) => [name, 4 * i]));
    const dx = contextWords("DX");
    const dxWant = [...DERIVE_ARRAYS.map(snake), ...DERIVE_SHIFTS.map((n) => `SHIFT_${snake(n)}`), ...DERIVE_NUMBERS.map(snake)];
    expect(dx).toEqual(dxWant.map((name, i) => [name, 4 * i]));
    expect(contextWords("BX")).toEqual(BY_POPULATION_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("BP")).toEqual(BY_POPULATION_PHASES.map((name, i) => [snake(name), i]));
    expect(contextWords("EX")).toEqual(EMIT_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("SX")).toEqual(STIMULUS_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("IX")).toEqual(IN_FLIGHT_WORDS.map((name, i) => [snake(name), 4 * i]));
    // The detailed timing kernel (chip/timing/detailed-wasm.ts): context words, float64 costs, message records.
    expect(contextWords("TX")).toEqual(TIMING_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("TC")).toEqual(TIMING_COST_WORDS.map((name, i) => [snake(name), 8 * i]));
    expect(contextWords("RX")).toEqual(PACKET_WORDS.map((name, i) => [snake(name), 4 * i]));
    // The fused tick kernel (wasm/fused.ts): context words and float64 costs (then synOpNs per encoding).
    expect(contextWords("RT")).toEqual(FUSED_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("RC")).toEqual([...FUSED_COST_WORDS, "synOpNs"].map((name, i) => [snake(name), 8 * i]));
    expect(contextWords("MSG").find(([name]) => name === "BYTES")).toEqual(["BYTES", MESSAGE_BYTES]);
    // The multi-threaded tick loops (wasm/team-loop.ts) and the control block they share with threads/control.ts.
    expect(contextWords("TM")).toEqual(TEAM_LOOP_WORDS.map((name, i) => [snake(name), 4 * i]));
    expect(contextWords("TMF")).toEqual(TEAM_LOOP_TIME_WORDS.map((name, i) => [snake(name), 8 * i]));
    expect(contextWords("LOOP")).toEqual([["OK", LOOP_OK], ["COMMAND", LOOP_COMMAND], ["DEGRADED", LOOP_DEGRADED], ["WORKER_FAILED", LOOP_WORKER_FAILED]]);
    expect(contextWords("CTRL")).toEqual([["SEQ", 4 * CTRL_SEQ], ["OP", 4 * CTRL_OP], ["ARG", 4 * CTRL_ARG], ["ERROR", 4 * CTRL_ERROR], ["PREV_FIRED", 4 * CTRL_PREV_FIRED]]);
    expect(contextWords("OP")).toEqual([["TICK_CODE", OP_TICK]]);
    const src = readFileSync("chip/sim/wasm/assembly/kernels.ts", "utf8");
    expect(Number(/^const MIN_SPIN_MS: f64 = ([0-9.]+);/m.exec(src)?.[1])).toBe(MIN_SPIN_MS);
  });

  it("is the AssemblyScript source compiled (run `node scripts/build-wasm.mjs` after editing the source)", async () => {
    const binary = await compileKernels();
    expect(binary.toString("base64")).toBe(KERNELS_WASM_BASE64);
    expect(readFileSync(KERNELS_BINARY_MODULE, "utf8")).toBe(binaryModuleText(binary));
  }, 60_000);

  it("exports every kernel the engine calls and imports only the state's memory and a clock", () => {
    const mod = new Wasm.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
    expect(Wasm.Module.imports(mod)).toEqual([{ module: "env", name: "nowMs", kind: "function" }, { module: "env", name: "memory", kind: "memory" }]);
    const names = Wasm.Module.exports(mod).filter((e) => e.kind === "function").map((e) => e.name).sort();
    expect(names).toEqual([
      "decayStdpTraces", "deliverFlatF32", "deliverFlatF64", "deliverFlatPalette16", "deliverFlatPalette8",
      "deliverOffsetF32", "deliverOffsetF64", "deliverOffsetPalette16", "deliverOffsetPalette8", "deliverStdp", "deriveSpikeCounters", "detailedSchedule", "emitSpikes", "inFlightSynapses", "mapStimulus", "partRouteWork", "partTick", "potentiateStdp", "recordPackets", "runTicks", "sortStimulus", "spikesByPopulation", "teamTick", "teamTicks", "updateLifUniform", "updateSanafeUniform", "workerTicks",
    ]);
    // One instance per memory.
    const arena = new WasmArena();
    expect(kernelsFor(arena.memory)).toBe(kernelsFor(arena.memory));
  });
});
