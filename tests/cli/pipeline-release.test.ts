/**
 * compileAndRunAsync does not keep the model's IR graph reachable while the chip simulates, unless the
 * run needs it afterwards (a fixed-point compile recompiles it in float64 for the "ideal" reference).
 *
 * The graph is watched through a WeakRef while a long run is in flight (then interrupted); a full GC
 * comes from `gc`, exposed at run time (v8.setFlagsFromString + a new vm context), so no node flag is
 * needed. V8's background compile jobs can hold objects across one GC, so a release is looked for
 * over a few GCs, each in its own task (a live deref keeps its target until the task ends).
 */
import { describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadArch } from "../../cli/load-arch.ts";
import { compileAndRunAsync, loadModel } from "../../cli/pipeline.ts";
import { clearInterrupt, requestInterrupt } from "../../cli/interrupt.ts";
import type { LoadedModel } from "../../compiler/frontends/snnref.ts";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const DEMO = "examples/demo/ei-small.net.json";
const GC_TRIES = 5;

/** Loads the demo model and records a WeakRef to its graph; only the model is returned (no local keeps it). */
function loadWatched(watch: { graph?: WeakRef<object> }): LoadedModel {
  const model = loadModel(DEMO);
  watch.graph = new WeakRef(model.graph);
  return model;
}

/** Whether the graph survives GC_TRIES full GCs made while the run is in flight. */
async function graphAliveDuringRun(precision: "float" | "fixed"): Promise<boolean> {
  const watch: { graph?: WeakRef<object> } = {};
  const spec = loadArch("generic", { coreNeurons: 64 });
  let settled = false;
  // A run far longer than the checks below; it is interrupted once they are done.
  const running = compileAndRunAsync(spec, loadWatched(watch), {
    steps: 1_000_000,
    compile: { precision, seed: 0 },
    provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } },
  }).finally(() => { settled = true; });
  let alive = true;
  try {
    for (let i = 0; i < GC_TRIES && alive; i++) {
      await new Promise((r) => setTimeout(r, 10));
      collectGarbage();
      alive = watch.graph!.deref() !== undefined;
    }
    expect(settled, "the run ended before the checks: make it longer").toBe(false);
  } finally {
    requestInterrupt();
    await expect(running).rejects.toMatchObject({ code: "E_INTERRUPTED" });
    clearInterrupt();
  }
  return alive;
}

describe("compileAndRunAsync releases the IR graph during the simulation", () => {
  it("float precision: the graph is collectable while the chip runs", async () => {
    expect(await graphAliveDuringRun("float")).toBe(false);
  });

  it("fixed precision: the graph stays reachable (the float64 reference recompiles it after the run)", async () => {
    expect(await graphAliveDuringRun("fixed")).toBe(true);
  });
});
