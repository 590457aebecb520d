/**
 * validateChipSpec: checks a ChipSpec-shaped value and returns diagnostics instead of throwing, so
 * a user sees every problem in a spec file at once. `assertValidChipSpec` throws the first error.
 *
 * Codes (stable; tests assert them):
 *   E_SPEC_INVALID            wrong shape or type (missing object, not a number, bad enum value)
 *   E_SPEC_OUT_OF_RANGE       a number outside its allowed range (the message gives the range)
 *   E_SPEC_UNKNOWN_FIELD      a field aerchip does not know (a typo would silently be ignored)
 *   E_SPEC_COST_INVALID       a cost entry without a non-negative value, a source or an evidence kind
 *   E_SPEC_UNKNOWN_COST       a cost key aerchip does not know (it would silently cost nothing)
 *   E_SPEC_SYNC_INVALID       a malformed sync table row or interpolation
 *   E_SPEC_SYNC_UNSORTED      sync table rows not strictly increasing in `tiles`
 *   E_SPEC_DELAY_RANGE        core.maxDelayTicks does not fit in precision.delayBits
 *   E_SPEC_CROSSBAR_MISMATCH  crossbar dimensions inconsistent with the core limits or synapse memory
 *   E_SPEC_MEMORY_TOO_SMALL   synapse memory smaller than one synapse entry
 *   E_SPEC_INCONSISTENT       fields that contradict each other (e.g. signed weights with a per-source sign)
 *   E_SPEC_FIELD_SOURCE       a fieldSources entry that names no field or has no text
 * Cross-field checks run only when the fields they read passed their own checks.
 */
import { AerchipError, type Diagnostic } from "../../core/diagnostics.ts";
import { synapseMemoryBits } from "./memory.ts";
import { CHIP_SPEC_FORMAT, CHIP_SPEC_VERSION, COST_KEYS, Evidence, LEARNING_BILLING_BASES, NEURON_MODELS, SYNAPSE_ENCODING_COST_KEYS, SYNOP_BILLING_BASES, type ChipSpec } from "./types.ts";

/**
 * Upper bounds of cost values, generous but finite so that counters × costs stay finite in a report
 * (the presets' largest figures are 2190 pJ, 104 ns and 0.82 mW): 1e9 pJ (1 mJ) per operation or per bit,
 * 1e12 ns (1000 s) per operation, 1e9 mW (1 MW) of static power. Sync latencies and tickPeriodNs: 1e12 ns.
 */
export const COST_VALUE_MAX = { energyPj: 1e9, latencyNs: 1e12, powerMw: 1e9 } as const;
export const SYNC_LATENCY_MAX_NS = 1e12;

function costValueMax(path: string): { value: number; unit: string; per: string } {
  const key = path.slice(path.lastIndexOf(".") + 1);
  if (key.endsWith("Ns")) return { value: COST_VALUE_MAX.latencyNs, unit: "ns", per: "operation" };
  if (key.endsWith("Mw")) return { value: COST_VALUE_MAX.powerMw, unit: "mW", per: key.includes("Core") ? "core" : "chip" };
  return { value: COST_VALUE_MAX.energyPj, unit: "pJ", per: key.endsWith("PerBit") ? "bit" : "operation" };
}

