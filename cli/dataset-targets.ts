/**
 * `aerchip evaluate --target-dir DIR` (docs/evaluate.md, "Reconstruction error"): one target .npy per sample,
 * the tensor the decoded output is compared with (the auto-encoder paper's input image, ../shared/docs/papers.md
 * §3), found by the sample's id:
 *   a directory's file  REL.ext  →  DIR/REL.npy   (its path relative to --input, extension replaced)
 *   an SHD/SSC sample   #i       →  DIR/i.npy
 *   one file            F.ext    →  DIR/F.npy
 * A target holds as many elements as the output has neurons (any shape; compared in flat C order), any
 * numeric dtype, every value finite. Anything else is E_EVALUATE_TARGET naming the file.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { AerchipError, isAerchipError } from "../core/diagnostics.ts";
import { npyToFloat64, readNpy } from "../core/io/npy.ts";
import type { DatasetListing, DatasetSample } from "./dataset-inputs.ts";

/** The target file of a sample (see the module comment). */
export function targetPathFor(dir: string, kind: DatasetListing["kind"], s: DatasetSample): string {
  if (kind === "hdf5") return join(dir, `${s.id.slice(1)}.npy`);
  const rel = kind === "directory" ? s.id : basename(s.path);
  const ext = extname(rel);
  return join(dir, `${ext === "" ? rel : rel.slice(0, -ext.length)}.npy`);
}

/** The target of one sample as float64, flat C order; `size`: the output's neurons. */
export function readTarget(path: string, size: number, output: string): Float64Array {
  if (!existsSync(path)) {
    throw new AerchipError("E_EVALUATE_TARGET", `${path}: no target for this sample (--target-dir holds one .npy per sample, named as the sample with .npy)`, { file: path, field: "--target-dir", hint: "write the sample's target tensor there, or check --target-dir" });
  }
  let x: Float64Array;
  try {
    const a = readNpy(readFileSync(path), path);
    if (a.kind !== "plain") throw new AerchipError("E_EVALUATE_TARGET", `${path}: a structured array is not a target tensor`, { file: path, field: "--target-dir", hint: "save the target as a plain numeric array (numpy.save of a float array)" });
    x = npyToFloat64(a.data, path);
  } catch (e) {
    if (isAerchipError(e) && e.code === "E_EVALUATE_TARGET") throw e;
    if (!isAerchipError(e)) throw e;
    throw new AerchipError("E_EVALUATE_TARGET", `${path}: not a readable target tensor: ${e.message}`, { file: path, field: "--target-dir", hint: "save the target with numpy.save (a plain numeric array)" });
  }
  if (x.length !== size) {
    throw new AerchipError("E_EVALUATE_TARGET", `${path} holds ${x.length} values, but output ${output} has ${size} neuron${size === 1 ? "" : "s"}`, { file: path, field: "--target-dir", hint: `give a target of ${size} values per sample (flat C order of the output), or decode another --output` });
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new AerchipError("E_EVALUATE_TARGET", `${path}: element ${i} is ${x[i]}, not a finite number`, { file: path, field: "--target-dir", hint: "every target value must be finite" });
  }
  return x;
}

/**
 * SHA-256 over "id<TAB>SHA-256 of the target<LF>" of every evaluated sample in order (the provenance's
 * `targets` input; `aerchip rerun` recomputes it: an edited, added or removed target changes it).
 */
export function targetsDigest(dir: string, kind: DatasetListing["kind"], samples: readonly DatasetSample[]): string {
  const h = createHash("sha256");
  for (const s of samples) {
    const p = targetPathFor(dir, kind, s);
    h.update(`${s.id}\t${existsSync(p) ? createHash("sha256").update(readFileSync(p)).digest("hex") : "missing"}\n`);
  }
  return h.digest("hex");
}
