/**
 * `aerchip learn DIR` on MNIST's IDX files (cli/learn/mnist-idx.ts): the digits are read from the four
 * files (optionally gzipped) in file order and learned exactly as the same digits given to the harness by
 * hand; learn-mnist.json says which files (by SHA-256); broken files fail with E_LEARN_DATASET naming the
 * file and the field.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadPreset } from "../../../chip/spec/load.ts";
import { loadMnistSplit, type LearnSplit } from "../../../cli/learn/mnist-data.ts";
import { parseIdx } from "../../../cli/learn/mnist-idx.ts";
import { trainDiehlCook, type DiehlCookResult } from "../../../cli/learn/diehl-cook.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-idx-"));

/** An IDX file of unsigned bytes: magic 0 0 8 <dims>, big-endian sizes, data. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, Buffer.from(data)]);
}
const toBytes = (x: Float32Array): Uint8Array => Uint8Array.from(x, (v) => Math.round(v * 255));

/** 20 training and 10 test digits of the bundled set, written as IDX (the training images gzipped). */
function writeSet(at: string, gzipTrain = true): LearnSplit {
  mkdirSync(at, { recursive: true });
  const src = loadMnistSplit(20, 10, 3);
  const trainBytes = toBytes(src.trainImages);
  const testBytes = toBytes(src.testImages);
  const trainImages = idx([20, 28, 28], trainBytes);
  writeFileSync(join(at, gzipTrain ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte"), gzipTrain ? gzipSync(trainImages) : trainImages);
  writeFileSync(join(at, "train-labels-idx1-ubyte"), idx([20], src.trainLabels as Uint8Array));
  writeFileSync(join(at, "t10k-images-idx3-ubyte"), idx([10, 28, 28], testBytes));
  writeFileSync(join(at, "t10k-labels-idx1-ubyte"), idx([10], src.testLabels as Uint8Array));
  // What the reader must give: byte / 255, in file order.
  return {
    ...src,
    trainImages: Float32Array.from(trainBytes, (b) => b / 255),
    testImages: Float32Array.from(testBytes, (b) => b / 255),
  };
}
const core = ({ wallSeconds: _w, ...rest }: DiehlCookResult) => rest;

describe("learn on MNIST IDX files", () => {
  it("learns the files' digits in file order exactly as the harness given those digits; learn-mnist.json names the files", async () => {
    const at = join(dir, "mnist");
    const expected = writeSet(at);
    const out = join(dir, "out");
    const r = await cli("learn", at, "--neurons", "4", "--train", "12", "--test", "6", "--label-samples", "6", "--arch", "loihi", "--set", "presentMs=40", "--seed", "5", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "learn-mnist.json"), "utf8"));
    const split: LearnSplit = {
      ...expected, trainImages: expected.trainImages.subarray(0, 12 * 784), trainLabels: expected.trainLabels.subarray(0, 12),
      testImages: expected.testImages.subarray(0, 6 * 784), testLabels: expected.testLabels.subarray(0, 6),
    };
    const byHand = trainDiehlCook(loadPreset("loihi"), split, { neurons: 4, seed: 5, labelSamples: 6, rounding: "stochastic", params: { presentMs: 40 } });
    expect(doc.results[0]).toEqual(JSON.parse(JSON.stringify(core(byHand))));
    expect(doc.dataset.source).toBe("idx");
    expect(doc.dataset.files.map((f: { role: string }) => f.role)).toEqual(["trainImages", "trainLabels", "testImages", "testLabels"]);
    expect(doc.dataset.files[0].path).toMatch(/train-images-idx3-ubyte\.gz$/);
    expect(doc.dataset.files.every((f: { sha256: string }) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    // The bundled set says it is the package's split.
    const pkg = await cli("learn", "mnist", "--neurons", "2", "--train", "4", "--test", "2", "--label-samples", "2", "--arch", "loihi", "--set", "presentMs=20", "--out", join(dir, "pkg"), "--quiet");
    expect(pkg.code, pkg.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "pkg", "learn-mnist.json"), "utf8")).dataset.source).toBe("mnist-package");
  }, 120_000);

  it("refuses a compute-in-memory chip, whose crossbar reads it does not count (audit s20c F1)", async () => {
    const r = await cli("learn", "mnist", "--neurons", "2", "--train", "4", "--test", "2", "--arch", "cim-crossbar", "--out", join(dir, "cim"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_LEARN_CHIP/);
  });

  it("refuses more digits than the files hold and a folder without the files", async () => {
    const at = join(dir, "small");
    writeSet(at, false);
    const many = await cli("learn", at, "--neurons", "2", "--train", "21", "--test", "2", "--arch", "loihi", "--out", join(dir, "x"));
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/E_LEARN_DATASET.*--train 21.*\(20\)/);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const none = await cli("learn", empty, "--neurons", "2", "--arch", "loihi", "--out", join(dir, "y"));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/E_LEARN_DATASET.*train-images-idx3-ubyte/);
    // A plain file beside a .gz of the same role: which one is meant is not guessed (audit s20c F11).
    writeFileSync(join(at, "train-images-idx3-ubyte.gz"), gzipSync(readFileSync(join(at, "train-images-idx3-ubyte"))));
    const two = await cli("learn", at, "--neurons", "2", "--train", "4", "--test", "2", "--arch", "loihi", "--out", join(dir, "z"));
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/E_LEARN_DATASET: .* has 2 files for the MNIST trainImages/);
  });

  it("parseIdx names what is wrong: not IDX, another type, swapped files, truncated, trailing bytes", () => {
    const ok = idx([2], Uint8Array.of(1, 2));
    expect(Array.from(parseIdx(ok, "l", 1).data)).toEqual([1, 2]);
    const field = (b: Uint8Array, dims: number) => errorOf(() => parseIdx(b, "f", dims));
    expect(field(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), 1).field).toBe("magic");
    expect(field(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 1).message).toMatch(/data type 0x0d/);
    expect(field(idx([2, 1, 1], Uint8Array.of(1, 2)), 1).message).toMatch(/3 dimensions where 1/);
    expect(field(ok.subarray(0, ok.length - 1), 1).message).toMatch(/truncated/);
    expect(field(Buffer.concat([ok, Buffer.of(0)]), 1).message).toMatch(/1 bytes after/);
    expect(field(Uint8Array.of(0, 0), 1).field).toBe("header");
    expect(field(Uint8Array.of(0, 0), 1).code).toBe("E_LEARN_DATASET");
  });
});
