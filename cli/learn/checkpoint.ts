/**
 * Checkpoints of `aerchip learn` runs (issue 9): everything needed to continue a run between two
 * samples, so `--resume` ends with results identical to an uninterrupted run.
 *
 * File layout (little-endian), written atomically (core/atomic-write.ts):
 *   "AERCKPT1" | u32 header length H | H bytes of JSON header | zero padding to a multiple of 8 | sections
 * The header holds the run's fingerprint (every option that shapes the results), the position
 * (weight width index, results of the finished widths, the scalar state of the current run), the
 * section table ({name, dtype, length, offset}) and, as its last field, a SHA-256 checksum of the whole
 * file except that field: checksum = SHA-256(header text without `,"checksum":"…"` ‖ section bytes).
 * The header carries finished results (accuracy, energies) and counters, so an edited digit there is
 * as damaging as one in the weights (version 1 checksummed the sections only and is refused with
 * E_CHECKPOINT_VERSION: its header cannot be checked). Arrays travel as raw float64 / uint32 bytes, so
 * every double is restored bit for bit.
 * A damaged file is refused with E_CHECKPOINT_CORRUPT naming the field; a checkpoint of a run with
 * other options with E_CHECKPOINT_MISMATCH naming the option.
 */
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readInputFile } from "../../core/io/read-input.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { ensureDir, writeFileAtomic } from "../../core/atomic-write.ts";
import { dirname } from "node:path";
import { DiehlCookPhase, type CurvePoint, type DiehlCookResult, type DiehlCookSnapshot } from "./diehl-cook.ts";

const MAGIC = "AERCKPT1";
export const CHECKPOINT_FORMAT = "aerchip-learn-checkpoint";
/** 2: the checksum covers the header too (1: the sections only). */
export const CHECKPOINT_VERSION = 2;
/** Largest checkpoint read (weights of 1600 neurons and all response tables fit far below it). */
export const MAX_CHECKPOINT_BYTES = 2 ** 31 - 1;

/** Options of the run that must match on resume, in the order they are compared. Values are JSON scalars or arrays of them. */
export type Fingerprint = Readonly<Record<string, string | number | boolean | null | ReadonlyArray<string | number | null>>>;

export interface LearnCheckpoint {
  readonly fingerprint: Fingerprint;
  /** Index of the weight width in progress (widths.length: all finished). */
  readonly widthIndex: number;
  /** Results of the finished widths. */
  readonly results: readonly DiehlCookResult[];
  /** State of the width in progress (absent: it starts from the beginning). */
  readonly snapshot?: DiehlCookSnapshot;
}

type Dtype = "f64" | "u32";
interface SectionEntry { readonly name: string; readonly dtype: Dtype; readonly length: number; readonly offset: number }

const F64_SECTIONS = ["weights", "theta", "trainCounters", "trainSynOpsByEnc", "testCounters", "testSynOpsByEnc", "trainCounts", "labelCounts", "testCounts"] as const;
const U32_SECTIONS = ["encRng", "coreRng"] as const;
const SCALARS = ["phase", "pass", "sample", "presentations", "normOps", "wallSeconds"] as const;

/** SHA-256 (hex) of the header text without its checksum field, then the section bytes: catches truncation and any altered byte. */
function checksumOf(headerWithoutChecksum: string, body: Uint8Array): string {
  return createHash("sha256").update(headerWithoutChecksum, "utf8").update(body).digest("hex");
}

/** The checksum field closes the header: `{…,"checksum":"<64 hex digits>"}`. */
const CHECKSUM_TAIL = /,"checksum":"([0-9a-f]{64})"\}$/;

export function encodeCheckpoint(ck: LearnCheckpoint): Uint8Array {
  const arrays: Array<{ name: string; dtype: Dtype; data: Float64Array | Uint32Array }> = [];
  const snap = ck.snapshot;
  if (snap !== undefined) {
    for (const name of F64_SECTIONS) arrays.push({ name, dtype: "f64", data: snap[name] });
    for (const name of U32_SECTIONS) arrays.push({ name, dtype: "u32", data: snap[name] });
    // Optional (added later): older checkpoints have no such section.
    if (snap.weightChanges !== undefined) arrays.push({ name: "weightChanges", dtype: "f64", data: snap.weightChanges });
  }
  const sections: SectionEntry[] = [];
  let off = 0;
  for (const a of arrays) {
    sections.push({ name: a.name, dtype: a.dtype, length: a.data.length, offset: off });
    off += a.data.byteLength;
    off = Math.ceil(off / 8) * 8;
  }
  const body = new Uint8Array(off);
  arrays.forEach((a, i) => body.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), sections[i].offset));
  const scalars = snap === undefined ? undefined : Object.fromEntries(SCALARS.map((k) => [k, snap[k]]));
  // The learning curve's points so far (a few numbers each) travel in the header; absent without --eval-every.
  const curve = snap === undefined || snap.curve.length === 0 ? undefined : snap.curve;
  const covered = JSON.stringify({
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, fingerprint: ck.fingerprint, widthIndex: ck.widthIndex, results: ck.results,
    scalars, ...(curve === undefined ? {} : { curve }), sections,
  });
  // The checksum goes in as the last field; the reader removes exactly that text to recompute it.
  const header = Buffer.from(`${covered.slice(0, -1)},"checksum":"${checksumOf(covered, body)}"}`, "utf8");
  const pre = 8 + 4 + header.length;
  const start = Math.ceil(pre / 8) * 8;
  const out = new Uint8Array(start + body.length);
  out.set(Buffer.from(MAGIC, "latin1"), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(body, start);
  return out;
}

