/**
 * `aerchip learn FEATURES.npy --set rateHzPerPixel=auto` (cli/learn/auto-gain.ts, audit s19 G14): with D&C's
 * MNIST gain, 12 features leave samples silent in the frozen pass; the searched gain leaves fewer, is the
 * stated ladder's smallest rung reaching the target, is recorded with its search, and the run is deterministic.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../../core/io/npy.ts";
import { createRng } from "../../../core/rng.ts";
import { AUTO_GAIN_FRACTION, splitAutoGain } from "../../../cli/learn/auto-gain.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-autogain-"));
const K = 3, D = 12, N = 60;

/** Three blobs: class c is bright (≈ 3) on features [4c, 4c + 4), dim (≈ 0.2) elsewhere. */
function writeData(): { x: string; y: string } {
  const rng = createRng(7);
  const X = new Float32Array(N * D);
  const y = new Int32Array(N);
  for (let s = 0; s < N; s++) {
    const c = s % K;
    y[s] = c;
    for (let f = 0; f < D; f++) X[s * D + f] = (Math.floor(f / 4) === c ? 3 : 0.2) + 0.5 * rng.nextFloat();
  }
  const x = join(dir, "X.npy"), l = join(dir, "y.npy");
  writeFileSync(x, writeNpy(X, [N, D]));
  writeFileSync(l, writeNpy(y, [N]));
  return { x, y: l };
}
const files = writeData();

interface Rung { rateHzPerPixel: number; samplesAtMinSpikes: number; probedSamples: number }

describe("learn --set rateHzPerPixel=auto", () => {
  it("chooses the smallest rung at which half the samples reach minSpikes, records it, and leaves fewer samples silent than the default gain", async () => {
    const run = (out: string, ...set: string[]) => cli("learn", files.x, "--labels", files.y, "--neurons", "6", "--arch", "loihi", ...set, "--out", out);
    const base = await run(join(dir, "default"), "--quiet");
    expect(base.code, base.stderr).toBe(0);
    const a = await run(join(dir, "auto"), "--set", "rateHzPerPixel=auto");
    expect(a.code, a.stderr).toBe(0);
    const b = await run(join(dir, "auto2"), "--set", "rateHzPerPixel=auto", "--quiet");
    expect(b.code, b.stderr).toBe(0);
    const read = (name: string) => readFileSync(join(dir, name, "learn-features.json"));
    expect(read("auto")).toEqual(read("auto2"));
    const d0 = JSON.parse(read("default").toString());
    const d1 = JSON.parse(read("auto").toString());
    const silent0 = d0.results[0].clustering.silentSamples;
    const silent1 = d1.results[0].clustering.silentSamples;
    expect(silent0).toBeGreaterThan(0);
    expect(silent1).toBeLessThan(silent0);
    // The search: rungs 63.75·2^k in order, the last (chosen) one the first to reach the fraction.
    const s = d1.inputGainSearch;
    expect(s.reached).toBe(true);
    s.rungs.forEach((r: Rung, k: number) => {
      expect(r.rateHzPerPixel).toBe(63.75 * 2 ** k);
      expect(r.probedSamples).toBe(N);
      expect(r.samplesAtMinSpikes >= AUTO_GAIN_FRACTION * N).toBe(k === s.rungs.length - 1);
    });
    expect(s.chosenRateHzPerPixel).toBe(s.rungs[s.rungs.length - 1].rateHzPerPixel);
    expect(s.chosenRateHzPerPixel).toBeGreaterThan(63.75);
    expect(d1.params.rateHzPerPixel).toBe(s.chosenRateHzPerPixel);
    expect(d1.paramsProvenance.rateHzPerPixel).toMatch(/^aerchip: --set rateHzPerPixel=auto chose /);
    expect(d0.inputGainSearch).toBeUndefined();
    // The summary says the chosen gain and the silent share; the default run's hint names the search.
    expect(a.stdout).toMatch(new RegExp(`rateHzPerPixel=auto chose ${s.chosenRateHzPerPixel} Hz`));
    expect(a.stdout).toMatch(new RegExp(`silent samples .*float ${silent1} of ${N} \\(`));
    const loud = await run(join(dir, "default-loud"));
    expect(loud.stdout).toMatch(new RegExp(`silent samples .*float ${silent0} of ${N} \\(${(100 * silent0 / N).toFixed(1)}%\\).*rateHzPerPixel=auto`));
  }, 60_000);

  it("takes auto out of --set in order (a later value wins) and refuses auto for other keys", () => {
    expect(splitAutoGain("presentMs=50,rateHzPerPixel=auto")).toEqual({ set: "presentMs=50", auto: true });
    expect(splitAutoGain("rateHzPerPixel=auto,rateHzPerPixel=100")).toEqual({ set: "rateHzPerPixel=100", auto: false });
    expect(splitAutoGain("rateHzPerPixel=100,rateHzPerPixel=auto")).toEqual({ set: "", auto: true });
    expect(splitAutoGain(undefined)).toEqual({ set: undefined, auto: false });
    expect(errorOf(() => splitAutoGain("minSpikes=auto")).code).toBe("E_CLI_OPTION");
  });

  it("stops where the encoder saturates (audit s20a F7): a target no rate reaches ends at the first rung with p ≥ 0.999", async () => {
    // minSpikes far above what 20 ms can give: no rung reaches it. At 1 ms ticks 63.75·2^4 = 1,020 Hz gives
    // p = min(1, 1.02) = 1 for the brightest input (p = r·dt, audit s24c #6): the ladder stops there (rung 4, not 8).
    const out = join(dir, "sat");
    const r = await cli("learn", files.x, "--labels", files.y, "--neurons", "3", "--arch", "loihi", "--set", "rateHzPerPixel=auto,presentMs=20,minSpikes=1000", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(out, "learn-features.json"), "utf8"));
    const rungs = d.inputGainSearch.rungs as Array<Rung & { pSpikeBrightest: number }>;
    expect(rungs.map((x) => x.rateHzPerPixel)).toEqual([0, 1, 2, 3, 4].map((k) => 63.75 * 2 ** k));
    expect(rungs[4].pSpikeBrightest).toBe(1);
    expect(rungs[3].pSpikeBrightest).toBeCloseTo(0.51, 12);
    expect(d.inputGainSearch).toMatchObject({ reached: false, saturated: true, chosenRateHzPerPixel: 1020 });
    expect(r.stdout).toMatch(/before the encoder saturated/);
  }, 60_000);
});
