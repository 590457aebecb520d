/**
 * The one-shot constant source `__nir_once` (compiler/frontends/nir/lower.ts, "Constant drives") in fixed
 * point (audit s23a #1). A CubaLIF with v_leak ≠ 0 gets its k·v_leak drive as c·(1 − cd) per tick from
 * `__nir_bias` plus c·cd once at step 0 from `__nir_once`. The once-neuron used to be bias 1 with vReset
 * −2^52: the quantiser picks the state scale from |vReset| (compiler/passes/quantise.ts), bias 1 then
 * rounded to 0, it never fired, and every such node lost c·cd of drive in fixed point, silently. Now it
 * starts at vInit 1 with no bias, fires at tick 0 and stays at 0: every value is exact at any scale.
 *
 * The graph is the audit's B_cuba: in[4] → Affine → CubaLIF[6] with per-neuron τ_syn, τ_mem, r, w_in,
 * v_reset and v_leak ∈ [−0.48, 0.53]. On spinnaker2 (32-bit state, 16-bit weights) fixed point is exact for
 * it once the drive is right, so the fixed run must equal the float run bit for bit (before the fix: 164
 * against 165 spikes, 53 bins off the NIR reference).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../../../core/rng.ts";
import { loadNirModel, type LoadedNirModel } from "../../../../compiler/frontends/nir/index.ts";
import { compileAndRun, type RunOutcome } from "../../../../cli/pipeline.ts";
import { loadArch } from "../../../../cli/load-arch.ts";
import { nirStimulus } from "../../../../cli/spike-inputs.ts";
import { nirFile, writeH5 } from "./write-h5.ts";

let tmp = "";
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-once-")); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

const f64 = (v: number[], shape = [v.length]): { f64: number[]; shape: number[] } => ({ f64: v, shape });
const STEPS = 120;

/** The audit's B_cuba.nir (scratch t_edge1.py), parameters as written there. */
async function bCuba(): Promise<string> {
  const path = join(tmp, "B_cuba.nir");
  await writeH5(path, nirFile({
    in: { type: "Input", shape: [4n] },
    fc: {
      type: "Affine",
      weight: f64([8.666443189458489, -2.0441170477494737, 7.462240782245778, -3.7710813750563457, -5.697108113722315, -10.683594313527381, 18.889622295293833, 1.4379277429520267, 5.951466943587433, 3.751603928153606, 5.279694056058101, 4.39749183499498, 19.265736313621588, -4.311412727657178, -8.459696848785416, -4.0956773478748385, -6.677672078068369, 9.97569641985554, 10.563025676302054, -3.6905243612026117, -7.123486211703934, 1.1616267748712419, 15.128991023011148, -18.556555342386527], [6, 4]),
      bias: f64([0.1579880307047624, -0.3227265682345756, 0.3121101439623823, -0.3233771822630256, -0.08562474816475216, -0.45188373019186895]),
    },
    lif: {
      type: "CubaLIF",
      tau_syn: f64([0.0024192278151183057, 0.0023756456192324067, 0.001359595312535984, 0.0011425210043192005, 0.0015940534743142055, 0.0017231179519282796]),
      tau_mem: f64([0.0015668910816956766, 0.0027653287801737824, 0.0035592930235266496, 0.001542858019933919, 0.00155215155223582, 0.001694885650053087]),
      r: f64([1.2083285133956303, 2.904273187198606, 0.5644782314886538, 0.9593477957029068, 0.9126195984430014, 1.6858700628840309]),
      v_leak: f64([-0.48040538791045834, 0.09562518670508358, -0.2882008151124502, -0.14946771053799085, 0.5301727874885169, -0.2607126120800163]),
      v_threshold: f64([0.7319901831482747, 0.584418588923989, 0.5923168984651789, 0.8717917923185545, 0.412640467931031, 0.9466671575854548]),
      v_reset: f64([0.14674542863060508, 0.03416098141885188, -0.27527633964419707, 0.03165426424549567, 0.00017384118200458598, 0.08610295431663556]),
      w_in: f64([1.2484105381437307, 3.8367460363924946, 3.6016900241742893, 0.9002499914504678, 1.6032065050602025, 0.6135546611988603]),
    },
    out: { type: "Output", shape: [6n] },
  }, [["in", "fc"], ["fc", "lif"], ["lif", "out"]]));
  return path;
}

function run(m: LoadedNirModel, arch: string, precision: "float" | "fixed"): RunOutcome {
  // Input spikes with probability 0.3 per step and input (seeded: the same stimulus every run).
  const rng = createRng(23);
  const tick: number[] = [];
  const neuron: number[] = [];
  for (let t = 0; t < STEPS; t++) for (let i = 0; i < 4; i++) if (rng.nextFloat() < 0.3) { tick.push(t); neuron.push(i); }
  const stimulus = nirStimulus(m, { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) });
  return compileAndRun(loadArch(arch), { graph: m.graph, stimulus }, {
    steps: STEPS + m.extraTicks, compile: { precision, file: "B_cuba.nir" }, provenance: { aerchipVersion: "test", inputs: [], options: {} },
  });
}

const pairs = (o: RunOutcome, population: string): string => {
  const s = o.sim.spikes.get(population)!;
  return Array.from(s.tick, (t, k) => `${t}:${s.neuron[k]}`).join(",");
};

describe("__nir_once in fixed point (audit s23a #1)", () => {
  it("B_cuba (CubaLIF, v_leak ≠ 0) on spinnaker2: fixed point gives the float run's spikes bit for bit", async () => {
    const m = await loadNirModel(await bCuba());
    expect(m.graph.populations.map((p) => p.name)).toContain("__nir_once");
    const fixed = run(m, "spinnaker2", "fixed");
    const float = run(m, "spinnaker2", "float");
    const lif = m.nodes.find((n) => n.node === "lif")!.population;
    expect(float.sim.spikes.get(lif)!.tick.length).toBeGreaterThan(100);
    expect(pairs(fixed, lif)).toBe(pairs(float, lif));
    // The report agrees: every population (helpers included) fires the same spikes as in float.
    for (const a of fixed.report.precision!.agreementWithFloat) expect({ population: a.population, jaccard: a.jaccard }).toEqual({ population: a.population, jaccard: 1 });
  });

  it("__nir_once fires exactly once, at tick 0, in fixed point on every preset with a multiplicative leak and in float on every preset", async () => {
    const m = await loadNirModel(await bCuba());
    for (const arch of ["generic", "loihi", "loihi-sanafe", "spinnaker2", "cim-crossbar"]) {
      expect({ arch, once: pairs(run(m, arch, "fixed"), "__nir_once") }).toEqual({ arch, once: "0:0" });
    }
    for (const arch of ["generic", "loihi", "loihi-sanafe", "spinnaker2", "cim-crossbar", "odin", "truenorth"]) {
      expect({ arch, once: pairs(run(m, arch, "float"), "__nir_once") }).toEqual({ arch, once: "0:0" });
    }
  });
});