/** A number as text: JSON.stringify writes Infinity and NaN as null, which hides what was given. */
function numberText(v: unknown): string {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

export const SpecCode = {
  invalid: "E_SPEC_INVALID",
  range: "E_SPEC_OUT_OF_RANGE",
  unknownField: "E_SPEC_UNKNOWN_FIELD",
  cost: "E_SPEC_COST_INVALID",
  unknownCost: "E_SPEC_UNKNOWN_COST",
  sync: "E_SPEC_SYNC_INVALID",
  syncUnsorted: "E_SPEC_SYNC_UNSORTED",
  delayRange: "E_SPEC_DELAY_RANGE",
  crossbar: "E_SPEC_CROSSBAR_MISMATCH",
  memoryTooSmall: "E_SPEC_MEMORY_TOO_SMALL",
  inconsistent: "E_SPEC_INCONSISTENT",
  fieldSource: "E_SPEC_FIELD_SOURCE",
} as const;
export type SpecCode = (typeof SpecCode)[keyof typeof SpecCode];

const EVIDENCE_VALUES = new Set<string>(Object.values(Evidence));
const COST_KEY_SET = new Set<string>(COST_KEYS);
const ENC_COST_KEY_SET = new Set<string>(SYNAPSE_ENCODING_COST_KEYS);
const CROSSBAR_COST_KEYS = ["energyCrossbarReadFixedPj", "energyCrossbarRowReadPj", "energyAdcConversionPj", "energyColumnMuxPj", "latencyCrossbarReadNs"] as const;

/** Upper bounds that keep a spec physically meaningful and the simulator's arrays allocatable. */
const MAX_CORES = 1 << 20;
const MAX_NEURONS_PER_CORE = 1 << 20;

/** The fields each section may carry (required and optional). */
const FIELDS = {
  top: ["format", "version", "name", "description", "source", "mesh", "core", "precision", "synapseEncoding", "costs", "sync", "tickPeriodNs", "learningBilledOn", "synOpsBilledOn", "neuronModels", "fieldSources"],
  mesh: ["widthTiles", "heightTiles", "coresPerTile", "linkBufferPackets"],
  core: ["maxNeurons", "maxInputAxons", "maxOutputAxons", "synapseMemoryBits", "maxDelayTicks", "maxFanOutCores", "crossbarRows", "crossbarColumns", "axonTypes", "maxNeuronConfigs", "supportsWeightSharing", "neuronMemoryBitsPerNeuron", "inputsTakeNeuronSlots"],
  precision: ["weightBits", "weightSigned", "delayBits", "stateBits", "currentBits", "decayBits", "thresholdBits", "traceBits", "refractoryBits", "weightExponentBits", "weightSignPerSource", "weightSignPerSynapse", "leakKind", "separateCurrent", "adcBits", "learningLutFractionBits"],
  synapseEncoding: ["kind", "extraBitsPerSynapse", "delayPerSynapse", "synapseWordBits", "axonHeaderBits", "synapsesPerGroup", "memoryWordBits"],
  sync: ["table", "interpolation", "source"],
} as const;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

class Checker {
  readonly out: Diagnostic[] = [];
  readonly file: string | undefined;
  constructor(file: string | undefined) {
    this.file = file;
  }

  err(code: SpecCode, field: string, message: string, hint: string): void {
    const where = this.file === undefined ? "" : ` (in ${this.file})`;
    this.out.push({ code, severity: "error", message: `${message}${where}`, field, hint, ...(this.file === undefined ? {} : { file: this.file }) });
  }

  /** Errors so far whose field starts with one of `prefixes` (gates the cross-field checks). */
  failed(...prefixes: string[]): boolean {
    return this.out.some((d) => d.severity === "error" && prefixes.some((p) => d.field !== undefined && (d.field === p || d.field.startsWith(`${p}.`) || d.field.startsWith(`${p}[`))));
  }

  int(o: Obj, path: string, key: string, min: number, max: number, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    const field = `${path}.${key}`;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      this.err(SpecCode.invalid, field, `${field} must be a whole number in [${min}, ${max}], got ${JSON.stringify(v)}`, `set ${key} to a whole number within the range`);
    } else if (v < min || v > max) {
      this.err(SpecCode.range, field, `${field} is ${v}, outside the allowed range [${min}, ${max}]`, `set ${key} to a value between ${min} and ${max}`);
    }
  }

  bool(o: Obj, path: string, key: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "boolean") this.err(SpecCode.invalid, `${path}.${key}`, `${path}.${key} must be true or false, got ${JSON.stringify(v)}`, `set ${key} to true or false`);
  }

  oneOf(o: Obj, path: string, key: string, values: readonly string[], optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "string" || !values.includes(v)) {
      this.err(SpecCode.invalid, `${path}.${key}`, `${path}.${key} must be one of ${values.map((s) => `"${s}"`).join(", ")}, got ${JSON.stringify(v)}`, `choose one of ${values.join(", ")}`);
    }
  }

  text(o: Obj, path: string, key: string, allowEmpty: boolean): void {
    const v = o[key];
    const field = path === "" ? key : `${path}.${key}`;
    if (typeof v !== "string" || (!allowEmpty && v.trim() === "")) {
      this.err(SpecCode.invalid, field, `${field} must be a ${allowEmpty ? "" : "non-empty "}string, got ${JSON.stringify(v)}`, key === "source" ? "cite the publication or repository the figures come from" : `give the ${key} as text`);
    }
  }

  unknownKeys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        const field = path === "" ? k : `${path}.${k}`;
        this.err(SpecCode.unknownField, field, `${field} is not a chip spec field`, `remove it or correct the name; ${path === "" ? "top-level" : path} fields are: ${allowed.join(", ")}`);
      }
    }
  }

  cost(path: string, v: unknown): void {
    if (!isObj(v)) {
      this.err(SpecCode.cost, path, `${path} must be {value, source, evidence}`, "give every cost a value, its publication and its evidence kind");
      return;
    }
    if (typeof v.value !== "number" || !Number.isFinite(v.value) || v.value < 0) {
      this.err(SpecCode.cost, `${path}.value`, `${path}.value must be a finite number >= 0, got ${numberText(v.value)}`, "costs are non-negative pJ / ns / mW");
    } else {
      const max = costValueMax(path);
      if (v.value > max.value) this.err(SpecCode.cost, `${path}.value`, `${path}.value is ${v.value}; at most ${max.value} ${max.unit} per ${max.per}`, `costs are per operation (pJ, ns) or per core / chip (mW); ${max.value} ${max.unit} already is far beyond any chip, so a larger value is a unit mistake`);
    }
    if (typeof v.source !== "string" || v.source.trim() === "") {
      this.err(SpecCode.cost, `${path}.source`, `${path}.source is missing`, "cite the publication (authors, venue, year, table) the figure comes from");
    }
    if (typeof v.evidence !== "string" || !EVIDENCE_VALUES.has(v.evidence)) {
      this.err(SpecCode.cost, `${path}.evidence`, `${path}.evidence must be one of ${[...EVIDENCE_VALUES].join(", ")}, got ${JSON.stringify(v.evidence)}`, "say whether the figure is simulated, measured, all-in, calibrated or derived");
    }
    if (v.note !== undefined && typeof v.note !== "string") this.err(SpecCode.cost, `${path}.note`, `${path}.note must be text`, "explain a derived value in words");
    for (const k of Object.keys(v)) {
      if (k !== "value" && k !== "source" && k !== "evidence" && k !== "note") this.err(SpecCode.unknownField, `${path}.${k}`, `${path}.${k} is not a cost entry field`, "a cost entry has value, source, evidence and an optional note");
    }
  }
}

