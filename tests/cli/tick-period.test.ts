/**
 * `aerchip run --tick-period-us P` and `--realtime` (cli/tick-period.ts, audit-papers §26.3): ticks paced
 * at a wall-clock period, each lasting max(P, its modelled latency), so simulated time, power and static
 * energy are a sensor-fed chip's (basis "tick-period"); `--realtime` takes P from the --tick-us an event
 * input was binned at. The chip's name gets the `*` of a command-line override, the options are recorded
 * in the provenance (only when given) and `rerun` reproduces the report; spikes and counters do not change.
 * Refused where they cannot apply: --realtime without a timed event input, both options together, a
 * period beyond the chip spec format's limit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { chipOverrideNote } from "../../chip/report/formats/tables.ts";
import { timeBasisLine } from "../../cli/commands/run.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { MAX_TICK_PERIOD_US } from "../../cli/option-limits.ts";
import { SYNC_LATENCY_MAX_NS } from "../../chip/spec/validate.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-tick-period-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = "examples/demo/ei-small.net.json";
const out = (name: string): string => join(TMP, name);
const reportOf = (dir: string): RunReport => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as RunReport;
const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+):/.exec(stderr)?.[1];

/** An input of shape [2, 2, 2] (polarity, y, x) driving two neurons, compiled to a program; events in µs. */
const PROGRAM_MODEL = {
  format: "aerchip-model-1", name: "events-in", steps: 1,
  populations: [
    { name: "in", kind: "input", size: 8, shape: [2, 2, 2] },
    { name: "A", kind: "neuron", size: 2, vThreshold: 1, reset: "zero" },
  ],
  projections: [{ name: "in_A", pre: "in", post: "A", dense: { weights: Array.from({ length: 8 }, () => [1, 0.5]), delays: 1 } }],
};
const EVENTS_CSV = "x,y,t,p\n0,0,0,1\n1,1,300,0\n1,0,1200,1\n0,1,2600,0\n1,1,4900,1\n";

beforeAll(async () => {
  writeFileSync(out("model.json"), JSON.stringify(PROGRAM_MODEL));
  writeFileSync(out("events.csv"), EVENTS_CSV);
  // A dense T × 2 × 2 × 2 spike tensor: on ticks of no stated length.
  const dense = new Uint8Array(3 * 8);
  dense[0] = 1;
  dense[8 + 3] = 1;
  writeFileSync(out("dense.npy"), writeNpy(dense, [3, 2, 2, 2], { bool: true }));
  const c = await cli("compile", out("model.json"), "--arch", "generic", "--out", out("prog"), "--quiet");
  expect(c.code, c.stderr).toBe(0);
});

describe("--tick-period-us", () => {
  it("paces every tick at max(P, latency): time, power and static energy on basis tick-period, spikes and counters unchanged", async () => {
    const free = await cli("run", MODEL, "--arch", "generic", "--out", out("free"), "--quiet");
    const paced = await cli("run", MODEL, "--arch", "generic", "--tick-period-us", "1000", "--out", out("paced"));
    expect([free.code, paced.code]).toEqual([0, 0]);
    const a = reportOf(out("free"));
    const b = reportOf(out("paced"));
    let hand = 0;
    for (const l of b.perTick.latencyNs) hand += Math.max(1e6, l);
    expect(b.chip.name).toBe("generic*");
    expect([b.totals.timeBasis, b.totals.tickPeriodNs]).toEqual(["tick-period", 1e6]);
    expect(b.totals.simulatedTimeNs).toBeCloseTo(hand, 6);
    expect(b.totals.energyPj.static).toBeCloseTo(0.82 * b.chip.coresUsed * hand, 3);
    expect(b.metrics!.totals.inferenceTimeNs).toBe(b.totals.simulatedTimeNs);
    expect(b.provenance.options.tickPeriodUs).toBe(1000);
    expect(a.provenance.options.tickPeriodUs).toBeUndefined();
    expect(b.totals.counters).toEqual(a.totals.counters);
    expect(b.totals.energyPj.dynamic).toBe(a.totals.energyPj.dynamic);
    expect(readFileSync(join(out("paced"), "spikes.json"))).toEqual(readFileSync(join(out("free"), "spikes.json")));
    expect(paced.stdout).toMatch(/time basis tick-period: each tick lasts max\(1\.00000 ms, its modelled latency\)/);
    // The `*` names the override that made it, in the summary and the reports.
    expect(paced.stdout).toContain("generic*: chip generic with overrides (--tick-period-us 1000).");
    // The way back names the option that set the period (not --tick-period-us 0, which --realtime refuses).
    expect(paced.stdout).toContain("(without --tick-period-us they run on the chip's own time basis)");
    expect(timeBasisLine(b.totals, { realtime: true })).toContain("(without --realtime they run on the chip's own time basis)");
    expect(timeBasisLine(b.totals, {})).toContain("(--tick-period-us 0 drops the chip's own period)");
  });

  it("rerun reproduces a report made with it, byte for byte", async () => {
    const r = await cli("rerun", join(out("paced"), "report.json"), "--out", out("paced-rerun"), "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).identical).toBe(true);
  });

  // TrueNorth and SpiNNaker 2 publish no per-operation or barrier latency: their 1 ms is the tick period
  // alone (audit s23c #3: it was also their sync table's barrier, so 0 still gave 1 ms a tick, labelled
  // compute-bound). Without the period their time is not modelled; with it every tick lasts 1 ms.
  it.each(["spinnaker2", "truenorth"])("0 turns a preset's own period off: %s (1 ms ticks) has no modelled time left", async (arch) => {
    // A model TrueNorth takes (no refractory period, one destination core per neuron): in → A → B, 6 ticks.
    writeFileSync(out("in-a-b.json"), JSON.stringify({
      format: "aerchip-model-1", name: "in-a-b", steps: 6,
      populations: [
        { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1], [2, 0]] },
        { name: "A", kind: "neuron", size: 2, vThreshold: 1 }, { name: "B", kind: "neuron", size: 2, vThreshold: 1 },
      ],
      projections: [
        { name: "in_A", pre: "in", post: "A", dense: { weights: [[1, 1], [1, 1]], delays: 1 } },
        { name: "A_B", pre: "A", post: "B", dense: { weights: [[0.5, 0.5], [0.5, 0.5]], delays: 1 } },
      ],
    }));
    const r = await cli("run", out("in-a-b.json"), "--arch", arch, "--tick-period-us", "0", "--out", out(`${arch}-0`));
    expect(r.code, r.stderr).toBe(0);
    const own = await cli("run", out("in-a-b.json"), "--arch", arch, "--out", out(arch), "--quiet");
    expect(own.code, own.stderr).toBe(0);
    const [off, on] = [reportOf(out(`${arch}-0`)), reportOf(out(arch))];
    expect([off.chip.name, off.totals.timeBasis, off.totals.simulatedTimeNs]).toEqual([`${arch}*`, "not-modelled", null]);
    expect(off.perTick.latencyNs.every((l) => l === 0)).toBe(true);
    expect(r.stdout).not.toMatch(/compute-bound/);
    expect([on.chip.name, on.totals.timeBasis, on.totals.tickPeriodNs]).toEqual([arch, "tick-period", 1e6]);
    expect(on.totals.simulatedTimeNs).toBe(on.steps * 1e6);
    expect(on.totals.counters).toEqual(off.totals.counters);
  });

  it("a period beyond the chip spec format's limit, or negative, is a usage error", async () => {
    expect(MAX_TICK_PERIOD_US * 1000).toBe(SYNC_LATENCY_MAX_NS);
    for (const v of [String(MAX_TICK_PERIOD_US * 2), "-1", "abc"]) {
      const r = await cli("run", MODEL, "--arch", "generic", "--tick-period-us", v, "--out", out("bad"));
      expect(r.code).toBe(2);
    }
    expect((await cli("run", MODEL, "--arch", "generic", "--tick-period-us", String(MAX_TICK_PERIOD_US), "--steps", "1", "--out", out("max"), "--quiet")).code).toBe(0);
  });
});

