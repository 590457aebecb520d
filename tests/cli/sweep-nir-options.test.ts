/**
 * The NIR reader's options in a sweep file (audit s23x #10): `reset`, `nirBias`, `dt` read the graph as
 * `run --reset`, `--nir-bias`, `--dt` do, so a point equals that run (spikes, synaptic ops, energy); they are
 * recorded (sweep.json settings, point ids, the table's note) and checked like the run's options: a bad
 * value, or any of them on a model that is not a NIR graph, is E_SWEEP_FIELD when the file is read.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";
import { createRng } from "../../core/rng.ts";
import { isAerchipError } from "../../core/diagnostics.ts";
import { parseSweepConfig } from "../../cli/sweep/config.ts";
import { buildGrid, pointId } from "../../cli/sweep/grid.ts";
import { sha256File } from "../../cli/provenance.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-sweep-nir-opts-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const NIR = join(TMP, "lif2.nir");
const NPY = join(TMP, "in.npy");
const JSON_MODEL = join(TMP, "m.model.json");
const T = 80;

beforeAll(async () => {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  const { uniform, f32, fill } = await import("../compiler/frontends/nir/random-tensors.ts");
  const rng = createRng(17);
  // in[4] → fc1 (bias) → lif[6] → fc2 (bias) → lif2[3] → out: LIF nodes (β < 1), so that snnTorch's
  // subtract, the bias placement and dt each change the counts.
  await writeH5(NIR, nirFile({
    input: { type: "Input", shape: [4n] },
    fc1: { type: "Affine", weight: f32(rng, [6, 4], 0, 1), bias: uniform(rng, 6, 0.02, 0.1) },
    lif: { type: "LIF", tau: uniform(rng, 6, 5e-4, 2e-3), r: fill(6, 8), v_leak: fill(6, 0), v_threshold: uniform(rng, 6, 0.6, 1), v_reset: fill(6, 0) },
    fc2: { type: "Affine", weight: f32(rng, [3, 6], 0, 1.2), bias: uniform(rng, 3, 0.02, 0.06) },
    lif2: { type: "LIF", tau: uniform(rng, 3, 8e-4, 2e-3), r: fill(3, 6), v_leak: fill(3, 0), v_threshold: uniform(rng, 3, 0.5, 1), v_reset: fill(3, 0) },
    output: { type: "Output", shape: [3n] },
  }, [["input", "fc1"], ["fc1", "lif"], ["lif", "fc2"], ["fc2", "lif2"], ["lif2", "output"]]));
  const ev: Array<[number, number]> = [];
  for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) if (rng.nextFloat() < 0.4) ev.push([t, i]);
  spikesNpy(NPY, T, 4, ev);
  writeFileSync(JSON_MODEL, JSON.stringify({
    format: "aerchip-model-1", name: "m", steps: 2,
    populations: [{ name: "a", kind: "input", size: 1, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 1, vThreshold: 0.5 }],
    projections: [{ pre: "a", post: "out", dense: { weights: [[1]] } }],
  }));
});

const report = (dir: string): RunReport => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as RunReport;
type Row = { id: string; spikes: number; synOps: number; steps: number; energyPj: { total: number } };
type SweepDoc = { rows: Row[]; settings: Record<string, unknown> };

function fieldError(yaml: string): { code: string; field?: string; message: string } | undefined {
  try {
    parseSweepConfig(yaml, join(TMP, "s.yaml"));
  } catch (e) {
    if (isAerchipError(e)) return { code: e.code, ...(e.field === undefined ? {} : { field: e.field }), message: e.message };
    throw e;
  }
  return undefined;
}

describe("sweep file: reset, nirBias, dt", () => {
  it("a point equals `run MODEL.nir` with --reset snntorch-subtract (and with --nir-bias, --dt); the fields are recorded", async () => {
    const runOf = async (name: string, ...opts: string[]): Promise<RunReport> => {
      const out = join(TMP, `run-${name}`);
      const r = await cli("run", NIR, "--input", NPY, "--arch", "generic", "--out", out, "--quiet", ...opts);
      expect(r.code, r.stderr).toBe(0);
      return report(out);
    };
    const sweepOf = async (name: string, extra: string): Promise<SweepDoc> => {
      const sw = join(TMP, `${name}.yaml`);
      writeFileSync(sw, `model: ${NIR}\ninput: ${NPY}\narch: generic\n${extra}`);
      const out = join(TMP, `sweep-${name}`);
      const r = await cli("sweep", sw, "--out", out, "--threads", "1", "--quiet");
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as SweepDoc;
    };
    const counts = (r: RunReport) => [r.totals.counters.spikes, r.totals.counters.synOps, r.totals.energyPj.total];
    const rowCounts = (d: SweepDoc) => [d.rows[0].spikes, d.rows[0].synOps, d.rows[0].energyPj.total];

    const plain = await sweepOf("plain", "");
    const sub = await sweepOf("sub", "reset: snntorch-subtract\n");
    const runSub = await runOf("sub", "--reset", "snntorch-subtract");
    expect(rowCounts(sub)).toEqual(counts(runSub));
    expect(sub.rows[0].steps).toBe(runSub.steps);
    // The option matters on this graph: the default read (to-v-reset) gives other counts.
    expect(rowCounts(plain)).toEqual(counts(await runOf("plain")));
    expect(rowCounts(sub)).not.toEqual(rowCounts(plain));
    expect(sub.settings.reset).toBe("snntorch-subtract");
    expect(plain.settings.reset).toBeUndefined();
    expect(sub.rows[0].id).not.toBe(plain.rows[0].id);
    expect(readFileSync(join(TMP, "sweep-sub", "sweep.md"), "utf8")).toMatch(/NIR reset snntorch-subtract/);

    const all = await sweepOf("all", "reset: subtract\nnirBias: compartment\ndt: 2.0e-4\n");
    const runAll = await runOf("all", "--reset", "subtract", "--nir-bias", "compartment", "--dt", "2e-4");
    expect(rowCounts(all)).toEqual(counts(runAll));
    expect(rowCounts(all)).not.toEqual(rowCounts(plain));
    expect({ reset: all.settings.reset, nirBias: all.settings.nirBias, dt: all.settings.dt }).toEqual({ reset: "subtract", nirBias: "compartment", dt: 2e-4 });
    expect(readdirSync(join(TMP, "sweep-all", "points"))).toEqual([`${all.rows[0].id}.json`]);
  });

  it("ids of sweeps without the fields are unchanged; each field changes the id", () => {
    const id = (extra: string) => buildGrid(parseSweepConfig(`model: ${NIR}\ninput: ${NPY}\narch: generic\n${extra}`, join(TMP, "s.yaml"))).tasks[0].id;
    const base = id("");
    // The fingerprint of a point before the fields existed (cli/sweep/grid.ts): finished points of such sweeps are reused.
    expect(base).toBe(pointId({ v: 1, model: sha256File(NIR), input: sha256File(NPY), steps: null, timing: "simple", tickUs: null, archSha: null, params: ["generic", 0, "float", "greedy", null, null, null, null] }));
    const ids = [base, id("reset: subtract\n"), id("reset: snntorch-subtract\n"), id("nirBias: compartment\n"), id("dt: 1.0e-3\n")];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refuses bad values and the fields on a model that is not a NIR graph (E_SWEEP_FIELD, naming the field)", () => {
    const nir = `model: ${NIR}\ninput: ${NPY}\narch: generic\n`;
    expect(fieldError(`${nir}reset: zero\n`)).toMatchObject({ code: "E_SWEEP_FIELD", field: "reset" });
    expect(fieldError(`${nir}reset: [subtract, snntorch-subtract]\n`)).toMatchObject({ code: "E_SWEEP_FIELD", field: "reset" });
    expect(fieldError(`${nir}nirBias: synapse\n`)).toMatchObject({ code: "E_SWEEP_FIELD", field: "nirBias" });
    for (const dt of ["0", "-1e-4", "fast", ".inf"]) expect(fieldError(`${nir}dt: ${dt}\n`)).toMatchObject({ code: "E_SWEEP_FIELD", field: "dt" });
    for (const [k, v] of [["reset", "subtract"], ["nirBias", "compartment"], ["dt", "1.0e-3"]]) {
      const e = fieldError(`model: ${JSON_MODEL}\narch: generic\n${k}: ${v}\n`);
      expect(e).toMatchObject({ code: "E_SWEEP_FIELD", field: k });
      expect(e!.message).toMatch(/not a NIR graph/);
    }
    expect(fieldError(`${nir}reset: snntorch-subtract\nnirBias: source\ndt: 1.0e-4\n`)).toBeUndefined();
  });
});
