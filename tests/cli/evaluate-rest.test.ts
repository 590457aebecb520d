/**
 * `aerchip evaluate --rest-steps N` (cli/evaluate/sample.ts): N input-free chip ticks simulated after each
 * sample's own (Diehl & Cook's 150 ms rest), charged — the counters, energy and simulated time include them —
 * while the decoded outputs, accuracy and layer spikes use the sample's steps only.
 *
 * The model (as tests/cli/evaluate-reconstruction.test.ts): 3 input neurons, each wired with weight 1 (delay
 * 1 tick) to its own output neuron (threshold 0.5); T = 4 steps; on the generic chip every neuron of the
 * 3-neuron layer is updated every tick, so a run of k ticks makes 3·k neuron updates, and with
 * --tick-period-us 1000 (ticks far longer than their modelled latency) it lasts k · 10⁶ ns.
 *   --rest-steps 3: 3·(4 + 3) = 21 neuron updates instead of 12, 7·10⁶ ns instead of 4·10⁶, static energy
 *   P_static · 1 core · 7·10⁶ ns; sample a's neuron energy grows by 9 accesses without input; sample b's
 *   neuron 2, whose input spike at step 3 reaches it at tick 4 (a rest tick), spikes in the rest: not counted
 *   in its output values, which stay [0, 1, 1].
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { distIsFresh, distNote } from "../helpers/dist.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-eval-rest-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "identity3.json");
const DATA = join(TMP, "data");
const DIST_OK = distIsFresh("cli/evaluate/worker.js", ["core", "chip", "compiler", "cli"]);

function sample(path: string, spikes: Array<[number, number]>): void {
  const d = new Uint8Array(4 * 3);
  for (const [t, i] of spikes) d[t * 3 + i] = 1;
  writeFileSync(path, writeNpy(d, [4, 3], { bool: true }));
}

beforeAll(() => {
  writeFileSync(MODEL, JSON.stringify({
    format: "aerchip-model-1", name: "identity3", steps: 4,
    populations: [{ name: "in", kind: "input", size: 3 }, { name: "out", kind: "neuron", size: 3, vThreshold: 0.5, reset: "zero" }],
    projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], delays: 1 } }],
  }));
  mkdirSync(join(DATA, "0"), { recursive: true });
  sample(join(DATA, "0", "a.npy"), [[0, 0], [1, 0], [2, 0], [0, 1]]);
  sample(join(DATA, "0", "b.npy"), [[1, 1], [0, 2], [3, 2]]);
});

interface Row { id: string; ticks: number; spikes: number; synOps: number; neuronUpdates: number; simulatedTimeNs: number; outputValues: number[]; prediction: number | null; energyPj: Record<string, number> }
interface Doc {
  input: { restSteps?: number };
  provenance: { options: Record<string, unknown> };
  costs: Array<{ key: string; value: number }>;
  chip: { coresUsed: number };
  samples: Row[];
  summary: { accuracy: number | null; populations: Array<{ spikes: number; deadNeurons: number; meanDenseSynOpsIn: number }> };
}
const readDoc = (dir: string): Doc => JSON.parse(readFileSync(join(dir, "dataset.json"), "utf8")) as Doc;
const cost = (d: Doc, key: string): number => d.costs.find((c) => c.key === key)!.value;

async function evaluate(out: string, ...extra: string[]): Promise<Doc> {
  const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--tick-period-us", "1000", "--out", join(TMP, out), "--quiet", ...extra);
  expect(r.code, r.stderr).toBe(0);
  return readDoc(join(TMP, out));
}

describe("evaluate --rest-steps", () => {
  it("charges exactly the rest ticks' neuron updates, time and static energy; outputs, accuracy and layer spikes unchanged; recorded; rerun reproduces it", async () => {
    const base = await evaluate("r0");
    const rest = await evaluate("r3", "--rest-steps", "3");
    expect(rest.input.restSteps).toBe(3);
    expect(rest.provenance.options.restSteps).toBe(3);
    expect(base.input.restSteps).toBeUndefined();
    expect("restSteps" in base.provenance.options).toBe(false);
    for (let k = 0; k < 2; k++) {
      const a = base.samples[k];
      const b = rest.samples[k];
      expect([a.ticks, b.ticks]).toEqual([4, 7]);
      expect([a.neuronUpdates, b.neuronUpdates]).toEqual([3 * 4, 3 * 7]);
      expect([a.simulatedTimeNs, b.simulatedTimeNs]).toEqual([4e6, 7e6]);
      // Static energy = P (mW) × cores × time (ns) in pJ.
      expect(b.energyPj.static).toBeCloseTo(cost(rest, "staticPowerPerCoreMw") * rest.chip.coresUsed * 7e6, 6);
      expect(b.outputValues, b.id).toEqual(a.outputValues);
      expect(b.prediction).toBe(a.prediction);
      expect(b.spikes).toBe(a.spikes);
      expect(b.synOps).toBe(a.synOps);
    }
    // Sample a: nothing arrives in the rest, so its 9 extra updates are accesses without input.
    expect(rest.samples[0].energyPj.neuron - base.samples[0].energyPj.neuron).toBeCloseTo(9 * cost(rest, "energyNeuronInactivePj"), 9);
    expect(rest.samples[1].outputValues).toEqual([0, 1, 1]);
    expect(rest.summary.accuracy).toBe(base.summary.accuracy);
    // Layer activity over the steps as before; NeuroBench's dense ops count every simulated tick: 9 weights × 7.
    const activity = (d: Doc): unknown[] => d.summary.populations.map(({ meanDenseSynOpsIn: _d, ...p }) => p);
    expect(activity(rest)).toEqual(activity(base));
    expect([base.summary.populations[0].meanDenseSynOpsIn, rest.summary.populations[0].meanDenseSynOpsIn]).toEqual([9 * 4, 9 * 7]);
    expect(readFileSync(join(TMP, "r3", "dataset.md"), "utf8")).toMatch(/\| Rest after each sample \| 3 input-free chip ticks/);

    const rr = await cli("rerun", join(TMP, "r3", "dataset.json"), "--out", join(TMP, "rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(TMP, "rr", "dataset.json"), "utf8")).toBe(readFileSync(join(TMP, "r3", "dataset.json"), "utf8"));

    // --rest-steps 0 is no rest: the same bytes as without the option.
    await evaluate("r00", "--rest-steps", "0");
    for (const f of readdirSync(join(TMP, "r0"))) expect(readFileSync(join(TMP, "r00", f)).equals(readFileSync(join(TMP, "r0", f))), f).toBe(true);
  });

  it("a readout's membrane decoders (sum, max, last) read the sample's steps only: the same values with a rest", async () => {
    const readout = join(TMP, "readout3.json");
    const m = JSON.parse(readFileSync(MODEL, "utf8")) as { populations: Array<Record<string, unknown>> };
    m.populations[1].spiking = false;
    writeFileSync(readout, JSON.stringify(m));
    for (const decode of ["sum", "max", "last"]) {
      const values: number[][][] = [];
      for (const extra of [[], ["--rest-steps", "3"]]) {
        const out = join(TMP, `ro-${decode}-${extra.length}`);
        const r = await cli("evaluate", readout, "--input", DATA, "--arch", "generic", "--decode", decode, "--out", out, "--quiet", ...extra);
        expect(r.code, r.stderr).toBe(0);
        values.push(readDoc(out).samples.map((x) => x.outputValues));
      }
      expect(values[1], decode).toEqual(values[0]);
    }
  });

  it("the rest is input-free: an input spike past --steps is not delivered in it", async () => {
    // --steps 3 cuts sample b's step-3 spike (input neuron 2); a rest that delivered it would add a synaptic op.
    const cut = await evaluate("s3", "--steps", "3");
    const rest = await evaluate("s3r", "--steps", "3", "--rest-steps", "2");
    expect(rest.samples[1].synOps).toBe(cut.samples[1].synOps);
    expect(rest.samples[1].neuronUpdates).toBe(cut.samples[1].neuronUpdates + 3 * 2);
  });

  it("a rest that takes a sample past the ticks a run simulates is refused before anything runs", async () => {
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--rest-steps", String(MAX_RUN_TICKS), "--out", join(TMP, "big"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("E_CLI_OPTION");
    expect(r.stderr).toContain("field: --rest-steps");
  });

  it.skipIf(!DIST_OK)(`--jobs 2 on worker threads writes the same bytes as --jobs 1 ${distNote(DIST_OK, "dist/cli/evaluate/worker.js")}`, () => {
    const run = (jobs: string): string => {
      const out = join(TMP, `jobs${jobs}`);
      const r = spawnSync(process.execPath, ["bin/aerchip.js", "evaluate", MODEL, "--input", DATA, "--arch", "generic", "--rest-steps", "3", "--per-layer-ticks", "--jobs", jobs, "--out", out, "--quiet"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return out;
    };
    const a = run("1");
    const b = run("2");
    expect(readdirSync(a)).toContain("layer-ticks.csv");
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readDoc(b).samples[0].ticks).toBe(7);
  });
});

describe("evaluate --rest-steps with --input-counts (audit s20a F2)", () => {
  it("keeps every event of a count sample: the sample's ticks deliver c spikes, as without the rest", async () => {
    const counts = join(TMP, "counts");
    mkdirSync(join(counts, "0"), { recursive: true });
    // Input 0 fires 3 times in tick 0 and twice in tick 2; input 1 once in tick 1.
    const d = new Float64Array(4 * 3);
    d[0] = 3; d[1 * 3 + 1] = 1; d[2 * 3 + 0] = 2;
    writeFileSync(join(counts, "0", "c.npy"), writeNpy(d, [4, 3]));
    const run = async (out: string, ...extra: string[]): Promise<Row> => {
      const r = await cli("evaluate", MODEL, "--input", counts, "--arch", "generic", "--input-counts", "--out", join(TMP, out), "--quiet", ...extra);
      expect(r.code, r.stderr).toBe(0);
      return readDoc(join(TMP, out)).samples[0];
    };
    const plain = await run("counts-norest");
    const rested = await run("counts-rest", "--rest-steps", "2");
    // 6 delivered input spikes, each reading its dense row of 3 synapses (zeros stored): 18 ops with or
    // without the rest (3 spikes, 9 ops, if the repeats were dropped).
    expect(plain.synOps).toBe(18);
    expect(rested.synOps).toBe(18);
    expect(rested.outputValues).toEqual(plain.outputValues);
    // The activity table's note says the dense ops include the rest (audit s20a F8).
    expect(readFileSync(join(TMP, "counts-rest", "dataset.md"), "utf8")).toMatch(/steps plus pipeline ticks plus the rest/);
    expect(readFileSync(join(TMP, "counts-norest", "dataset.md"), "utf8")).not.toMatch(/plus the rest/);
  });
});

describe("evaluate on several chips with --rest-steps and --target-from (audit s20a F8)", () => {
  it("evaluate-compare says the rest and carries each chip's mean reconstruction MSE (its dataset.json's)", async () => {
    const out = join(TMP, "multi");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,loihi", "--rest-steps", "2", "--target-from", "input", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, "evaluate-compare.md"), "utf8");
    expect(md).toMatch(/Reconstruction MSE mean/);
    expect(md).toMatch(/followed by 2 input-free rest ticks/);
    const doc = JSON.parse(readFileSync(join(out, "evaluate-compare.json"), "utf8")) as { rows: Array<{ arch: string; reconstructionMseMean: number; restSteps: number }> };
    for (const row of doc.rows) {
      const own = JSON.parse(readFileSync(join(out, row.arch, "dataset.json"), "utf8")) as { summary: { reconstruction: { mse: { mean: number } } } };
      expect(row.reconstructionMseMean).toBe(own.summary.reconstruction.mse.mean);
      expect(row.restSteps).toBe(2);
    }
    const csv = readFileSync(join(out, "evaluate-compare.csv"), "utf8").split("\n")[0];
    expect(csv.endsWith(",reconstruction_mse_mean,rest_steps")).toBe(true);
  });
});

describe("evaluate --per-layer-ticks (requirement 21: per layer and tick over the data set)", () => {
  it("sums each sample's layer-ticks (run --per-layer-ticks of the sample) with the samples reaching each tick; rest ticks included; rerun", async () => {
    const out = join(TMP, "plt");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--per-layer-ticks", "--rest-steps", "1", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, "layer-ticks.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("tick,population,samples,spikes,synOpsOut,synOpsIn,neuronAccesses,neuronUpdates,neuronUpdatesWithInput");
    // The two samples' own run --per-layer-ticks files (4 steps + 1 rest tick each), summed by hand.
    const sum = new Map<string, number[]>();
    for (const s of ["a", "b"]) {
      const o = join(TMP, `plt-run-${s}`);
      const rr = await cli("run", MODEL, "--input", join(DATA, "0", `${s}.npy`), "--steps", "5", "--arch", "generic", "--per-layer-ticks", "--out", o, "--quiet");
      expect(rr.code, rr.stderr).toBe(0);
      for (const line of readFileSync(join(o, "layer-ticks.csv"), "utf8").trim().split("\n").slice(1)) {
        // The run's last column, denseOpsIn (a constant per population), is not in the dataset file.
        const [t, p, ...v] = line.split(",").slice(0, -1);
        const k = `${t},${p}`;
        // samples, then every count column (the engine's neuron columns too) summed.
        const acc = sum.get(k) ?? [0, ...v.map(() => 0)];
        sum.set(k, [acc[0] + 1, ...v.map((x, i) => acc[i + 1] + Number(x))]);
      }
    }
    expect(rows.slice(1)).toEqual([...sum.entries()].map(([k, v]) => `${k},${v.join(",")}`));
    const again = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "plt-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "plt-again", "layer-ticks.csv"), "utf8")).toBe(readFileSync(join(out, "layer-ticks.csv"), "utf8"));
    // The same file whatever thread ran a sample.
    const jobs = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--per-layer-ticks", "--rest-steps", "1", "--jobs", "2", "--out", join(TMP, "plt-jobs"), "--quiet");
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(readFileSync(join(TMP, "plt-jobs", "layer-ticks.csv"), "utf8")).toBe(readFileSync(join(out, "layer-ticks.csv"), "utf8"));
    // And with a thread team asked for (the samples then run their cores on one thread).
    const threads = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--per-layer-ticks", "--rest-steps", "1", "--threads", "2", "--out", join(TMP, "plt-threads"), "--quiet");
    expect(threads.code, threads.stderr).toBe(0);
    expect(readFileSync(join(TMP, "plt-threads", "layer-ticks.csv"), "utf8")).toBe(readFileSync(join(out, "layer-ticks.csv"), "utf8"));
  });
});