describe("--realtime", () => {
  it("paces a program's event input at the --tick-us it was binned at, and rerun reproduces it", async () => {
    const r = await cli("run", join(out("prog"), "program.aerprog"), "--arch", "generic", "--input", out("events.csv"), "--tick-us", "500", "--realtime", "--out", out("rt"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rep = reportOf(out("rt"));
    // Events up to 4,900 µs at 500 µs per tick: ticks 0..9.
    expect(rep.steps).toBe(10);
    expect([rep.chip.name, rep.totals.timeBasis, rep.totals.tickPeriodNs]).toEqual(["generic*", "tick-period", 5e5]);
    let hand = 0;
    for (const l of rep.perTick.latencyNs) hand += Math.max(5e5, l);
    expect(rep.totals.simulatedTimeNs).toBeCloseTo(hand, 6);
    expect(rep.provenance.options.realtime).toBe(true);
    expect(chipOverrideNote(rep)).toBe("generic*: chip generic with overrides (--realtime).");
    const again = await cli("rerun", join(out("rt"), "report.json"), "--out", out("rt-rerun"), "--json");
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).identical).toBe(true);
  });

  it("is refused where no timed event input is binned: JSON models, dense spike tensors, and with --tick-period-us", async () => {
    const json = await cli("run", MODEL, "--arch", "generic", "--realtime", "--out", out("no1"));
    expect([json.code, codeOf(json.stderr)]).toEqual([2, "E_CLI_OPTION"]);
    const dense = await cli("run", join(out("prog"), "program.aerprog"), "--arch", "generic", "--input", out("dense.npy"), "--realtime", "--out", out("no2"));
    expect([dense.code, codeOf(dense.stderr)]).toEqual([2, "E_CLI_OPTION"]);
    expect(dense.stderr).toContain("--tick-period-us");
    const both = await cli("run", join(out("prog"), "program.aerprog"), "--arch", "generic", "--input", out("events.csv"), "--realtime", "--tick-period-us", "10", "--out", out("no3"));
    expect([both.code, codeOf(both.stderr)]).toEqual([2, "E_CLI_OPTION"]);
  });
});

describe("the audit's case (audit-papers §26.3): the NIR CNN on a 1 ms-binned N-MNIST sample", () => {
  it.skipIf(!HAS_SHARED)(`--realtime: on for every tick's 1 ms, static energy = 0.82 mW × cores × steps × 1 ms ${SKIP_MSG}`, async () => {
    const nir = sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir");
    const events = sharedPath("fixtures/events/sample_nmnist.bin");
    const r = await cli("run", nir, "--input", events, "--tick-us", "1000", "--arch", "loihi", "--realtime", "--out", out("cnn"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rep = reportOf(out("cnn"));
    // No tick of this run takes longer than 1 ms on loihi, so time = steps × 1 ms (312 data ticks + 5 to drain).
    expect(Math.max(...rep.perTick.latencyNs)).toBeLessThan(1e6);
    expect(rep.steps).toBe(317);
    expect(rep.totals.simulatedTimeNs).toBe(317e6);
    expect(rep.totals.energyPj.static).toBeCloseTo(0.82 * rep.chip.coresUsed * 317e6, 0);
    expect(rep.metrics!.totals.inferencesPerSecond).toBeCloseTo(1e9 / 317e6, 9);
    expect(rep.totals.timeBasis).toBe("tick-period");
  });
});
