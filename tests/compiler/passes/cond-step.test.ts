/**
 * passes/cond-step.ts: a lif-cond population whose tick (dtMs) exceeds τ, τ_ge or τ_gi is refused with
 * E_MODEL_FIELD naming the population and key (forward Euler would flip the conductance's sign every tick);
 * a tick equal to τ_ge is allowed (Diehl & Cook's 1 ms at 1 ms ticks), and the check runs for `run` and for
 * `learn mnist --neuron-model lif-cond --set tickMs=…` alike.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";

const EXAMPLE = "examples/cond/dc-coba.model.json";

/** The example with every lif-cond population's dtMs set to `dtMs`. */
function withTick(dtMs: number): string {
  const m = JSON.parse(readFileSync(EXAMPLE, "utf8")) as { populations: Array<Record<string, unknown>> };
  for (const p of m.populations) if (p.model === "lif-cond") p.dtMs = dtMs;
  const dir = mkdtempSync(join(tmpdir(), "aerchip-cond-step-"));
  const file = join(dir, "model.json");
  writeFileSync(file, JSON.stringify(m));
  return file;
}

describe("lif-cond: the tick may not exceed a time constant", () => {
  it("dtMs 1.5 > tauGeMs 1 is refused with the population, the key and a hint; nothing is written", async () => {
    const file = withTick(1.5);
    const out = join(file, "..", "out");
    const r = await cli("run", file, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_MODEL_FIELD");
    expect(r.stderr).toContain('population "exc"');
    expect(r.stderr).toContain("tauGeMs 1");
    expect(r.stderr).toContain("1 − 1.5/1 = -0.5 < 0");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("dtMs 1 = tauGeMs 1 runs (the conductance acts for the tick it arrives in)", async () => {
    const file = withTick(1);
    const r = await cli("run", file, "--arch", "generic", "--out", join(file, "..", "out"), "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("learn mnist --neuron-model lif-cond --set tickMs=2 is refused (τ_ge 1 ms); the hint names --set tickMs", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-cond-step-")), "out");
    const r = await cli("learn", "mnist", "--neurons", "10", "--train", "5", "--test", "5", "--arch", "generic", "--neuron-model", "lif-cond", "--set", "tickMs=2", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_MODEL_FIELD");
    expect(r.stderr).toContain("--set tickMs=1 or less");
    expect(existsSync(join(out, "learn-mnist.json"))).toBe(false);
  }, 60_000);
});
