/**
 * `aerchip train --realtime` (with --timing): each tick paced at the tick length the samples' events were
 * binned at, as `run --realtime` and `evaluate --realtime` (cli/tick-period.ts): the same training as
 * `--tick-period-us <that length>`, recorded (provenance `realtime`) and re-run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-train-realtime-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const PAIR = "examples/learning/stdp-pair.model.json";
// Two event samples on the model's 4 inputs (x 0..1, p 0..1): 2.1 ms and 3.4 ms long.
const DATA = join(TMP, "data");
mkdirSync(DATA, { recursive: true });
writeFileSync(join(DATA, "a.csv"), "x,y,t,p\n0,0,100,1\n0,0,300,1\n0,0,500,0\n1,0,900,1\n1,0,1500,1\n0,0,1999,1\n0,0,2100,1\n");
writeFileSync(join(DATA, "b.csv"), "x,y,t,p\n1,0,0,0\n0,0,700,1\n1,0,1200,1\n0,0,2500,0\n1,0,3400,1\n");

interface Train { schedule: { ticks: number }; perTrainingSample: Record<string, unknown>; provenance: { options: Record<string, unknown> } }
const train = (out: string): Train => JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as Train;

describe("train --realtime", () => {
  it("paces at the --tick-us the events were binned at: the numbers of --tick-period-us <tick-us>; recorded and rerun", async () => {
    const rt = join(TMP, "rt");
    const r = await cli("train", PAIR, "--input", DATA, "--tick-us", "500", "--timing", "simple", "--realtime", "--arch", "loihi", "--out", rt);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/loihi\* \(loihi with ticks paced at 500 µs: --realtime\)/);
    const doc = train(rt);
    // 2100 µs → 5 ticks, 3400 µs → 7 ticks of 500 µs; each tick far shorter than 500 µs on loihi.
    expect(doc.schedule.ticks).toBe(12);
    expect(doc.perTrainingSample).toMatchObject({ timeBasis: "tick-period", tickPeriodNs: 500_000, simulatedTimeNs: (12 * 500_000) / 2 });
    expect(doc.provenance.options.realtime).toBe(true);
    const paced = join(TMP, "paced");
    expect((await cli("train", PAIR, "--input", DATA, "--tick-us", "500", "--timing", "simple", "--tick-period-us", "500", "--arch", "loihi", "--out", paced, "--quiet")).code).toBe(0);
    expect(doc.perTrainingSample).toEqual(train(paced).perTrainingSample);
    const again = await cli("rerun", join(rt, "train.json"), "--out", join(TMP, "rt-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "rt-again", "train.json"), "utf8")).toBe(readFileSync(join(rt, "train.json"), "utf8"));
  }, 60_000);

  it("with --event-overlap the ticks start every --tick-us − overlap µs, and that is the pace", async () => {
    const out = join(TMP, "overlap");
    const r = await cli("train", PAIR, "--input", DATA, "--tick-us", "1000", "--event-overlap", "250", "--timing", "simple", "--realtime", "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(train(out).perTrainingSample).toMatchObject({ timeBasis: "tick-period", tickPeriodNs: 750_000 });
  }, 60_000);

  it("refuses it without --timing, with --tick-period-us or a binning of no tick length, and on dense spike tensors (E_CLI_OPTION, exit 2)", async () => {
    for (const extra of [[], ["--timing", "simple", "--tick-period-us", "1000"], ["--timing", "simple", "--event-count", "3"]]) {
      const r = await cli("train", PAIR, "--input", DATA, "--realtime", ...extra, "--arch", "loihi", "--out", join(TMP, "no"));
      expect(r.code, extra.join(" ")).toBe(2);
      expect(r.stderr, extra.join(" ")).toMatch(/E_CLI_OPTION[^\n]*--realtime/);
    }
    const dense = join(TMP, "dense");
    mkdirSync(dense, { recursive: true });
    spikesNpy(join(dense, "a.npy"), 4, 4, [[0, 1], [2, 3]]);
    const d = await cli("train", PAIR, "--input", dense, "--timing", "simple", "--realtime", "--arch", "loihi", "--out", join(TMP, "no"));
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/E_CLI_OPTION[^\n]*dense spike tensor/);
  }, 60_000);
});
