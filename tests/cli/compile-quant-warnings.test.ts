/**
 * compile says its fixed-point warnings on stderr (as run records them in report.json), so a threshold lifted
 * off 0 (W_QUANT_THRESHOLD_AT_REST, audit s22r-x #1) is not silent; --quiet keeps stderr empty.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-compile-quant-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The auditor's th_small: v_th 0.0001 with weights up to 1 (loihi q = 14: 1.6 state units → 0 on the 64 grid). */
const MODEL = {
  format: "snnref-1", name: "th_small", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
    { name: "n", kind: "lif", size: 2, decay: 0.9, v_th: 0.0001, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
  ],
  projections: [{ name: "p", pre: "in", post: "n", dtype: "float", dense: { weights: [[1.0, 0.3], [0.5, -1.0]], delays: 1 } }],
};

describe("compile --precision fixed: quantisation warnings", () => {
  it("prints W_QUANT_THRESHOLD_AT_REST on stderr, not with --quiet", async () => {
    const path = join(TMP, "th_small.net.json");
    writeFileSync(path, JSON.stringify(MODEL));
    const r = await cli("compile", path, "--arch", "loihi", "--precision", "fixed", "--out", join(TMP, "c"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("W_QUANT_THRESHOLD_AT_REST");
    const q = await cli("compile", path, "--arch", "loihi", "--precision", "fixed", "--out", join(TMP, "q"), "--quiet");
    expect(q.code, q.stderr).toBe(0);
    expect(q.stderr).toBe("");
  });
});
