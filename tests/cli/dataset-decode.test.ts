/**
 * cli/dataset-decode.ts: every row carries one value per output neuron, whatever the decoder (reaudit N7:
 * a readout sample of 0 steps gave outputValues [] with --decode max/last but [0, 0, 0] with sum). A
 * 0-step sample's Σ_t v is 0 (an empty sum); its max_t v and last v do not exist: null in dataset.json,
 * "nan" in samples.csv. Every decoder decodes it to no class.
 * Fixture: input[3] → Linear (diagonal 1, 2, 3) → LI[3] → output; 0/x.npy (12 steps) and 1/empty.npy (0 steps).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { DATASET_CSV_COLUMNS } from "../../chip/report/formats/dataset.ts";
import { decodeClass } from "../../cli/dataset-decode.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dataset-decode-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "li.nir");
const DATA = join(TMP, "data");

beforeAll(async () => {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  await writeH5(MODEL, nirFile({
    input: { type: "Input", shape: [3n] },
    fc: { type: "Linear", weight: { f32: [1, 0, 0, 0, 2, 0, 0, 0, 3], shape: [3, 3] } },
    li: { type: "LI", tau: [1e-3, 2e-4, 1e-2], r: [1, 1, 1], v_leak: [0, 0, 0] },
    output: { type: "Output", shape: [3n] },
  }, [["input", "fc"], ["fc", "li"], ["li", "output"]]));
  mkdirSync(join(DATA, "0"), { recursive: true });
  mkdirSync(join(DATA, "1"), { recursive: true });
  spikesNpy(join(DATA, "0", "x.npy"), 12, 3, [[0, 1], [1, 1], [4, 0], [10, 2]]);
  spikesNpy(join(DATA, "1", "empty.npy"), 0, 3, []);
});

describe("evaluate: one output value per neuron in every decoder", () => {
  for (const [mode, empty] of [["sum", [0, 0, 0]], ["max", [null, null, null]], ["last", [null, null, null]]] as const) {
    it(`--decode ${mode}: a 0-step sample has 3 values (${JSON.stringify(empty)}) and no class`, async () => {
      const out = join(TMP, `out-${mode}`);
      const r = await cli("evaluate", MODEL, "--input", DATA, "--decode", mode, "--arch", "generic", "--out", out, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
      expect(d.samples.map((s) => [s.id, s.steps])).toEqual([["0/x.npy", 12], ["1/empty.npy", 0]]);
      expect(d.samples[0].outputValues).toHaveLength(3);
      expect(d.samples[0].outputValues.every((v) => typeof v === "number")).toBe(true);
      expect(d.samples[1].outputValues).toEqual(empty);
      expect(d.samples[1].prediction).toBeNull();
      const lines = readFileSync(join(out, "samples.csv"), "utf8").trimEnd().split("\n");
      const col = DATASET_CSV_COLUMNS.indexOf("output_values");
      // No field of these rows holds a comma or a quote: a plain split finds the columns.
      expect(lines[2].split(",")[col]).toBe(mode === "sum" ? "0 0 0" : "nan nan nan");
      expect(lines[1].split(",")[col].split(" ")).toHaveLength(3);
    });
  }

  it("null values decode to no class, in any decoder", () => {
    expect(decodeClass([null, null, null], "max")).toEqual({ prediction: null, tie: false });
    expect(decodeClass([null, null, null], "last")).toEqual({ prediction: null, tie: false });
    expect(decodeClass([null], "last")).toEqual({ prediction: null, tie: false });
  });
});
