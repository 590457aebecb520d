/**
 * `aerchip run MODEL --initial-weights WEIGHTS.json` (cli/initial-weights.ts): a run starts from the weights
 * an earlier run learned, exactly as the model with those weights written into it; files that are not
 * weights files, or do not fit the model, are refused naming the field; rerun reproduces such a run.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-initw-"));
const MODEL = resolve("examples/learning/stdp-pair.model.json");
const run = (out: string, ...extra: string[]) => cli("run", MODEL, "--arch", "loihi", "--out", out, "--quiet", ...extra);
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));

describe("run --initial-weights", () => {
  it("a second run from the first run's weights equals the model with those weights written in; the weights keep learning", async () => {
    const a = join(dir, "a");
    expect((await run(a)).code).toBe(0);
    const learned: number[] = json(join(a, "weights.json")).projections.in_out.weights;
    const b = join(dir, "b");
    const r = await run(b, "--initial-weights", join(a, "weights.json"));
    expect(r.code, r.stderr).toBe(0);
    // The same model file with the learned weights as its own (dense rows: pre × post).
    const m = json(MODEL);
    m.projections[0].dense.weights = [0, 1, 2, 3].map((i) => learned.slice(3 * i, 3 * i + 3));
    const edited = join(dir, "edited.model.json");
    writeFileSync(edited, JSON.stringify(m));
    const c = join(dir, "c");
    expect((await cli("run", edited, "--arch", "loihi", "--out", c, "--quiet")).code).toBe(0);
    for (const f of ["spikes.json", "weights.json"]) expect(readFileSync(join(b, f), "utf8")).toBe(readFileSync(join(c, f), "utf8"));
    expect(json(join(b, "report.json")).totals).toEqual(json(join(c, "report.json")).totals);
    // Learning went on from the learned weights (the second run's final weights differ from its start).
    expect(json(join(b, "weights.json")).projections.in_out.weights).not.toEqual(learned);
    // Recorded, and reproduced by rerun.
    expect(json(join(b, "report.json")).provenance.inputs.map((i: { role: string }) => i.role)).toContain("initial-weights");
    const re = await cli("rerun", join(b, "report.json"), "--out", join(dir, "b2"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(readFileSync(join(dir, "b2", "weights.json"), "utf8")).toBe(readFileSync(join(b, "weights.json"), "utf8"));
  }, 60_000);

  it("refuses files that are not weights files or do not fit the model, naming the field", async () => {
    const good = json(join(dir, "a", "weights.json"));
    const write = (name: string, doc: unknown) => {
      const p = join(dir, name);
      writeFileSync(p, typeof doc === "string" ? doc : JSON.stringify(doc));
      return p;
    };
    const expectError = async (file: string, code: string, field: RegExp) => {
      const r = await run(join(dir, "x"), "--initial-weights", file);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(code));
      expect(r.stderr).toMatch(field);
    };
    await expectError(write("notjson.json", "{"), "E_WEIGHTS_FILE", /not JSON/);
    await expectError(write("fmt.json", { ...good, format: "aerchip-report" }), "E_WEIGHTS_FILE", /format/);
    const p = good.projections.in_out;
    await expectError(write("count.json", { ...good, projections: { in_out: { ...p, synapseCount: 11 } } }), "E_WEIGHTS_FILE", /synapseCount/);
    await expectError(write("nan.json", { ...good, projections: { in_out: { ...p, weights: [...p.weights.slice(0, 11), "x"] } } }), "E_WEIGHTS_FILE", /weights\[11\]/);
    // 1e999 parses as Infinity: named so, not as JSON's null (audit-s19 F2).
    const inf = JSON.stringify({ ...good, projections: { in_out: { ...p, weights: [...p.weights.slice(0, 11), 7] } } }).replace(/,7\]/, ",1e999]");
    await expectError(write("inf.json", inf), "E_WEIGHTS_FILE", /weights\[11\] is Infinity/);
    await expectError(write("name.json", { ...good, projections: { other: p } }), "E_WEIGHTS_MISMATCH", /projections\.other.*it has: in_out/);
    await expectError(write("prepost.json", { ...good, projections: { in_out: { ...p, post: "in" } } }), "E_WEIGHTS_MISMATCH", /connects in → in/);
    const short = { ...p, synapseCount: 6, weights: p.weights.slice(0, 6) };
    await expectError(write("short.json", { ...good, projections: { in_out: short } }), "E_WEIGHTS_MISMATCH", /has 12 synapses/);
    await expectError(join(dir, "missing.json"), "E_INPUT_NOT_FOUND", /missing\.json/);
    // A projection given twice (as the weights.json of a model with two projections of one name was, audit
    // s24a #1): JSON.parse would keep only the last, so the file is refused, naming the key and its lines.
    const entry = `"in_out":${JSON.stringify(p)}`;
    const twice = `{"format":"aerchip-weights","version":1,"model":${JSON.stringify(good.model)},"projections":{\n${entry},\n${entry}\n}}\n`;
    expect(Object.keys(JSON.parse(twice).projections)).toEqual(["in_out"]);
    await expectError(write("twice.json", twice), "E_WEIGHTS_FILE", /projections\.in_out is given twice \(lines 2 and 3\)/);
    // A NIR graph takes no weights file.
    const nir = await cli("run", resolve("tests/robustness/fixtures/small-valid.nir"), "--arch", "loihi", "--out", join(dir, "n"), "--initial-weights", join(dir, "a", "weights.json"));
    expect(nir.code).toBe(2);
    expect(nir.stderr).toMatch(/E_CLI_OPTION.*--initial-weights/);
  }, 60_000);
});
