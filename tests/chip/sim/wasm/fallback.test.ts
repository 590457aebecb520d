/**
 * Without the address space a WebAssembly memory reserves (V8 reserves several GiB of guard region per
 * memory), the simulator builds its state on ordinary arrays and runs the TypeScript kernels with the same
 * results, instead of failing; so does the detailed timing model's schedule. Run in a child process under `ulimit -v` (Linux shells; the compiled engine).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";

const DIST_OK = distIsFresh("chip/sim/wasm/kernels.js", ["chip", "core", "compiler"]);
const NEEDS_DIST = distNote(DIST_OK, "dist/chip/sim/wasm/kernels.js");

const SCRIPT = `
const { loadJsonModel } = await import("./dist/compiler/frontends/load-model.js");
const { compileModel } = await import("./dist/compiler/compile.js");
const { buildSimState } = await import("./dist/chip/sim/state.js");
const { runState } = await import("./dist/chip/sim/run.js");
const { loadChipSpecJson } = await import("./dist/chip/spec/load.js");
const { createDetailedTiming } = await import("./dist/chip/timing/detailed.js");
const model = loadJsonModel("examples/demo/ei-small.net.json");
const spec = loadChipSpecJson("generic");
const { program } = compileModel(model.graph, spec, {});
const st = buildSimState(spec, program);
const timing = createDetailedTiming();
const res = runState(spec, program, st, model.stimulus, { steps: 200, timing, timingPerPacket: true });
let spikes = 0;
for (const p of res.spikes.values()) spikes += p.tick.length;
console.log(JSON.stringify({ wasm: st.wasm !== undefined, kernels: res.kernels, timingKernels: timing.kernels, spikes, synOps: Array.from(res.counters.perTick).reduce((a, b) => a + b, 0), latencyNs: Array.from(res.tickLatencyNs) }));
`;

function runWith(limitKb: number | undefined): { wasm: boolean; kernels: string; timingKernels: string; spikes: number; synOps: number; latencyNs: number[] } {
  const cmd = `${limitKb === undefined ? "" : `ulimit -v ${limitKb}; `}exec "${process.execPath}" --input-type=module -e "$AERCHIP_SCRIPT"`;
  const r = spawnSync("bash", ["-c", cmd], { encoding: "utf8", env: { ...process.env, AERCHIP_SCRIPT: SCRIPT, AERCHIP_KERNELS: "" }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe.skipIf(!DIST_OK || process.platform !== "linux")(`WebAssembly memory unavailable ${NEEDS_DIST}`, () => {
  it("with 3 GB of address space the state falls back to ordinary arrays and gives the same results", () => {
    const normal = runWith(undefined);
    expect(normal.wasm).toBe(true);
    expect(normal.kernels).toBe("wasm");
    const limited = runWith(3_000_000);
    expect(limited.wasm).toBe(false);
    expect(limited.kernels).toBe("js");
    expect(limited.spikes).toBe(normal.spikes);
    expect(limited.synOps).toBe(normal.synOps);
    // The detailed timing model's schedule falls back the same way, with the same latencies.
    expect(normal.timingKernels).toBe("wasm");
    expect(limited.timingKernels).toBe("js");
    expect(limited.latencyNs).toEqual(normal.latencyNs);
    expect(normal.latencyNs.filter((ns) => ns > 0).length).toBeGreaterThan(100);
    expect(normal.spikes).toBeGreaterThan(100);
  }, 120_000);
});