function checkMesh(c: Checker, mesh: unknown): void {
  if (!isObj(mesh)) {
    c.err(SpecCode.invalid, "mesh", "mesh is missing", "add mesh {widthTiles, heightTiles, coresPerTile, linkBufferPackets}");
    return;
  }
  c.unknownKeys(mesh, "mesh", FIELDS.mesh);
  c.int(mesh, "mesh", "widthTiles", 1, 4096);
  c.int(mesh, "mesh", "heightTiles", 1, 4096);
  c.int(mesh, "mesh", "coresPerTile", 1, 1024);
  c.int(mesh, "mesh", "linkBufferPackets", 1, 1 << 20);
  const n = Number(mesh.widthTiles) * Number(mesh.heightTiles) * Number(mesh.coresPerTile);
  if (Number.isFinite(n) && n > MAX_CORES) c.err(SpecCode.range, "mesh", `the mesh has ${n} cores, more than the ${MAX_CORES} aerchip can simulate`, "use a smaller mesh");
}

function checkCore(c: Checker, core: unknown): void {
  if (!isObj(core)) {
    c.err(SpecCode.invalid, "core", "core limits are missing", "add core {maxNeurons, maxInputAxons, ...}");
    return;
  }
  c.unknownKeys(core, "core", FIELDS.core);
  c.int(core, "core", "maxNeurons", 1, MAX_NEURONS_PER_CORE);
  c.int(core, "core", "maxInputAxons", 1, 1 << 24);
  c.int(core, "core", "maxOutputAxons", 1, 1 << 24);
  c.int(core, "core", "synapseMemoryBits", 1, 2 ** 40);
  c.int(core, "core", "maxDelayTicks", 1, 65535);
  c.int(core, "core", "maxFanOutCores", 0, MAX_CORES);
  c.int(core, "core", "crossbarRows", 1, 1 << 16, true);
  c.int(core, "core", "crossbarColumns", 1, 1 << 16, true);
  c.int(core, "core", "axonTypes", 1, 256, true);
  c.int(core, "core", "maxNeuronConfigs", 1, 1 << 20, true);
  c.bool(core, "core", "supportsWeightSharing", true);
  c.int(core, "core", "neuronMemoryBitsPerNeuron", 1, 1 << 16, true);
  c.bool(core, "core", "inputsTakeNeuronSlots", true);
  if ((core.crossbarRows === undefined) !== (core.crossbarColumns === undefined)) {
    c.err(SpecCode.crossbar, core.crossbarRows === undefined ? "core.crossbarRows" : "core.crossbarColumns", "core.crossbarRows and core.crossbarColumns must be given together", "give both crossbar dimensions, or neither for a chip without a fixed crossbar");
  }
}