function corrupt(file: string, field: string, detail: string): never {
  throw new AerchipError("E_CHECKPOINT_CORRUPT", `checkpoint ${file}: ${field} ${detail}`, {
    file, field, hint: "the file is damaged or not an aerchip learn checkpoint; delete it and start the run again without --resume",
  });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function decodeCheckpoint(bytes: Uint8Array, file: string): LearnCheckpoint {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString("latin1") !== MAGIC) corrupt(file, "magic", `is not "${MAGIC}"`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const H = dv.getUint32(8, true);
  if (12 + H > bytes.length) corrupt(file, "headerLength", `${H} runs past the end of the file (${bytes.length} bytes)`);
  const headerText = Buffer.from(bytes.subarray(12, 12 + H)).toString("utf8");
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    corrupt(file, "header", `is not JSON (${(e as Error).message})`);
  }
  // A repeated key in the header (an edited "done") would resume from its last value: refused as damage.
  refuseDuplicateJsonKey(headerText, { file, code: "E_CHECKPOINT_CORRUPT", what: "checkpoint header of", hint: "delete the checkpoint and start the run again without --resume" });
  if (!isObj(header)) corrupt(file, "header", "is not an object");
  if (header.format !== CHECKPOINT_FORMAT) corrupt(file, "format", `is ${JSON.stringify(header.format)}, not "${CHECKPOINT_FORMAT}"`);
  if (header.version === 1) {
    throw new AerchipError("E_CHECKPOINT_VERSION", `checkpoint ${file} is version 1, whose checksum does not cover its header (finished results, counters); this aerchip reads version ${CHECKPOINT_VERSION} only`, {
      file, field: "version", hint: "finish that run with the aerchip that wrote the checkpoint, or delete it and start again without --resume",
    });
  }
  if (header.version !== CHECKPOINT_VERSION) corrupt(file, "version", `is ${JSON.stringify(header.version)}; this aerchip reads version ${CHECKPOINT_VERSION}`);
  const start = Math.ceil((12 + H) / 8) * 8;
  const body = bytes.subarray(Math.min(start, bytes.length));
  // Checked before any other field is trusted: the header's results and counters become the run's output.
  const tail = CHECKSUM_TAIL.exec(headerText);
  if (tail === null) corrupt(file, "checksum", "is missing or malformed (it must close the header as 64 hex digits)");
  if (tail[1] !== checksumOf(`${headerText.slice(0, tail.index)}}`, body)) corrupt(file, "checksum", "does not match the header and data (truncated or altered)");
  if (!isObj(header.fingerprint)) corrupt(file, "fingerprint", "is missing");
  if (!Number.isInteger(header.widthIndex) || (header.widthIndex as number) < 0) corrupt(file, "widthIndex", `is ${JSON.stringify(header.widthIndex)}`);
  if (!Array.isArray(header.results) || !header.results.every(isObj)) corrupt(file, "results", "is not a list of results");
  if (!Array.isArray(header.sections)) corrupt(file, "sections", "is not a list");
  const arrays = new Map<string, Float64Array | Uint32Array>();
  (header.sections as unknown[]).forEach((e, i) => {
    if (!isObj(e) || typeof e.name !== "string" || (e.dtype !== "f64" && e.dtype !== "u32") || !Number.isInteger(e.length) || !Number.isInteger(e.offset)) corrupt(file, `sections[${i}]`, "is malformed");
    const size = e.dtype === "f64" ? 8 : 4;
    const len = e.length as number;
    const off = e.offset as number;
    if (len < 0 || off < 0 || off % 8 !== 0 || off + len * size > body.length) corrupt(file, `sections[${i}] (${e.name})`, `does not fit the file (${len} values at ${off})`);
    // Copy into fresh, aligned memory (a Node Buffer's slice is a view into a shared pool).
    const raw = new Uint8Array(len * size);
    raw.set(body.subarray(off, off + len * size));
    arrays.set(e.name as string, e.dtype === "f64" ? new Float64Array(raw.buffer, 0, len) : new Uint32Array(raw.buffer, 0, len));
  });
  let snapshot: DiehlCookSnapshot | undefined;
  if (header.scalars !== undefined && header.scalars !== null) {
    const sc = header.scalars;
    if (!isObj(sc)) corrupt(file, "scalars", "is not an object");
    for (const k of SCALARS) if (typeof sc[k] !== "number" || !Number.isFinite(sc[k])) corrupt(file, `scalars.${k}`, `is ${JSON.stringify(sc[k])}`);
    const need = <T extends Float64Array | Uint32Array>(name: string, dtype: Dtype): T => {
      const a = arrays.get(name);
      if (a === undefined || (dtype === "f64") !== (a instanceof Float64Array)) corrupt(file, name, "section is missing");
      return a as T;
    };
    const f = (name: (typeof F64_SECTIONS)[number]) => need<Float64Array>(name, "f64");
    const phase = sc.phase as number;
    if (!Object.values(DiehlCookPhase).includes(phase as DiehlCookPhase)) corrupt(file, "scalars.phase", `is ${phase}`);
    snapshot = {
      phase: phase as DiehlCookPhase, pass: sc.pass as number, sample: sc.sample as number, presentations: sc.presentations as number,
      normOps: sc.normOps as number, wallSeconds: sc.wallSeconds as number,
      weights: f("weights"), theta: f("theta"), trainCounters: f("trainCounters"), trainSynOpsByEnc: f("trainSynOpsByEnc"),
      testCounters: f("testCounters"), testSynOpsByEnc: f("testSynOpsByEnc"), trainCounts: f("trainCounts"), labelCounts: f("labelCounts"),
      testCounts: f("testCounts"), encRng: need<Uint32Array>("encRng", "u32"), coreRng: need<Uint32Array>("coreRng", "u32"), curve: [],
    };
    const curve = header.curve ?? [];
    const pointOk = (p: unknown): boolean => isObj(p) && Object.values(p).every((v) => v === null || (typeof v === "number" && Number.isFinite(v))) && typeof p.samples === "number";
    if (!Array.isArray(curve) || !curve.every(pointOk)) corrupt(file, "curve", "is not a list of curve points");
    const changes = arrays.get("weightChanges");
    if (changes !== undefined && !(changes instanceof Float64Array)) corrupt(file, "weightChanges", "section is not f64");
    snapshot = { ...snapshot, curve: curve as CurvePoint[], ...(changes === undefined ? {} : { weightChanges: changes as Float64Array }) };
    if (snapshot.encRng.length !== 4) corrupt(file, "encRng", `has ${snapshot.encRng.length} words, not 4`);
  }
  return {
    fingerprint: header.fingerprint as Fingerprint, widthIndex: header.widthIndex as number,
    results: header.results as unknown as DiehlCookResult[], ...(snapshot === undefined ? {} : { snapshot }),
  };
}

