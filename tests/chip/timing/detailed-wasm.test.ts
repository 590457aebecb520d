/**
 * The detailed timing model's WebAssembly schedule (chip/timing/detailed-wasm.ts) against the TypeScript
 * one on a real workload: SANA-FE's DVS network on its Loihi file, every tick's latency bit for bit. (The
 * random and tie-heavy cases are in detailed-reference.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { loadSanafe, loadSanafeArch } from "../../../compiler/frontends/sanafe/index.ts";
import { buildSimState } from "../../../chip/sim/state.ts";
import { runState } from "../../../chip/sim/run.ts";
import { createDetailedTiming } from "../../../chip/timing/detailed.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

describe.skipIf(!HAS_SHARED)(`detailed timing in WebAssembly on SANA-FE's DVS network ${SKIP_MSG}`, () => {
  it("gives every tick's latency of the TypeScript scheduler, bit for bit (300 ticks, ~1.1M packets)", () => {
    const arch = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const sm = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), arch);
    const spec = arch.spec;
    const { program } = compileModel(sm.graph, spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
    const steps = 300;
    const stimulus = sm.stimulus(steps);
    const latencies = (kernels: "js" | "wasm"): Float64Array => {
      const timing = createDetailedTiming(kernels);
      expect(timing.kernels).toBe(kernels);
      const res = runState(spec, program, buildSimState(spec, program), stimulus, { steps, timing, timingPerPacket: true });
      return Float64Array.from(res.tickLatencyNs);
    };
    const js = latencies("js");
    const wasm = latencies("wasm");
    expect(wasm.length).toBe(steps);
    let differing = 0;
    for (let t = 0; t < steps; t++) if (!Object.is(js[t], wasm[t])) differing++;
    expect(differing).toBe(0);
    // A real schedule was compared (300 ticks of this network take ~5 ms of simulated time).
    expect(js.reduce((a, b) => a + b, 0)).toBeGreaterThan(1e6);
  }, 120_000);
});