function checkPrecision(c: Checker, p: unknown): void {
  if (!isObj(p)) {
    c.err(SpecCode.invalid, "precision", "precision is missing", "add precision {weightBits, delayBits, ...}");
    return;
  }
  c.unknownKeys(p, "precision", FIELDS.precision);
  c.int(p, "precision", "weightBits", 1, 32);
  c.bool(p, "precision", "weightSigned");
  c.int(p, "precision", "delayBits", 0, 16);
  c.int(p, "precision", "stateBits", 2, 52);
  c.int(p, "precision", "currentBits", 2, 52);
  c.int(p, "precision", "decayBits", 1, 24);
  c.int(p, "precision", "thresholdBits", 1, 52);
  c.int(p, "precision", "traceBits", 0, 32);
  c.int(p, "precision", "refractoryBits", 0, 32);
  c.int(p, "precision", "weightExponentBits", 1, 8, true);
  c.bool(p, "precision", "weightSignPerSource", true);
  c.bool(p, "precision", "weightSignPerSynapse", true);
  c.oneOf(p, "precision", "leakKind", ["multiplicative", "additive"], true);
  c.bool(p, "precision", "separateCurrent", true);
  c.int(p, "precision", "adcBits", 1, 24, true);
  c.int(p, "precision", "learningLutFractionBits", 0, 52, true);
}

function checkEncoding(c: Checker, enc: unknown): void {
  if (!isObj(enc)) {
    c.err(SpecCode.invalid, "synapseEncoding", "synapseEncoding is missing", 'add synapseEncoding {kind: "dense" | "sparse", extraBitsPerSynapse}');
    return;
  }
  c.unknownKeys(enc, "synapseEncoding", FIELDS.synapseEncoding);
  c.oneOf(enc, "synapseEncoding", "kind", ["dense", "sparse"]);
  c.int(enc, "synapseEncoding", "extraBitsPerSynapse", 0, 64);
  c.bool(enc, "synapseEncoding", "delayPerSynapse", true);
  c.int(enc, "synapseEncoding", "synapseWordBits", 1, 1024, true);
  c.int(enc, "synapseEncoding", "axonHeaderBits", 0, 1024, true);
  c.int(enc, "synapseEncoding", "synapsesPerGroup", 1, 1 << 20, true);
  c.int(enc, "synapseEncoding", "memoryWordBits", 1, 4096, true);
  if (enc.kind === "dense") {
    for (const k of ["synapseWordBits", "axonHeaderBits", "synapsesPerGroup", "memoryWordBits"] as const) {
      if (enc[k] !== undefined) c.err(SpecCode.inconsistent, `synapseEncoding.${k}`, `synapseEncoding.${k} applies to sparse synapse lists, but kind is "dense"`, `remove ${k} or use kind "sparse"`);
    }
  }
}

