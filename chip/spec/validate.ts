/**
 * validateChipSpec: checks a ChipSpec-shaped value and returns diagnostics instead of throwing, so
 * a user sees every problem in a spec file at once. `assertValidChipSpec` throws the first error.
 */
import { AerchipError, type Diagnostic } from "../../core/diagnostics.ts";
import { CHIP_SPEC_FORMAT, CHIP_SPEC_VERSION, Evidence, type ChipSpec } from "./types.ts";

const EVIDENCE_VALUES = new Set<string>(Object.values(Evidence));

/** Upper bounds that keep a spec physically meaningful and the simulator's arrays allocatable. */
const MAX_CORES = 1 << 20;
const MAX_NEURONS_PER_CORE = 1 << 20;

function err(out: Diagnostic[], file: string | undefined, field: string, message: string, hint: string): void {
  out.push({ code: "E_SPEC_INVALID", severity: "error", message, field, hint, ...(file === undefined ? {} : { file }) });
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function checkInt(out: Diagnostic[], file: string | undefined, o: Record<string, unknown>, path: string, key: string, min: number, max: number): void {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    err(out, file, `${path}.${key}`, `${path}.${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`, `set ${key} to a whole number within the range`);
  }
}

function checkCost(out: Diagnostic[], file: string | undefined, path: string, v: unknown): void {
  if (!isObj(v)) {
    err(out, file, path, `${path} must be {value, source, evidence}`, "give every cost a value, its publication and its evidence kind");
    return;
  }
  if (typeof v.value !== "number" || !Number.isFinite(v.value) || v.value < 0) {
    err(out, file, `${path}.value`, `${path}.value must be a finite number >= 0, got ${JSON.stringify(v.value)}`, "costs are non-negative pJ / ns / mW");
  }
  if (typeof v.source !== "string" || v.source.trim() === "") {
    err(out, file, `${path}.source`, `${path}.source is missing`, "cite the publication (authors, venue, year, table) the figure comes from");
  }
  if (typeof v.evidence !== "string" || !EVIDENCE_VALUES.has(v.evidence)) {
    err(out, file, `${path}.evidence`, `${path}.evidence must be one of ${[...EVIDENCE_VALUES].join(", ")}`, "say whether the figure is simulated, measured, all-in, calibrated or derived");
  }
}

