/**
 * The integrity of a sweep point file, <out>/points/<id>.json, before a resumed sweep copies it into its
 * tables (audit s22b #18: an edited `"synOps": "x"` or `-5` went into sweep.csv/.json/.md unchecked).
 *
 * Two checks, as `train`'s checkpoint does (cli/train-checkpoint.ts):
 *   - `sha256`, written with the point: SHA-256 of the row's JSON text without it, JSON.stringify(row) in
 *     the row's own key order (the file is that row pretty-printed, so parsing it gives the same text back;
 *     NaN/Infinity would be null both times). Any edit of a number, a name or the parameters changes it.
 *   - the fields' types and ranges (counts whole and ≥ 0, energies, time and power finite and ≥ 0, the
 *     Jaccard index in [0, 1], …): a file whose hash was recomputed after an edit still cannot put a
 *     non-number or a negative count into a table.
 * A point that fails either is not used: the sweep runs it again and says so (cli/commands/sweep.ts). The
 * hash is not in the row the tables see (sweep.json's rows are as before), only in the file.
 */
import { createHash } from "node:crypto";
import type { PointRow } from "./point.ts";

/** A point row as its file holds it: the row and its hash. */
export type SealedPointRow = PointRow & { readonly sha256: string };

/** SHA-256 (hex) of the row's JSON text. */
function rowHash(row: unknown): string {
  return createHash("sha256").update(JSON.stringify(row)).digest("hex");
}

/** The row with its hash, for its point file. */
export function sealPointRow(row: PointRow): SealedPointRow {
  return { ...row, sha256: rowHash(row) };
}

const TIME_BASES = new Set(["tick-period", "modelled-latency", "not-modelled"]);
const ENERGY_KEYS = ["synapse", "neuron", "network", "learning", "static", "total"] as const;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const count = (x: unknown): boolean => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const amount = (x: unknown): boolean => typeof x === "number" && Number.isFinite(x) && x >= 0;
const optional = (x: unknown, ok: (y: unknown) => boolean): boolean => x === null || ok(x);

/** The first field of a row (hash already removed) outside its type or range, or undefined. */
function badField(r: Record<string, unknown>): string | undefined {
  if (!count(r.index)) return "index";
  if (!isObject(r.params)) return "params";
  if (typeof r.status !== "string" || !(r.status === "ok" || /^E_[A-Z0-9_]+$/.test(r.status))) return "status";
  if (r.status !== "ok") {
    // A failed point carries its error and nothing else.
    if (typeof r.errorMessage !== "string") return "errorMessage";
    for (const k of ["model", "chip", "steps", "coresUsed", "coresAvailable", "spikes", "synOps", "energyPj", "simulatedTimeNs", "timeBasis", "averagePowerMw", "agreement"]) {
      if (r[k] !== null) return k;
    }
    if (r.learning !== undefined) return "learning";
    return undefined;
  }
  if (r.errorMessage !== null) return "errorMessage";
  if (typeof r.model !== "string") return "model";
  if (typeof r.chip !== "string") return "chip";
  if (!count(r.steps)) return "steps";
  if (!count(r.coresAvailable) || (r.coresAvailable as number) < 1) return "coresAvailable";
  if (!count(r.coresUsed) || (r.coresUsed as number) > (r.coresAvailable as number)) return "coresUsed";
  if (!count(r.spikes)) return "spikes";
  if (!amount(r.synOps)) return "synOps";
  if (r.energyPj !== null) {
    if (!isObject(r.energyPj)) return "energyPj";
    // learning is null when the point learned on a chip without a learning cost (not modelled: run-report.ts).
    for (const k of ENERGY_KEYS) if (!(k === "learning" ? optional(r.energyPj[k], amount) : amount(r.energyPj[k]))) return `energyPj.${k}`;
  }
  if (!optional(r.simulatedTimeNs, amount)) return "simulatedTimeNs";
  if (!(r.timeBasis === null || (typeof r.timeBasis === "string" && TIME_BASES.has(r.timeBasis)))) return "timeBasis";
  if (!optional(r.averagePowerMw, amount)) return "averagePowerMw";
  if (r.agreement !== null) {
    const a = r.agreement;
    if (!isObject(a)) return "agreement";
    for (const k of ["spikes", "spikesFloat", "shared"]) if (!count(a[k])) return `agreement.${k}`;
    if (!(typeof a.jaccard === "number" && a.jaccard >= 0 && a.jaccard <= 1)) return "agreement.jaccard";
  }
  // Absent on static models (and on point files written before it, which resume without learning columns).
  if (r.learning !== undefined) {
    const l = r.learning;
    if (!isObject(l)) return "learning";
    for (const k of ["synapses", "changed"]) if (!count(l[k])) return `learning.${k}`;
    if ((l.changed as number) > (l.synapses as number)) return "learning.changed";
    for (const k of ["meanAbsChange", "maxAbsChange"]) if (!amount(l[k])) return `learning.${k}`;
  }
  return undefined;
}

/**
 * A parsed point file of the current format and version, checked: its row (without the hash), or why it
 * cannot be used ("has no sha256" for files written before the hash, which run again).
 */
export function checkPointRow(doc: Record<string, unknown>): { ok: true; row: PointRow } | { ok: false; reason: string } {
  const { sha256, ...row } = doc;
  if (typeof sha256 !== "string") return { ok: false, reason: "has no sha256 (written before point files carried one)" };
  if (sha256 !== rowHash(row)) return { ok: false, reason: "does not match its sha256 (edited or damaged)" };
  const bad = badField(row);
  if (bad !== undefined) return { ok: false, reason: `field ${bad} is ${JSON.stringify(row[bad.split(".")[0]])?.slice(0, 80)}, outside its type or range` };
  return { ok: true, row: row as unknown as PointRow };
}