function checkCosts(c: Checker, costs: unknown): void {
  if (!isObj(costs)) {
    c.err(SpecCode.invalid, "costs", "costs are missing", "add a costs table (an empty object means no energy is modelled)");
    return;
  }
  for (const [k, v] of Object.entries(costs)) {
    if (k === "synapseEncodings") {
      if (!isObj(v)) {
        c.err(SpecCode.cost, "costs.synapseEncodings", "costs.synapseEncodings must be an object", "map encoding names (dense, sparse, conv) to {energySynOpPj, latencySynOpNs}");
        continue;
      }
      for (const [name, entry] of Object.entries(v)) {
        const path = `costs.synapseEncodings.${name}`;
        if (!isObj(entry)) {
          c.err(SpecCode.cost, path, `${path} must be an object`, "give energySynOpPj / latencySynOpNs");
          continue;
        }
        for (const [k2, v2] of Object.entries(entry)) {
          if (!ENC_COST_KEY_SET.has(k2)) c.err(SpecCode.unknownCost, `${path}.${k2}`, `${path}.${k2} is not a per-encoding cost`, `a synapse encoding overrides only ${SYNAPSE_ENCODING_COST_KEYS.join(" and ")}`);
          else c.cost(`${path}.${k2}`, v2);
        }
      }
      continue;
    }
    if (!COST_KEY_SET.has(k)) {
      c.err(SpecCode.unknownCost, `costs.${k}`, `costs.${k} is not a cost aerchip knows, so it would cost nothing`, `correct the name; known costs are ${COST_KEYS.join(", ")}`);
      continue;
    }
    c.cost(`costs.${k}`, v);
  }
}

function checkSync(c: Checker, sync: unknown): void {
  if (!isObj(sync) || !Array.isArray(sync.table) || sync.table.length === 0) {
    c.err(SpecCode.sync, "sync.table", "sync.table must be a non-empty list of {tiles, latencyNs}", "give the barrier latency by active tiles, e.g. [{\"tiles\": 1, \"latencyNs\": 0}]");
    return;
  }
  c.unknownKeys(sync, "sync", FIELDS.sync);
  let prev = 0;
  sync.table.forEach((row: unknown, i: number) => {
    const f = `sync.table[${i}]`;
    if (!isObj(row) || typeof row.tiles !== "number" || !Number.isInteger(row.tiles) || row.tiles < 1 ||
        typeof row.latencyNs !== "number" || !Number.isFinite(row.latencyNs) || row.latencyNs < 0 || row.latencyNs > SYNC_LATENCY_MAX_NS) {
      c.err(SpecCode.sync, f, `${f} must be {tiles: whole number >= 1, latencyNs: number in [0, ${SYNC_LATENCY_MAX_NS}]}, got ${JSON.stringify(row)}`, "give each row a tile count of at least 1 and a latency in ns");
      return;
    }
    if (row.tiles <= prev) {
      c.err(SpecCode.syncUnsorted, `${f}.tiles`, `${f}.tiles is ${row.tiles}, not above the previous row's ${prev}: sync.table must be sorted by strictly increasing tiles`, "sort the rows by tiles and merge duplicate tile counts");
    }
    prev = Math.max(prev, row.tiles);
  });
  c.oneOf(sync, "sync", "interpolation", ["step", "linear", "floor"]);
  c.text(sync, "sync", "source", false);
}

function checkFieldSources(c: Checker, raw: Obj): void {
  const fs = raw.fieldSources;
  if (fs === undefined) return;
  if (!isObj(fs)) {
    c.err(SpecCode.fieldSource, "fieldSources", "fieldSources must map field paths to text", 'e.g. {"core.maxNeurons": "Davies et al. 2018, p. 89"}');
    return;
  }
  for (const [path, text] of Object.entries(fs)) {
    const [section, key, ...rest] = path.split(".");
    const obj = raw[section];
    const known = (rest.length === 0 && key !== undefined && (section === "mesh" || section === "core" || section === "precision" || section === "synapseEncoding") && isObj(obj) && obj[key] !== undefined) ||
      (path === "learningBilledOn" && raw.learningBilledOn !== undefined) || (path === "synOpsBilledOn" && raw.synOpsBilledOn !== undefined) ||
      (path === "neuronModels" && raw.neuronModels !== undefined);
    if (!known) c.err(SpecCode.fieldSource, `fieldSources.${path}`, `fieldSources names "${path}", which is not a field of this spec`, "key fieldSources by present fields such as core.maxNeurons or precision.stateBits");
    if (typeof text !== "string" || text.trim() === "") c.err(SpecCode.fieldSource, `fieldSources.${path}`, `fieldSources.${path} must be non-empty text`, 'cite where the figure comes from, or start with "assumed:" and say why');
  }
}