export function writeCheckpoint(file: string, ck: LearnCheckpoint): void {
  // The checkpoint's directory may be the run's --out, which is made only when the results are written
  // (docs/learning.md's own `--out out/ --checkpoint out/run.ckpt`): made here, as train's checkpoint does.
  ensureDir(dirname(file));
  writeFileAtomic(file, encodeCheckpoint(ck));
}

export function readCheckpoint(file: string): LearnCheckpoint {
  if (!existsSync(file)) {
    throw new AerchipError("E_CHECKPOINT_MISSING", `checkpoint ${file} does not exist`, { file, field: "--checkpoint", hint: "start the run without --resume (it writes the checkpoint), or give the path of an existing one" });
  }
  const size = statSync(file).size;
  if (size > MAX_CHECKPOINT_BYTES) corrupt(file, "size", `is ${size} bytes, above the ${MAX_CHECKPOINT_BYTES}-byte limit`);
  // A directory or device is E_INPUT_NOT_A_FILE (statSync gives /dev/zero size 0; reading it never ends).
  const bytes = readInputFile(file, {
    what: "checkpoint", maxBytes: MAX_CHECKPOINT_BYTES, field: "--checkpoint", hint: "give the checkpoint file written by `aerchip learn --checkpoint`",
    codes: { notFound: "E_CHECKPOINT_MISSING" },
  });
  return decodeCheckpoint(bytes, file);
}

/** Refuses a checkpoint whose fingerprint differs from this run's, naming the first differing option. */
export function checkFingerprint(file: string, saved: Fingerprint, now: Fingerprint): void {
  const keys = new Set([...Object.keys(now), ...Object.keys(saved)]);
  for (const k of keys) {
    const a = JSON.stringify(saved[k] ?? null);
    const b = JSON.stringify(now[k] ?? null);
    if (a !== b) {
      throw new AerchipError("E_CHECKPOINT_MISMATCH", `checkpoint ${file} was written with ${k} = ${a}; this run has ${k} = ${b}`, {
        file, field: k, hint: `resume with the same options as the run that wrote it (${k} = ${a}), or start a new run without --resume`,
      });
    }
  }
}
