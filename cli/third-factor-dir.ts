/**
 * `aerchip train MODEL.json --input DATASET --third-factor-dir [POP=]DIR`: a three-factor rule's m per
 * training sample, one file per sample, each read exactly as `run --third-factor [POP=]FILE.npy` reads
 * its file (cli/third-factor.ts: (T,) for every neuron, or POP=… (T, size of POP) per neuron of POP; row t
 * is tick t of the sample; ticks past the rows read 0; W_THIRD_FACTOR_ROWS when rows ≠ the sample's ticks).
 *
 * Matching rule, the sample's file in DIR (`thirdFactorFileOf`):
 *   a directory data set  the sample's path relative to the data set with its extension replaced by .npy
 *                         (`train/3/00012.bin` → `DIR/3/00012.npy`; `train/a.npy` → `DIR/a.npy`), so
 *                         class folders with the same file names do not collide;
 *   an SHD/SSC .h5 file   `DIR/<i>.npy`, i the sample's index in the file (0-based);
 *   one file              its name with the extension replaced by .npy.
 * Every sample's file must be there (E_THIRD_FACTOR_MISSING naming the sample and the path looked for),
 * checked with the samples before the first trains. The option repeats as --third-factor does (one global
 * directory at most, a population at most once); a population's file overrides the global one for its
 * neurons. A pass with these files equals the chained `run --input s_k --third-factor [POP=]DIR/s_k.npy
 * --initial-weights …` runs (tests/cli/train-third-factor.test.ts).
 *
 * Provenance: one input per directory (role "third-factor-dir", its path, and a digest over the files the
 * samples read: "name\tsha256\n" per sample, in the samples' order) and options.thirdFactorDir, the
 * populations joined by commas ("*" for the global one), so `aerchip rerun` finds and checks them again.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { AerchipError } from "../core/diagnostics.ts";
import type { DatasetListing, DatasetSample } from "./dataset-inputs.ts";
import { sha256File } from "./provenance.ts";
import type { ThirdFactorArg } from "./third-factor.ts";

export const THIRD_FACTOR_DIR_ROLE = "third-factor-dir";

/** The name, relative to a --third-factor-dir, of the m file of sample `s` of a data set of kind `kind`. */
export function thirdFactorFileOf(kind: DatasetListing["kind"], s: DatasetSample): string {
  if (kind === "hdf5") return `${s.sample ?? s.index}.npy`;
  const name = kind === "directory" ? s.id : basename(s.path);
  const ext = extname(name);
  return `${ext === "" ? name : name.slice(0, -ext.length)}.npy`;
}

/**
 * The --third-factor files of sample `s` (the directories' arguments with the sample's file in place of the
 * directory), each checked to exist: E_THIRD_FACTOR_MISSING names the sample and the path looked for.
 */
export function sampleThirdFactorArgs(dirs: readonly ThirdFactorArg[], kind: DatasetListing["kind"], s: DatasetSample): ThirdFactorArg[] {
  const name = thirdFactorFileOf(kind, s);
  return dirs.map((d) => {
    const path = join(d.path, name);
    if (!existsSync(path)) {
      throw new AerchipError("E_THIRD_FACTOR_MISSING", `sample ${s.id} has no third-factor file: ${path} does not exist`, {
        file: path, field: "--third-factor-dir",
        hint: `put the sample's m in ${path} (the sample's path in the data set with the extension .npy; docs/learning.md), or leave the sample out with --samples`,
      });
    }
    return { population: d.population, path };
  });
}

/** Provenance of the directories: one input each, its digest over the samples' files in their order. */
export function thirdFactorDirProvenance(dirs: readonly ThirdFactorArg[], listing: DatasetListing): { inputs: Array<{ role: string; path: string; sha256: string }>; options: { thirdFactorDir?: string } } {
  if (dirs.length === 0) return { inputs: [], options: {} };
  return {
    inputs: dirs.map((d) => ({ role: THIRD_FACTOR_DIR_ROLE, path: d.path, sha256: thirdFactorDirDigest(d.path, listing) })),
    options: { thirdFactorDir: dirs.map((d) => d.population ?? "*").join(",") },
  };
}

/** SHA-256 over "name\tsha256(file)\n" for each sample's file in DIR, in the samples' order. */
export function thirdFactorDirDigest(dir: string, listing: DatasetListing): string {
  const h = createHash("sha256");
  for (const s of listing.samples) {
    const [a] = sampleThirdFactorArgs([{ population: null, path: dir }], listing.kind, s);
    h.update(`${thirdFactorFileOf(listing.kind, s)}\t${sha256File(a.path)}\n`);
  }
  return h.digest("hex");
}