/** Cross-field checks on a spec whose sections passed their own checks. */
function checkConsistency(c: Checker, raw: Obj): void {
  const spec = raw as unknown as ChipSpec;
  const okCore = !c.failed("core");
  const okPrec = !c.failed("precision");
  const okEnc = !c.failed("synapseEncoding");
  if (okCore && okPrec) {
    const { delayBits } = spec.precision;
    const maxDelay = spec.core.maxDelayTicks;
    const holds = delayBits === 0 ? 1 : 2 ** delayBits;
    if (maxDelay > holds) {
      c.err(SpecCode.delayRange, "core.maxDelayTicks", `core.maxDelayTicks is ${maxDelay} but precision.delayBits = ${delayBits} holds at most ${holds} delay value${holds === 1 ? "" : "s"}`, "lower maxDelayTicks or widen delayBits (a delay of 1 tick needs no delay bits)");
    }
    const pub = spec.core.neuronMemoryBitsPerNeuron;
    if (pub !== undefined && pub < spec.precision.stateBits) {
      c.err(SpecCode.inconsistent, "core.neuronMemoryBitsPerNeuron", `core.neuronMemoryBitsPerNeuron is ${pub} bits, less than precision.stateBits = ${spec.precision.stateBits}`, "the neuron word must at least hold the membrane state");
    }
  }
  if (okPrec && spec.precision.weightSignPerSynapse === true && (spec.precision.weightSigned || spec.precision.weightSignPerSource === true)) {
    c.err(SpecCode.inconsistent, "precision.weightSignPerSynapse", "precision.weightSignPerSynapse is true but the weight's sign is also held elsewhere (weightSigned or weightSignPerSource)", "keep one sign rule: weightSigned (two's complement), weightSignPerSource (one sign per source neuron) or weightSignPerSynapse (a sign bit beside the magnitude)");
  }
  if (okPrec && spec.precision.weightSigned && spec.precision.weightSignPerSource === true) {
    c.err(SpecCode.inconsistent, "precision.weightSignPerSource", "precision.weightSignPerSource is true but precision.weightSigned is also true: a per-source sign means the synapse stores an unsigned magnitude", "set weightSigned to false (magnitude stored per synapse) or drop weightSignPerSource");
  }
  if (okCore && okEnc && spec.core.axonTypes !== undefined && spec.synapseEncoding.kind !== "dense") {
    c.err(SpecCode.inconsistent, "core.axonTypes", `core.axonTypes is set but synapseEncoding.kind is "${spec.synapseEncoding.kind}": axon types select weights for a binary crossbar`, 'use kind "dense" with axon types, or remove axonTypes');
  }
  const costs = isObj(raw.costs) ? raw.costs : {};
  const hasCrossbar = isObj(raw.core) && raw.core.crossbarRows !== undefined;
  for (const k of CROSSBAR_COST_KEYS) {
    if (costs[k] !== undefined && !hasCrossbar) {
      c.err(SpecCode.inconsistent, `costs.${k}`, `costs.${k} is a crossbar-read cost but core.crossbarRows/crossbarColumns are not set`, "describe the crossbar (core.crossbarRows, core.crossbarColumns) or remove the crossbar costs");
    }
  }
  if (!(okCore && okPrec && okEnc)) return;
  const { core } = spec;
  const delaysUsed = core.maxDelayTicks > 1;
  if (core.crossbarRows !== undefined && core.crossbarColumns !== undefined) {
    if (core.maxInputAxons > core.crossbarRows) {
      c.err(SpecCode.crossbar, "core.maxInputAxons", `core.maxInputAxons is ${core.maxInputAxons} but the crossbar has ${core.crossbarRows} rows`, "a crossbar core has one input axon per row: lower maxInputAxons or enlarge crossbarRows");
    }
    if (core.maxNeurons > core.crossbarColumns) {
      c.err(SpecCode.crossbar, "core.maxNeurons", `core.maxNeurons is ${core.maxNeurons} but the crossbar has ${core.crossbarColumns} columns`, "a crossbar core has one neuron per column: lower maxNeurons or enlarge crossbarColumns");
    }
    if (spec.synapseEncoding.kind === "dense") {
      const full = synapseMemoryBits(spec, { axons: core.crossbarRows, neurons: core.crossbarColumns, synapses: core.crossbarRows * core.crossbarColumns, delaysUsed });
      if (full > core.synapseMemoryBits) {
        c.err(SpecCode.crossbar, "core.synapseMemoryBits", `core.synapseMemoryBits is ${core.synapseMemoryBits} bits but a full ${core.crossbarRows}×${core.crossbarColumns} crossbar takes ${full} bits`, "make synapseMemoryBits at least rows × columns × bits per entry, or shrink the crossbar");
      }
    }
  }
  const one = synapseMemoryBits(spec, { axons: 1, neurons: 1, synapses: 1, delaysUsed: false });
  if (one > core.synapseMemoryBits) {
    c.err(SpecCode.memoryTooSmall, "core.synapseMemoryBits", `core.synapseMemoryBits is ${core.synapseMemoryBits} bits but one synapse takes ${one} bits in this encoding`, "enlarge the synapse memory or narrow the synapse entry (weightBits, extraBitsPerSynapse, word sizes)");
  }
}

