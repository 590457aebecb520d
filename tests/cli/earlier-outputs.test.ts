/**
 * Reusing an --out directory (audit s24a finding 4): after the new outputs are written, the files an earlier
 * command of the same kind wrote there and this one did not (weights.json, layer-ticks.csv, readout traces
 * the earlier report lists, …) are removed and named on stderr; other files are never touched, and a failed
 * run changes nothing (cli/earlier-outputs.ts).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { earlierOutputs, writeOutputDir } from "../../cli/earlier-outputs.ts";
import { cli } from "../helpers/cli.ts";

const PLASTIC = "examples/learning/stdp-pair.model.json";
const STATIC = "examples/demo/ei-small.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-earlier-out-"));

describe("an --out directory reused by run", () => {
  it("removes the earlier run's weights.json and layer-ticks.csv, names them, keeps other files", async () => {
    const out = join(tmp(), "o");
    const first = await cli("run", PLASTIC, "--arch", "loihi", "--per-layer-ticks", "--out", out, "--quiet");
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(out, "weights.json")) && existsSync(join(out, "layer-ticks.csv"))).toBe(true);
    writeFileSync(join(out, "notes.txt"), "mine");
    // A failed run (its input is missing) leaves the directory as it was.
    const failed = await cli("run", STATIC, "--input", join(out, "nonexist.npy"), "--arch", "generic", "--out", out, "--quiet");
    expect(failed.code).toBe(1);
    expect(existsSync(join(out, "weights.json"))).toBe(true);
    const second = await cli("run", STATIC, "--arch", "generic", "--out", out);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("removed 2 files of the earlier run in --out: weights.json, layer-ticks.csv");
    expect(readdirSync(out).sort()).toEqual(["mapping.json", "notes.txt", "report.json", "spikes.json"]);
  });
});

describe("earlierOutputs / writeOutputDir", () => {
  it("takes the files a run report lists (plain names in --out only), and nothing without the kind's record", () => {
    const out = tmp();
    for (const f of ["h.v.npy", "weights.json", "other.npy", "dataset.md"]) writeFileSync(join(out, f), "x");
    expect(earlierOutputs("run", out)).toEqual([]); // no report.json: not an earlier run's directory
    writeFileSync(join(out, "report.json"), JSON.stringify({ readouts: [{ file: "h.v.npy" }, { file: "../escape.npy" }] }));
    expect(earlierOutputs("run", out).map((p) => p.slice(out.length + 1)).sort()).toEqual(["h.v.npy", "report.json", "weights.json"]);
    // Written again, an input, or not the kind's: kept.
    const removed = writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }], out, { quiet: true, inputs: [join(out, "weights.json")] });
    expect(removed.map((p) => p.slice(out.length + 1))).toEqual(["h.v.npy"]);
    expect(readdirSync(out).sort()).toEqual(["dataset.md", "other.npy", "report.json", "weights.json"]);
  });

  it("a failed write removes nothing", () => {
    const out = tmp();
    writeFileSync(join(out, "report.json"), "{}");
    writeFileSync(join(out, "weights.json"), "w");
    // Two outputs on one path: writeOutputSet refuses the set before writing.
    expect(() => writeOutputDir("run", [{ path: join(out, "spikes.json"), data: "a" }, { path: join(out, "spikes.json"), data: "b" }], out, { quiet: true })).toThrow();
    expect(readdirSync(out).sort()).toEqual(["report.json", "weights.json"]);
  });
});
