/**
 * Reusing an --out directory (audit s24a finding 4, session 25): every command records its outputs in
 * aerchip-outputs.json; after the new outputs are written, the files an earlier run of the same command
 * recorded and this one did not (weights.json, layer-ticks.csv, compare's chip directories, sweep's point
 * files, …) are removed and named on stderr; another command's recorded files are kept and named in
 * W_OUT_OTHER_COMMAND; files no manifest lists are never touched, and a failed run changes nothing
 * (cli/earlier-outputs.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { earlierOutputs, OUTPUTS_MANIFEST, writeOutputDir, type OutputsManifest } from "../../cli/earlier-outputs.ts";
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
    const before = readFileSync(join(out, OUTPUTS_MANIFEST), "utf8");
    const failed = await cli("run", STATIC, "--input", join(out, "nonexist.npy"), "--arch", "generic", "--out", out, "--quiet");
    expect(failed.code).toBe(1);
    expect(existsSync(join(out, "weights.json"))).toBe(true);
    expect(readFileSync(join(out, OUTPUTS_MANIFEST), "utf8")).toBe(before);
    const second = await cli("run", STATIC, "--arch", "generic", "--out", out);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("removed 2 files of the earlier run in --out: layer-ticks.csv, weights.json");
    expect(readdirSync(out).sort()).toEqual(["aerchip-outputs.json", "mapping.json", "notes.txt", "report.json", "spikes.json"]);
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
    expect(readdirSync(out).sort()).toEqual([OUTPUTS_MANIFEST, "dataset.md", "other.npy", "report.json", "weights.json"]);
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

const manifestOf = (out: string): OutputsManifest => JSON.parse(readFileSync(join(out, OUTPUTS_MANIFEST), "utf8")) as OutputsManifest;

describe("an --out directory reused by another command, and sub-directories (session 25)", () => {
  it("run → compare → compare with fewer chips → run: other commands' files are kept and named; the same command's, chip directories included, are removed", async () => {
    const out = join(tmp(), "o");
    const run1 = await cli("run", PLASTIC, "--arch", "loihi", "--per-layer-ticks", "--out", out, "--quiet");
    expect(run1.code, run1.stderr).toBe(0);
    expect(manifestOf(out)).toEqual({ format: "aerchip-outputs", version: 1, command: "run", files: ["layer-ticks.csv", "mapping.json", "report.json", "spikes.json", "weights.json"] });
    // compare in the run's directory: the run's files stay, named with their command; the manifest says whose they are.
    const cmp1 = await cli("compare", STATIC, "--arch", "generic,loihi", "--out", out);
    expect(cmp1.code, cmp1.stderr).toBe(0);
    expect(cmp1.stderr).toContain("W_OUT_OTHER_COMMAND: --out also holds 5 outputs of an earlier `aerchip run`, kept: layer-ticks.csv, mapping.json, report.json, spikes.json, weights.json");
    const m1 = manifestOf(out);
    expect(m1.command).toBe("compare");
    expect(m1.files).toEqual(["compare.csv", "compare.json", "compare.md", "compare.svg", "compare.tex", "generic/", "loihi/"]);
    expect(m1.earlier).toEqual([{ command: "run", files: ["layer-ticks.csv", "mapping.json", "report.json", "spikes.json", "weights.json"] }]);
    expect(manifestOf(join(out, "loihi")).command).toBe("run");
    // The same comparison without loihi: that chip's directory of the earlier comparison goes; generic's is rewritten.
    const cmp2 = await cli("compare", STATIC, "--arch", "generic", "--out", out);
    expect(cmp2.code, cmp2.stderr).toBe(0);
    expect(cmp2.stderr).toContain("removed 3 files of the earlier run in --out: loihi/ (3 files)");
    expect(existsSync(join(out, "loihi"))).toBe(false);
    expect(existsSync(join(out, "generic", "report.json"))).toBe(true);
    // A run again: its earlier plastic run's weights.json and layer-ticks.csv (carried in the compare's manifest) go;
    // the comparison's tables and chip directory stay, named.
    const run2 = await cli("run", STATIC, "--arch", "generic", "--out", out);
    expect(run2.code, run2.stderr).toBe(0);
    expect(run2.stderr).toContain("removed 2 files of the earlier run in --out: layer-ticks.csv, weights.json");
    expect(run2.stderr).toContain("W_OUT_OTHER_COMMAND: --out also holds 6 outputs of an earlier `aerchip compare`, kept: compare.csv, compare.json, compare.md, compare.svg, compare.tex, generic/");
    expect(readdirSync(out).sort()).toEqual([OUTPUTS_MANIFEST, "compare.csv", "compare.json", "compare.md", "compare.svg", "compare.tex", "generic", "mapping.json", "report.json", "spikes.json"]);
    expect(manifestOf(out).earlier).toEqual([{ command: "compare", files: ["compare.csv", "compare.json", "compare.md", "compare.svg", "compare.tex", "generic/"] }]);
  }, 120_000);

  it("a chip directory holding a file no manifest lists keeps it (and itself)", async () => {
    const out = join(tmp(), "o");
    expect((await cli("compare", STATIC, "--arch", "generic,loihi", "--out", out, "--quiet")).code).toBe(0);
    writeFileSync(join(out, "loihi", "notes.txt"), "mine");
    const r = await cli("compare", STATIC, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("loihi/ (3 files; the directory holds other files and is kept)");
    expect(readdirSync(join(out, "loihi"))).toEqual(["notes.txt"]);
  }, 120_000);

  it("sweep: an earlier sweep's point files outside this grid are removed; this grid's (resumed or run) stay", async () => {
    const d = tmp();
    writeFileSync(join(d, "m.json"), readFileSync(STATIC));
    const grid = (from: number, to: number): string => `model: m.json\narch: loihi\nsteps: 10\nseed: 0\nprecision: fixed\nweightBits: {from: ${from}, to: ${to}}\n`;
    writeFileSync(join(d, "a.yaml"), grid(2, 4));
    writeFileSync(join(d, "b.yaml"), grid(3, 5));
    const out = join(d, "o");
    expect((await cli("sweep", join(d, "a.yaml"), "--out", out, "--threads", "1", "--quiet")).code).toBe(0);
    const first = readdirSync(join(out, "points")).sort();
    expect(first).toHaveLength(3);
    const r = await cli("sweep", join(d, "b.yaml"), "--out", out, "--threads", "1");
    expect(r.code, r.stderr).toBe(0);
    const second = readdirSync(join(out, "points")).sort();
    expect(second).toHaveLength(3);
    const gone = first.filter((f) => !second.includes(f));
    expect(gone).toHaveLength(1); // weightBits 2
    expect(r.stderr).toContain("removed 1 file of the earlier run in --out: points/ (1 file)");
    expect(manifestOf(out).files.filter((f) => f.startsWith("points/")).sort()).toEqual(second.map((f) => `points/${f}`));
  }, 120_000);
});

describe("never removes a file another command may have written (audit s25b)", () => {
  it("#1 without a manifest, run keeps train's weights.json (a name both write) and names it with train's files", async () => {
    const out = join(tmp(), "o");
    expect((await cli("run", STATIC, "--arch", "generic", "--out", out, "--quiet")).code).toBe(0);
    rmSync(join(out, OUTPUTS_MANIFEST)); // a directory written before manifests
    writeFileSync(join(out, "train.json"), '{"format":"x"}');
    writeFileSync(join(out, "weights.json"), '{"w":1}');
    writeFileSync(join(out, "curve.csv"), "a,b\n");
    const r = await cli("run", STATIC, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("removed");
    expect(r.stderr).toContain("W_OUT_OTHER_COMMAND: --out also holds 3 outputs of an earlier `aerchip train`, kept: curve.csv, train.json, weights.json");
    expect(readFileSync(join(out, "weights.json"), "utf8")).toBe('{"w":1}');
    expect(manifestOf(out).earlier).toEqual([{ command: "train", files: ["curve.csv", "train.json", "weights.json"] }]);
    // The same with an unusable manifest (W_OUT_MANIFEST): the fixed names judge, weights.json stays.
    writeFileSync(join(out, OUTPUTS_MANIFEST), "not json");
    const again = await cli("run", STATIC, "--arch", "generic", "--out", out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("W_OUT_MANIFEST");
    expect(again.stderr).not.toContain("removed");
    expect(existsSync(join(out, "weights.json"))).toBe(true);
  }, 120_000);

  it("#1 without a manifest, a name only this command claims is still removed (report.json marks the run)", () => {
    const out = tmp();
    for (const f of ["report.json", "weights.json", "mapping.json", "program.aerprog"]) writeFileSync(join(out, f), "{}");
    const removed = writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }], out, { quiet: true });
    // weights.json: only run claims it here (no train.json); mapping.json: compile's too (program.aerprog), kept.
    expect(removed.map((p) => p.slice(out.length + 1))).toEqual(["weights.json"]);
    expect(manifestOf(out).earlier).toEqual([{ command: "compile", files: ["mapping.json", "program.aerprog"] }]);
  });

  it("#2 compare's chip directories say partOf compare: a standalone run there keeps compare's files, and compare then keeps that directory", async () => {
    const out = join(tmp(), "o");
    const cmp1 = await cli("compare", PLASTIC, "--arch", "generic,loihi", "--out", out, "--quiet");
    expect(cmp1.code, cmp1.stderr).toBe(0);
    expect(manifestOf(join(out, "loihi"))).toMatchObject({ command: "run", partOf: "compare" });
    expect(existsSync(join(out, "loihi", "weights.json"))).toBe(true);
    // Another model, run on its own into the chip directory: compare's weights.json is another command's now.
    const run = await cli("run", STATIC, "--arch", "generic", "--out", join(out, "loihi"));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("W_OUT_OTHER_COMMAND: --out also holds 1 output of an earlier `aerchip run` (a chip directory of `aerchip compare`), kept: weights.json");
    expect(manifestOf(join(out, "loihi"))).toEqual({ format: "aerchip-outputs", version: 1, command: "run", files: ["mapping.json", "report.json", "spikes.json"], earlier: [{ command: "run", partOf: "compare", files: ["weights.json"] }] });
    // compare without loihi: that directory is no longer its part: kept and named, not removed.
    const cmp2 = await cli("compare", PLASTIC, "--arch", "generic", "--out", out);
    expect(cmp2.code, cmp2.stderr).toBe(0);
    expect(cmp2.stderr).not.toContain("removed");
    expect(cmp2.stderr).toContain("W_OUT_OTHER_COMMAND: --out also holds 1 output of an earlier `aerchip run`, kept: loihi/");
    expect(readdirSync(join(out, "loihi")).sort()).toEqual([OUTPUTS_MANIFEST, "mapping.json", "report.json", "spikes.json", "weights.json"]);
    expect(manifestOf(out).files).toEqual(["compare.csv", "compare.json", "compare.md", "compare.svg", "compare.tex", "generic/"]);
  }, 120_000);
});

describe("the outputs manifest, read back", () => {
  const err = vi.spyOn(process.stderr, "write");
  afterEach(() => err.mockClear());
  const said = (): string => err.mock.calls.map((c) => String(c[0])).join("");

  it("a hand-edited manifest cannot reach outside --out, and one with a repeated key is not used (W_OUT_MANIFEST)", () => {
    const root = tmp();
    const out = join(root, "o");
    mkdirSync(out);
    writeFileSync(join(root, "outside.txt"), "x");
    writeFileSync(join(out, "spikes.json"), "old");
    writeFileSync(join(out, OUTPUTS_MANIFEST), JSON.stringify({ format: "aerchip-outputs", version: 1, command: "run", files: ["../outside.txt", "spikes.json"] }));
    writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }], out);
    expect(said()).toContain("W_OUT_MANIFEST");
    expect(existsSync(join(root, "outside.txt"))).toBe(true);
    err.mockClear();
    // A recorded directory or a file's parent that is a link to elsewhere is not followed.
    mkdirSync(join(root, "elsewhere"));
    for (const f of ["a.json", "b.json"]) writeFileSync(join(root, "elsewhere", f), "x");
    writeFileSync(join(root, "elsewhere", OUTPUTS_MANIFEST), JSON.stringify({ format: "aerchip-outputs", version: 1, command: "run", files: ["a.json"] }));
    symlinkSync(join(root, "elsewhere"), join(out, "link"));
    writeFileSync(join(out, OUTPUTS_MANIFEST), JSON.stringify({ format: "aerchip-outputs", version: 1, command: "compare", files: ["link/", "link/b.json"] }));
    writeOutputDir("compare", [{ path: join(out, "compare.json"), data: "{}" }], out, { quiet: true });
    expect(readdirSync(join(root, "elsewhere")).sort()).toEqual(["a.json", OUTPUTS_MANIFEST, "b.json"]);
    rmSync(join(out, "link"));
    rmSync(join(out, "compare.json"));
    // Written again by this run: a valid manifest. A repeated key makes it unusable: the fixed names judge instead.
    writeFileSync(join(out, "weights.json"), "w");
    writeFileSync(join(out, OUTPUTS_MANIFEST), '{"format": "aerchip-outputs", "version": 1, "command": "run", "files": ["report.json", "weights.json"], "files": []}');
    writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }], out);
    expect(said()).toContain("it repeats the key files");
    expect(existsSync(join(out, "weights.json"))).toBe(false); // report.json marks the run's directory; weights.json is a run's name
    expect(manifestOf(out)).toEqual({ format: "aerchip-outputs", version: 1, command: "run", files: ["report.json"] });
  });

  it("a compare directory from before manifests: its compare.json rows name the chip directories, which are removed", () => {
    const out = tmp();
    mkdirSync(join(out, "loihi"));
    for (const f of ["report.json", "spikes.json", "mapping.json"]) writeFileSync(join(out, "loihi", f), "{}");
    writeFileSync(join(out, "compare.json"), JSON.stringify({ format: "aerchip-compare", rows: [{ dir: "loihi" }, { dir: null }, { dir: "../up" }] }));
    const removed = writeOutputDir("compare", [{ path: join(out, "compare.json"), data: "{}" }], out, { quiet: true });
    expect(removed.map((p) => p.slice(out.length + 1)).sort()).toEqual(["loihi/", "loihi/mapping.json", "loihi/report.json", "loihi/spikes.json"]);
    expect(readdirSync(out).sort()).toEqual([OUTPUTS_MANIFEST, "compare.json"]);
  });

  it("a file the user named (--packets-out inside --out) is not recorded, so a later run keeps it", () => {
    const out = tmp();
    writeOutputDir("run", [{ path: join(out, "p.bin"), data: "p", role: "--packets-out" }, { path: join(out, "report.json"), data: "{}" }], out, { quiet: true });
    expect(manifestOf(out).files).toEqual(["report.json"]);
    writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }], out, { quiet: true });
    expect(readdirSync(out).sort()).toEqual([OUTPUTS_MANIFEST, "p.bin", "report.json"]);
  });

  it("this run's inputs among an earlier run's files are kept, recorded under that command, without a warning", () => {
    const out = tmp();
    writeFileSync(join(out, "program.aerprog"), "p");
    writeFileSync(join(out, "mapping.json"), "m");
    writeFileSync(join(out, OUTPUTS_MANIFEST), JSON.stringify({ format: "aerchip-outputs", version: 1, command: "compile", files: ["mapping.json", "program.aerprog"] }));
    writeOutputDir("run", [{ path: join(out, "report.json"), data: "{}" }, { path: join(out, "mapping.json"), data: "{}" }], out, { inputs: [join(out, "program.aerprog")] });
    expect(said()).toBe("");
    expect(manifestOf(out)).toEqual({ format: "aerchip-outputs", version: 1, command: "run", files: ["mapping.json", "report.json"], earlier: [{ command: "compile", files: ["program.aerprog"] }] });
  });
});