export function validateChipSpec(raw: unknown, file?: string): Diagnostic[] {
  const c = new Checker(file);
  if (!isObj(raw)) {
    c.err(SpecCode.invalid, "", "a chip spec must be a JSON object", "start from `aerchip presets` and edit a preset");
    return c.out;
  }
  c.unknownKeys(raw, "", FIELDS.top);
  if (raw.format !== CHIP_SPEC_FORMAT) c.err(SpecCode.invalid, "format", `format must be "${CHIP_SPEC_FORMAT}", got ${JSON.stringify(raw.format)}`, `add "format": "${CHIP_SPEC_FORMAT}"`);
  if (raw.version !== CHIP_SPEC_VERSION) c.err(SpecCode.invalid, "version", `version must be ${CHIP_SPEC_VERSION}, got ${JSON.stringify(raw.version)}`, `this aerchip reads chip spec version ${CHIP_SPEC_VERSION}`);
  c.text(raw, "", "name", false);
  c.text(raw, "", "description", true);
  c.text(raw, "", "source", false);
  if (raw.tickPeriodNs !== undefined && (typeof raw.tickPeriodNs !== "number" || !Number.isFinite(raw.tickPeriodNs) || raw.tickPeriodNs < 0 || raw.tickPeriodNs > SYNC_LATENCY_MAX_NS)) {
    c.err(SpecCode.range, "tickPeriodNs", `tickPeriodNs must be a number in [0, ${SYNC_LATENCY_MAX_NS}], got ${numberText(raw.tickPeriodNs)}`, "give the tick period in ns, or 0 for an event-driven chip");
  }
  if (raw.learningBilledOn !== undefined && !(LEARNING_BILLING_BASES as readonly unknown[]).includes(raw.learningBilledOn)) {
    c.err(SpecCode.invalid, "learningBilledOn", `learningBilledOn must be one of ${LEARNING_BILLING_BASES.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(raw.learningBilledOn)}`,
      "\"evaluations\" bills every synapse update the learning engine performs (Loihi), \"changes\" only those that changed a weight; leave it out for \"evaluations\"");
  }
  if (raw.synOpsBilledOn !== undefined && !(SYNOP_BILLING_BASES as readonly unknown[]).includes(raw.synOpsBilledOn)) {
    c.err(SpecCode.invalid, "synOpsBilledOn", `synOpsBilledOn must be one of ${SYNOP_BILLING_BASES.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(raw.synOpsBilledOn)}`,
      "\"entries\" bills every synapse entry a spike reads (zero weights included), \"connected\" only non-zero ones (a connect-bit crossbar such as TrueNorth's); leave it out for \"entries\"");
  }
  const nm = raw.neuronModels;
  if (nm !== undefined && (!Array.isArray(nm) || nm.length === 0 || nm.some((m) => !(NEURON_MODELS as readonly unknown[]).includes(m)) || new Set(nm).size !== nm.length)) {
    c.err(SpecCode.invalid, "neuronModels", `neuronModels must be a non-empty list of distinct names from ${NEURON_MODELS.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(nm)}`,
      'list the neuron models the chip runs, e.g. ["lif", "lif-cond"]; leave it out for ["lif"]');
  }
  checkMesh(c, raw.mesh);
  checkCore(c, raw.core);
  checkPrecision(c, raw.precision);
  checkEncoding(c, raw.synapseEncoding);
  checkCosts(c, raw.costs);
  checkSync(c, raw.sync);
  checkFieldSources(c, raw);
  checkConsistency(c, raw);
  return c.out;
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
