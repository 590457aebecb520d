/**
 * Small NIR graphs and .npy data sets for the `aerchip evaluate` tests: a dense spike tensor writer and a
 * 4-input graph whose IF neurons copy their input channel (weight 2 on a threshold of 1; the diagonal
 * weight of channel 3 may be set lower, so that its neuron only fires on a second spike).
 */
import { writeFileSync } from "node:fs";
import { writeNpy } from "../../core/io/npy.ts";

/** A T × n float32 0/1 spike tensor with a 1 at each (step, channel) of `spikes`. */
export function spikesNpy(path: string, T: number, n: number, spikes: ReadonlyArray<readonly [number, number]>): void {
  const x = new Float32Array(T * n);
  for (const [t, c] of spikes) x[t * n + c] = 1;
  writeFileSync(path, writeNpy(x, [T, n]));
}

/** input[4] → Linear (diagonal 2, 2, 2, `w3`) → IF[4] (threshold 1, r 1) → output, written to `path`. */
export async function writeIf4Nir(path: string, w3 = 2): Promise<void> {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  const diag = Array.from({ length: 16 }, (_, k) => (k === 15 ? w3 : k % 5 === 0 ? 2 : 0));
  await writeH5(path, nirFile({
    input: { type: "Input", shape: [4n] },
    fc: { type: "Linear", weight: { f32: diag, shape: [4, 4] } },
    lif: { type: "IF", r: [1, 1, 1, 1], v_threshold: [1, 1, 1, 1] },
    output: { type: "Output", shape: [4n] },
  }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
}

/** input[700] (an SHD recording's units) → Linear → IF[3]: units 3, 10 and 699 drive classes 0, 1 and 2 (weight 2, threshold 1). */
export async function writeShd3Nir(path: string): Promise<void> {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  const w = new Array<number>(3 * 700).fill(0);
  w[0 * 700 + 3] = 2; w[1 * 700 + 10] = 2; w[2 * 700 + 699] = 2;
  await writeH5(path, nirFile({
    input: { type: "Input", shape: [700n] },
    fc: { type: "Linear", weight: { f32: w, shape: [3, 700] } },
    lif: { type: "IF", r: [1, 1, 1], v_threshold: [1, 1, 1] },
    output: { type: "Output", shape: [3n] },
  }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
}

/**
 * `aerchip evaluate` of writeIf4Nir's graph over a one-sample data set (a 2-event CSV labelled 1) in `dir`, on
 * `generic`: its dataset.json, for tests of the renderers of a real document.
 */
export async function evaluateIf4Once(dir: string): Promise<import("../../chip/report/dataset.ts").DatasetDocument> {
  const { mkdirSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { cli } = await import("./cli.ts");
  const nir = join(dir, "if4.nir");
  await writeIf4Nir(nir);
  mkdirSync(join(dir, "data", "1"), { recursive: true });
  writeFileSync(join(dir, "data", "1", "a.csv"), "x,y,t,p\n0,0,100,1\n1,0,2200,0\n");
  const out = join(dir, "eval");
  const r = await cli("evaluate", nir, "--input", join(dir, "data"), "--arch", "generic", "--out", out, "--quiet");
  if (r.code !== 0) throw new Error(`evaluate failed: ${r.stderr}`);
  return JSON.parse(readFileSync(join(out, "dataset.json"), "utf8"));
}
