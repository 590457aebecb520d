/**
 * `aerchip run`'s last line lists every file written, and --json names each (audit s22b #2, s22c #2/#5):
 * the --packets-out stream on JSON models, compiled programs and SANA-FE networks (NIR graphs listed it
 * already), and `--remap`'s hand-mapping-report.json, which is now one file of the all-or-none output set
 * (written with the others after both simulations: one that cannot be written leaves none of them).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-wrote-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const lastLine = (s: string): string => s.trimEnd().split("\n").at(-1) ?? "";

describe("run's wrote line and --json list every file", () => {
  it("a JSON model and a compiled program: the --packets-out file", async () => {
    const model = tinyModel(TMP);
    const pk = join(TMP, "p1.aer");
    const r = await cli("run", model, "--arch", "generic", "--out", join(TMP, "o1"), "--packets-out", pk);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^wrote .*report\.json/);
    expect(lastLine(r.stdout)).toContain(pk);
    const j = await cli("run", model, "--arch", "generic", "--out", join(TMP, "o1j"), "--packets-out", join(TMP, "p1j.aer"), "--json");
    expect(JSON.parse(j.stdout).packets).toBe(join(TMP, "p1j.aer"));

    expect((await cli("compile", model, "--arch", "generic", "--out", join(TMP, "c"), "--quiet")).code).toBe(0);
    const input = join(TMP, "in.npy");
    writeFileSync(input, writeNpy(new Uint8Array(10 * 4).fill(1), [10, 4], { bool: true }));
    const program = join(TMP, "c", "program.aerprog");
    const p = await cli("run", program, "--arch", "generic", "--input", input, "--out", join(TMP, "o2"), "--packets-out", join(TMP, "p2.aer"));
    expect(p.code, p.stderr).toBe(0);
    expect(lastLine(p.stdout)).toMatch(/^wrote /);
    expect(lastLine(p.stdout)).toContain(join(TMP, "p2.aer"));
    const pj = await cli("run", program, "--arch", "generic", "--input", input, "--out", join(TMP, "o2j"), "--packets-out", join(TMP, "p2j.aer"), "--json");
    expect(JSON.parse(pj.stdout).packets).toBe(join(TMP, "p2j.aer"));
  });

  it.skipIf(!HAS_SHARED)(`a SANA-FE network with --remap: hand-mapping-report.json and the packets listed, the wrote line last ${SKIP_MSG}`, async () => {
    const net = sharedPath("fixtures/sanafe/dvs.yaml");
    const out = join(TMP, "r");
    const r = await cli("run", net, "--arch", "loihi", "--remap", "--steps", "3", "--out", out, "--packets-out", join(TMP, "p3.aer"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mapping comparison/);
    expect(lastLine(r.stdout)).toMatch(/^wrote /);
    expect(lastLine(r.stdout)).toContain(join(out, "hand-mapping-report.json"));
    expect(lastLine(r.stdout)).toContain(join(TMP, "p3.aer"));
    const j = await cli("run", net, "--arch", "loihi", "--remap", "--steps", "3", "--out", join(TMP, "rj"), "--json");
    expect(JSON.parse(j.stdout).handMappingReport).toBe(join(TMP, "rj", "hand-mapping-report.json"));
  }, 60_000);

  it.skipIf(!HAS_SHARED)(`--remap: hand-mapping-report.json is one file of the output set (unwritable: nothing else left) ${SKIP_MSG}`, async () => {
    const out = join(TMP, "rset");
    mkdirSync(join(out, "hand-mapping-report.json"), { recursive: true });
    const r = await cli("run", sharedPath("fixtures/sanafe/dvs.yaml"), "--arch", "loihi", "--remap", "--steps", "3", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_WRITE_FAILED/);
    expect(readdirSync(out)).toEqual(["hand-mapping-report.json"]);
  }, 60_000);

  it.skipIf(!HAS_SHARED)(`--remap: rerun of hand-mapping-report.json says to rerun the report.json beside it, which re-makes both ${SKIP_MSG}`, async () => {
    const out = join(TMP, "hm");
    expect((await cli("run", sharedPath("fixtures/sanafe/dvs.yaml"), "--arch", "loihi", "--remap", "--steps", "3", "--out", out, "--quiet")).code).toBe(0);
    const hand = await cli("rerun", join(out, "hand-mapping-report.json"), "--out", join(TMP, "hm-r1"));
    expect(hand.code).toBe(1);
    expect(hand.stderr).toMatch(/E_RERUN_PROVENANCE: this is the hand-mapping report of a `run --remap`/);
    const both = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "hm-r2"));
    expect(both.code, both.stderr).toBe(0);
    expect(readFileSync(join(TMP, "hm-r2", "hand-mapping-report.json"), "utf8")).toBe(readFileSync(join(out, "hand-mapping-report.json"), "utf8"));
  });
});