export function validateChipSpec(raw: unknown, file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isObj(raw)) {
    err(out, file, "", "a chip spec must be a JSON object", "start from `aerchip presets` and edit a preset");
    return out;
  }
  if (raw.format !== CHIP_SPEC_FORMAT) err(out, file, "format", `format must be "${CHIP_SPEC_FORMAT}"`, `add "format": "${CHIP_SPEC_FORMAT}"`);
  if (raw.version !== CHIP_SPEC_VERSION) err(out, file, "version", `version must be ${CHIP_SPEC_VERSION}, got ${JSON.stringify(raw.version)}`, "this aerchip reads chip spec version 1");
  if (typeof raw.name !== "string" || raw.name === "") err(out, file, "name", "name must be a non-empty string", "name the chip");
  const mesh = raw.mesh;
  if (!isObj(mesh)) err(out, file, "mesh", "mesh is missing", "add mesh {widthTiles, heightTiles, coresPerTile, linkBufferPackets}");
  else {
    checkInt(out, file, mesh, "mesh", "widthTiles", 1, 4096);
    checkInt(out, file, mesh, "mesh", "heightTiles", 1, 4096);
    checkInt(out, file, mesh, "mesh", "coresPerTile", 1, 1024);
    checkInt(out, file, mesh, "mesh", "linkBufferPackets", 1, 1 << 20);
    const n = Number(mesh.widthTiles) * Number(mesh.heightTiles) * Number(mesh.coresPerTile);
    if (Number.isFinite(n) && n > MAX_CORES) err(out, file, "mesh", `the mesh has ${n} cores, more than ${MAX_CORES}`, "use a smaller mesh");
  }
  const core = raw.core;
  if (!isObj(core)) err(out, file, "core", "core limits are missing", "add core {maxNeurons, maxInputAxons, ...}");
  else {
    checkInt(out, file, core, "core", "maxNeurons", 1, MAX_NEURONS_PER_CORE);
    checkInt(out, file, core, "core", "maxInputAxons", 1, 1 << 24);
    checkInt(out, file, core, "core", "maxOutputAxons", 1, 1 << 24);
    checkInt(out, file, core, "core", "synapseMemoryBits", 1, 2 ** 40);
    checkInt(out, file, core, "core", "maxDelayTicks", 1, 65535);
    checkInt(out, file, core, "core", "maxFanOutCores", 0, MAX_CORES);
  }
  const p = raw.precision;
  if (!isObj(p)) err(out, file, "precision", "precision is missing", "add precision {weightBits, delayBits, ...}");
  else {
    checkInt(out, file, p, "precision", "weightBits", 1, 32);
    if (typeof p.weightSigned !== "boolean") err(out, file, "precision.weightSigned", "precision.weightSigned must be true or false", "say whether weights are signed");
    checkInt(out, file, p, "precision", "delayBits", 0, 16);
    checkInt(out, file, p, "precision", "stateBits", 2, 52);
    checkInt(out, file, p, "precision", "currentBits", 2, 52);
    checkInt(out, file, p, "precision", "decayBits", 1, 24);
    checkInt(out, file, p, "precision", "thresholdBits", 1, 52);
    checkInt(out, file, p, "precision", "traceBits", 1, 32);
    checkInt(out, file, p, "precision", "refractoryBits", 0, 32);
  }
  const enc = raw.synapseEncoding;
  if (!isObj(enc) || (enc.kind !== "dense" && enc.kind !== "sparse")) {
    err(out, file, "synapseEncoding.kind", 'synapseEncoding.kind must be "dense" or "sparse"', "choose how synapse memory is laid out");
  } else checkInt(out, file, enc, "synapseEncoding", "extraBitsPerSynapse", 0, 64);
  const costs = raw.costs;
  if (!isObj(costs)) err(out, file, "costs", "costs are missing", "add a costs table (an empty object means no energy is modelled)");
  else {
    for (const [k, v] of Object.entries(costs)) {
      if (k === "synapseEncodings") {
        if (!isObj(v)) { err(out, file, "costs.synapseEncodings", "costs.synapseEncodings must be an object", "map encoding names to costs"); continue; }
        for (const [enc2, c] of Object.entries(v)) {
          if (!isObj(c)) { err(out, file, `costs.synapseEncodings.${enc2}`, "must be an object", "give energySynOpPj / latencySynOpNs"); continue; }
          for (const [k2, v2] of Object.entries(c)) checkCost(out, file, `costs.synapseEncodings.${enc2}.${k2}`, v2);
        }
        continue;
      }
      checkCost(out, file, `costs.${k}`, v);
    }
  }
  const sync = raw.sync;
  if (!isObj(sync) || !Array.isArray(sync.table) || sync.table.length === 0) {
    err(out, file, "sync.table", "sync.table must be a non-empty list of {tiles, latencyNs}", "give the barrier latency by active tiles");
  } else {
    let prev = 0;
    sync.table.forEach((row: unknown, i: number) => {
      if (!isObj(row) || typeof row.tiles !== "number" || !Number.isInteger(row.tiles) || row.tiles <= prev ||
          typeof row.latencyNs !== "number" || !Number.isFinite(row.latencyNs) || row.latencyNs < 0) {
        err(out, file, `sync.table[${i}]`, `sync.table[${i}] must have increasing integer tiles and latencyNs >= 0`, "sort the rows by tiles");
      } else prev = row.tiles;
    });
    if (sync.interpolation !== "step" && sync.interpolation !== "linear") {
      err(out, file, "sync.interpolation", 'sync.interpolation must be "step" or "linear"', "say how the table is read between rows");
    }
  }
  return out;
}

export function assertValidChipSpec(raw: unknown, file?: string): ChipSpec {
  const diags = validateChipSpec(raw, file);
  const first = diags.find((d) => d.severity === "error");
  if (first !== undefined) {
    throw new AerchipError(first.code, first.message, {
      ...(first.file === undefined ? {} : { file: first.file }),
      ...(first.field === undefined ? {} : { field: first.field }),
      ...(first.hint === undefined ? {} : { hint: first.hint }),
    });
  }
  return raw as ChipSpec;
}
