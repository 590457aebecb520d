/**
 * `aerchip rerun DATASET.json`: re-runs an `aerchip evaluate` from its dataset.json's provenance as it
 * re-runs a report.json. Fixture (as tests/cli/evaluate.test.ts): input[4] → Linear (diagonal 2) → IF[4]
 * → output, over three .npy samples in numbered folders.
 *   - evaluate then rerun: the same results (exit 0), also for --shuffle --seed --samples;
 *   - a sample file changed after the evaluation: E_RERUN_INPUT_CHANGED naming the data set;
 *   - one sample's energy edited in dataset.json: E_RERUN_DIFFERS naming that leaf;
 *   - a recorded option the command line would refuse (decode "bogus", samples "x:y", steps 0):
 *     E_RERUN_PROVENANCE naming the field, and nothing is written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import { stableJson } from "../../core/atomic-write.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-rerun-dataset-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const DATA = join(TMP, "data");
const EVAL = join(TMP, "eval");

const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+)\b/.exec(stderr)?.[1];

beforeAll(async () => {
  await writeIf4Nir(MODEL);
  for (const d of ["0", "1", "2"]) mkdirSync(join(DATA, d), { recursive: true });
  spikesNpy(join(DATA, "0", "a.npy"), 4, 4, [[0, 0], [1, 0]]);
  spikesNpy(join(DATA, "1", "b.npy"), 4, 4, [[2, 1], [3, 1], [0, 3]]);
  spikesNpy(join(DATA, "2", "c.npy"), 4, 4, [[0, 2], [1, 2], [2, 2]]);
  const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "loihi", "--out", EVAL, "--quiet");
  expect(r.code, r.stderr).toBe(0);
});

const original = (): DatasetDocument => JSON.parse(readFileSync(join(EVAL, "dataset.json"), "utf8")) as DatasetDocument;

/** dataset.json edited by `edit`, written beside the original as `name`. */
function edited(name: string, edit: (d: { provenance: { options: Record<string, unknown> }; samples: Array<{ energyPj: { total: number } }> }) => void): string {
  const d = structuredClone(original()) as unknown as Parameters<typeof edit>[0];
  edit(d);
  const file = join(TMP, name);
  writeFileSync(file, stableJson(d));
  return file;
}

describe("rerun of a dataset.json (aerchip evaluate)", () => {
  it("re-runs the evaluation from its provenance: the same results, the same files written", async () => {
    const out = join(TMP, "rr");
    const r = await cli("rerun", join(EVAL, "dataset.json"), "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/byte-identical|same results/);
    expect(r.stdout).toContain(join(out, "dataset.json"));
    for (const f of ["dataset.json", "samples.csv", "dataset.md", "dataset.tex", "dataset.html", "mapping.json"]) expect(existsSync(join(out, f)), f).toBe(true);

    // Another commit made it: same results, the versions named (--json: one line).
    const older = edited("older.json", (d) => {
      (d.provenance as unknown as Record<string, unknown>).gitCommit = "0123456789abcdef0123456789abcdef01234567";
    });
    const text = await cli("rerun", older, "--out", join(TMP, "rr-older"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/same results/);
    expect(text.stdout).toContain("0123456789abcdef0123456789abcdef01234567");
    const json = await cli("rerun", older, "--out", join(TMP, "rr-json"), "--json");
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ identical: false, sameResults: true, original: older, report: join(TMP, "rr-json", "dataset.json") });
    const quiet = await cli("rerun", older, "--out", join(TMP, "rr-quiet"), "--quiet");
    expect([quiet.code, quiet.stdout]).toEqual([0, ""]);
  });

  it("a shuffled evaluation (--shuffle --seed --samples) re-runs to the same results; its recorded shuffle must be a boolean", async () => {
    const ev = join(TMP, "eval-shuffled");
    const e = await cli("evaluate", MODEL, "--input", DATA, "--shuffle", "--seed", "5", "--samples", "0:2", "--arch", "loihi", "--out", ev, "--quiet");
    expect(e.code, e.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(ev, "dataset.json"), "utf8")) as DatasetDocument;
    expect(doc.provenance.options).toMatchObject({ shuffle: true, seed: 5 });
    const r = await cli("rerun", join(ev, "dataset.json"), "--out", join(TMP, "rr-shuffled"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/byte-identical|same results/);
    // Recorded without the shuffle, --samples 0:2 would select other samples: the data set digest no longer matches.
    const d = structuredClone(doc) as unknown as { provenance: { options: Record<string, unknown> } };
    d.provenance.options.shuffle = false;
    writeFileSync(join(TMP, "unshuffled.json"), stableJson(d));
    const u = await cli("rerun", join(TMP, "unshuffled.json"), "--out", join(TMP, "rr-unshuffled"));
    expect([u.code, codeOf(u.stderr)]).toEqual([1, "E_RERUN_INPUT_CHANGED"]);
    d.provenance.options.shuffle = "yes";
    writeFileSync(join(TMP, "shuffle-yes.json"), stableJson(d));
    const y = await cli("rerun", join(TMP, "shuffle-yes.json"), "--out", join(TMP, "rr-shuffle-yes"));
    expect([y.code, codeOf(y.stderr)]).toEqual([1, "E_RERUN_PROVENANCE"]);
    expect(y.stderr).toContain("provenance.options.shuffle");
    expect(existsSync(join(TMP, "rr-shuffle-yes"))).toBe(false);
  });

  it("an edited number in dataset.json is E_RERUN_DIFFERS naming that field to the leaf", async () => {
    const file = edited("energy.json", (d) => {
      d.samples[1].energyPj.total += 1;
    });
    const out = join(TMP, "rr-energy");
    const r = await cli("rerun", file, "--out", out);
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_RERUN_DIFFERS"]);
    expect(r.stderr).toContain("samples[1].energyPj.total");
    expect(r.stderr).toContain(join(out, "dataset.json"));
    expect(existsSync(join(out, "dataset.json"))).toBe(true);
  });

  it("a recorded option the command line refuses is E_RERUN_PROVENANCE naming the field; nothing is written", async () => {
    const edits: Array<[string, unknown]> = [["decode", "bogus"], ["samples", "x:y"], ["labelFrom", "colour"], ["steps", 0], ["placement", "banana"], ["output", 3]];
    for (const [key, value] of edits) {
      const file = edited(`bad-${key}.json`, (d) => {
        d.provenance.options[key] = value;
      });
      const out = join(TMP, `rr-bad-${key}`);
      const r = await cli("rerun", file, "--out", out);
      expect([r.code, codeOf(r.stderr)], `${key} ${String(value)}`).toEqual([1, "E_RERUN_PROVENANCE"]);
      expect(r.stderr).toContain(`provenance.options.${key}`);
      expect(r.stderr).toContain(file);
      expect(existsSync(out), `${key}: nothing written`).toBe(false);
    }
  });

  // Last: it changes the data set.
  it("a sample file changed after the evaluation is E_RERUN_INPUT_CHANGED naming the data set; nothing is written", async () => {
    spikesNpy(join(DATA, "1", "b.npy"), 4, 4, [[2, 1]]);
    const out = join(TMP, "rr-changed");
    const r = await cli("rerun", join(EVAL, "dataset.json"), "--out", out);
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_RERUN_INPUT_CHANGED"]);
    expect(r.stderr).toContain(`dataset "${DATA}"`);
    expect(existsSync(out)).toBe(false);
  });
});
