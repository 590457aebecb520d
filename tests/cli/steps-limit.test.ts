/**
 * One maximum of ticks per run (core/run-limits.ts), enforced where the simulation starts (chip/sim/run.ts)
 * before anything is allocated per tick, and met earlier with a message naming what to change: --steps at
 * parsing, a model's "steps" in its validator, an event input's span (--tick-us).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { compileAndRunAsync, loadModel } from "../../cli/pipeline.ts";
import { loadArch } from "../../cli/load-arch.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-steps-"));

describe("ticks per run", () => {
  it("the simulator refuses more ticks than MAX_RUN_TICKS before allocating (E_SIM_STEPS_EXCEEDED, not E_INTERNAL)", async () => {
    const model = loadModel(tinyModel(tmp()));
    for (const steps of [MAX_RUN_TICKS + 1, 1e9, 5.9e9]) {
      await expect(compileAndRunAsync(loadArch("generic"), model, { steps, provenance: { aerchipVersion: "test", inputs: [], options: {} } }))
        .rejects.toMatchObject({ code: "E_SIM_STEPS_EXCEEDED" });
    }
  });

  it("a model whose steps exceed the limit is refused by the model validator", async () => {
    const dir = tmp();
    const r = await cli("run", tinyModel(dir, 1e9), "--arch", "generic", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_MODEL_FIELD/);
    expect(r.stderr).toMatch(/field: steps/);
    expect(r.stderr).toContain(String(MAX_RUN_TICKS));
  });

  it("an event input spanning more ticks than the limit at --tick-us names --tick-us; a tiny --tick-us too", async () => {
    const dir = tmp();
    const c = await cli("compile", tinyModel(dir), "--arch", "generic", "--out", join(dir, "c"), "--quiet");
    expect(c.code).toBe(0);
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,2000000,0\n");
    const program = join(dir, "c", "program.aerprog");
    const long = await cli("run", program, "--arch", "generic", "--input", events, "--tick-us", "1", "--out", join(dir, "o1"));
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/E_SIM_STEPS_EXCEEDED/);
    expect(long.stderr).toMatch(/field: --tick-us/);
    const tiny = await cli("run", program, "--arch", "generic", "--input", events, "--tick-us", "5e-324", "--out", join(dir, "o2"));
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toMatch(/field: --tick-us/);
    // With --steps the input's start runs.
    const start = await cli("run", program, "--arch", "generic", "--input", events, "--tick-us", "1", "--steps", "50", "--out", join(dir, "o3"), "--quiet");
    expect(start.code).toBe(0);
  });
});
