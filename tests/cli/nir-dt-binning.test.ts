/**
 * W_NIR_DT_BINNING (cli/nir-dt-check.ts): events binned at --tick-us against a graph with time constants
 * integrating at another --dt get a warning on stderr and in the report (run: nir.warnings; evaluate:
 * dataset.json warnings); equal widths, graphs without time constants and dense tensors get none. The
 * spikes do not depend on it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dt-binning-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const LIF = join(TMP, "lif.nir");
const IF = join(TMP, "if.nir");
const EVENTS = join(TMP, "ev.csv");

beforeAll(async () => {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  await writeH5(LIF, nirFile({
    input: { type: "Input", shape: [4n] },
    fc: { type: "Linear", weight: { f32: Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 2 : 0)), shape: [4, 4] } },
    lif: { type: "LIF", tau: [0.01, 0.01, 0.01, 0.01], r: [1, 1, 1, 1], v_leak: [0, 0, 0, 0], v_threshold: [1, 1, 1, 1], v_reset: [0, 0, 0, 0] },
    output: { type: "Output", shape: [4n] },
  }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
  await writeIf4Nir(IF);
  // Two pixels × two polarities: a flat input of 4 (docs/events.md).
  writeFileSync(EVENTS, "x,y,t,p\n0,0,100,1\n1,0,2200,0\n1,0,5300,1\n");
});

const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;

describe("W_NIR_DT_BINNING", () => {
  it("run: 1 ms bins against dt 0.1 ms warn; --dt 0.001 or an IF graph do not; the spikes are the same", async () => {
    const warned = join(TMP, "warned");
    let r = await cli("run", LIF, "--input", EVENTS, "--arch", "generic", "--out", warned);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/W_NIR_DT_BINNING: the input is binned at 1000 µs per tick but the graph integrates dt = 0\.0001 s per tick \(node lif has time constants\): against the recording, they act 10\.0× faster/);
    expect(report(warned).nir!.warnings.some((w) => w.startsWith("W_NIR_DT_BINNING"))).toBe(true);
    const quiet = join(TMP, "quiet");
    r = await cli("run", LIF, "--input", EVENTS, "--arch", "generic", "--out", quiet, "--quiet");
    expect(r.stderr).toBe("");
    expect(readFileSync(join(quiet, "spikes.json"), "utf8")).toBe(readFileSync(join(warned, "spikes.json"), "utf8"));
    const same = join(TMP, "same");
    r = await cli("run", LIF, "--input", EVENTS, "--dt", "0.001", "--arch", "generic", "--out", same);
    expect(r.stderr).not.toMatch(/W_NIR_DT_BINNING/);
    expect(report(same).nir!.warnings).toEqual([]);
    r = await cli("run", IF, "--input", EVENTS, "--arch", "generic", "--out", join(TMP, "if"));
    expect(r.stderr).not.toMatch(/W_NIR_DT_BINNING/);
  });

  it("--event-overlap: the ticks start every --tick-us − overlap µs, compared with dt (1 ms ticks overlapping by 0.9 ms match dt 0.1 ms)", async () => {
    let r = await cli("run", LIF, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "900", "--arch", "generic", "--out", join(TMP, "ov-same"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/W_NIR_DT_BINNING/);
    r = await cli("run", LIF, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", "--arch", "generic", "--out", join(TMP, "ov-warned"));
    expect(r.stderr).toMatch(/W_NIR_DT_BINNING: the input has a tick every 500 µs \(--event-overlap 500\)[^\n]*5\.00× faster than with dt equal to the time between ticks [^\n]*\n {2}hint: give --dt 0\.0005 \(the time between ticks\), or --tick-us 600 \(dt \+ the overlap\)/);
  });

  it("evaluate: in dataset.json's warnings; a dense tensor data set gets none", async () => {
    const dir = join(TMP, "data");
    mkdirSync(join(dir, "1"), { recursive: true });
    writeFileSync(join(dir, "1", "a.csv"), readFileSync(EVENTS));
    const out = join(TMP, "eval");
    let r = await cli("evaluate", LIF, "--input", dir, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/W_NIR_DT_BINNING/);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.warnings!.filter((w) => w.startsWith("W_NIR_DT_BINNING"))).toHaveLength(1);
    const dense = join(TMP, "dense");
    mkdirSync(join(dense, "1"), { recursive: true });
    spikesNpy(join(dense, "1", "a.npy"), 4, 4, [[0, 1]]);
    r = await cli("evaluate", LIF, "--input", dense, "--arch", "generic", "--out", join(TMP, "eval-dense"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/W_NIR_DT_BINNING/);
  });

  it("sweep: printed once per sweep (not per point), naming the points, and kept in sweep.json; dt equal to the bin width gives none", async () => {
    const sweep = (name: string, extra: string): string => {
      const f = join(TMP, `${name}.yaml`);
      writeFileSync(f, `model: ${LIF}\ninput: ${EVENTS}\ntickUs: 1000\narch: generic\nseed: [0, 1, 2]\n${extra}`);
      return f;
    };
    const out = join(TMP, "sw");
    let r = await cli("sweep", sweep("sw", ""), "--out", out, "--threads", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/W_NIR_DT_BINNING/g)).toHaveLength(1);
    const d = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { rows: Array<{ id: string }>; warnings?: string[] };
    expect(d.rows).toHaveLength(3);
    expect(r.stderr).toMatch(/W_NIR_DT_BINNING: the input is binned at 1000 µs per tick but the graph integrates dt = 0\.0001 s per tick[^\n]*10\.0× faster[^\n]*\(every point of the sweep, 3: /);
    for (const row of d.rows) expect(r.stderr).toContain(row.id);
    expect(r.stderr).toMatch(/hint: set `dt: 0\.001` in the sweep file \(the bin width\), or `tickUs: 100` \(dt\)/);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings![0]).toMatch(/^W_NIR_DT_BINNING: .*every point of the sweep, 3: /);
    // Resumed (every point on disk): still said once.
    r = await cli("sweep", sweep("sw", ""), "--out", out, "--threads", "1");
    expect(r.stderr.match(/W_NIR_DT_BINNING/g)).toHaveLength(1);
    r = await cli("sweep", sweep("sw-same", "dt: 0.001\n"), "--out", join(TMP, "sw-same"), "--threads", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/W_NIR_DT_BINNING/);
    expect((JSON.parse(readFileSync(join(TMP, "sw-same", "sweep.json"), "utf8")) as { warnings?: string[] }).warnings).toBeUndefined();
  }, 120_000);
});
