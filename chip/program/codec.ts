/**
 * ChipProgram ⇄ bytes (`.aerprog` files), so `aerchip compile` and `aerchip run` can be separate steps.
 *
 * File layout (little-endian throughout):
 *   bytes 0..7    magic "AERPROG\0"
 *   bytes 8..11   uint32 schema version (PROGRAM_SCHEMA_VERSION)
 *   bytes 12..    one protobuf `Program` message (program-schema.ts). Its last field is
 *                 `checksum_crc32` (tag 0x7d + fixed32): the CRC-32 of the message bytes before it.
 * Typed arrays travel as `bytes` fields holding their raw little-endian contents; the schema field
 * fixes the element type.
 *
 * A program file is untrusted input. Decoding runs, in order: header (magic, version) → wire scan
 * (every tag, varint, length and wire type checked against the schema, and the number of repeated
 * messages bounded, before protobufjs allocates anything) → checksum → protobufjs decode → each array
 * copied into a fresh, aligned typed array → structural validation (array lengths, CSR pointers,
 * indices and cross-references). Every failure is an AerchipError `E_PROGRAM_*` naming the file and
 * the field path (`cores[3].crossbar.synWeight`). No count read from the file sizes an allocation:
 * arrays are sized by bytes already in the file and counts are only compared against them.
 *
 * Encoding runs the same structural validation first, so the compiler cannot write a file that
 * `aerchip run` would refuse.
 */
import { readFileSync, statSync } from "node:fs";
import { crc32 } from "node:zlib";
import protobuf from "protobufjs";
import { writeFileAtomic } from "../../core/atomic-write.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { CHECKSUM_FIELD_TAG, PROGRAM_SCHEMA_VERSION, programMessageType } from "./program-schema.ts";
import {
  NeuronDynamics, NeuronKind, NIR_PROGRAM_INFO_VERSION, PROGRAM_FORMAT, PROGRAM_VERSION, ResetMode, ThresholdOp,
  type ChipProgram, type NirProgramInfo, type NirProgramLowering, type CoreCrossbar, type CoreNeuronParams, type CoreProgram, type CoreRouting,
  type FixedPointProgram, type LearningRuleProgram, type LearningTraceProgram, type PairStdpProgram, type PopulationBlock, type PopulationMap, type ProjectionInfo,
} from "./types.ts";

/** "AERPROG\0". */
export const PROGRAM_MAGIC: Uint8Array = Uint8Array.of(0x41, 0x45, 0x52, 0x50, 0x52, 0x4f, 0x47, 0x00);
/** Magic plus version. */
export const PROGRAM_HEADER_BYTES = 12;
/** The trailing checksum field: one tag byte and a fixed32. */
const CHECKSUM_FIELD_BYTES = 5;

export const ProgramErrorCode = {
  notFound: "E_PROGRAM_NOT_FOUND",
  read: "E_PROGRAM_READ",
  write: "E_PROGRAM_WRITE",
  /** The file does not start with "AERPROG\0". */
  magic: "E_PROGRAM_MAGIC",
  /** Written with another schema version. */
  version: "E_PROGRAM_VERSION",
  /** The file ends before the data it declares. */
  truncated: "E_PROGRAM_TRUNCATED",
  /** Malformed protobuf, or the checksum does not match. */
  corrupt: "E_PROGRAM_CORRUPT",
  /** A count or size beyond PROGRAM_LIMITS. */
  limit: "E_PROGRAM_LIMIT",
  /** An array whose length disagrees with its count (or is not a whole number of elements). */
  length: "E_PROGRAM_LENGTH",
  /** A value or reference out of range: index, CSR pointer, enum code, duplicate id or name. */
  range: "E_PROGRAM_RANGE",
  /** A field of the wrong JS type (only reachable when encoding a hand-built program). */
  type: "E_PROGRAM_TYPE",
} as const;
export type ProgramErrorCode = (typeof ProgramErrorCode)[keyof typeof ProgramErrorCode];

/** Bounds on what a program may declare; beyond them a file is refused before it is decoded. */
export const PROGRAM_LIMITS = {
  /** What `fs.readFileSync` reads in one piece (Node's kIoMaxLength, 2 GiB − 1). */
  maxFileBytes: 2 ** 31 - 1,
  /** Cores in one program: 8,192 Loihi-sized chips of 128 neuro cores (hardware-facts.md, Davies 2018). */
  maxCores: 2 ** 20,
  /** Populations and projections: `synProjection` is a uint16, the simulator numbers populations in 16 bits. */
  maxPopulations: 2 ** 16,
  maxProjections: 2 ** 16,
  /** Population blocks over the whole program. */
  maxBlocks: 2 ** 22,
  maxShapeRank: 32,
} as const;

// ---------------------------------------------------------------------------------------------
// Typed-array fields: one table per message drives encoding, decoding and validation.

type NumericArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
interface ArrayCtor<A extends NumericArray> {
  new (length: number): A;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}
/**
 * Every key of T (optional ones included, so adding an array to the contract in types.ts is a type
 * error here until the codec carries it) mapped to the constructor of its array type.
 */
type ArrayTable<T> = { readonly [K in keyof T]-?: NonNullable<T[K]> extends NumericArray ? ArrayCtor<NonNullable<T[K]>> : never };
/** The optional keys of T. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
/** Every key of T, for `satisfies` checks that a hand-written object literal mentions each contract field. */
type EveryKey<T> = { readonly [K in keyof T]-?: unknown };
type CrossbarArrays = Omit<CoreCrossbar, "axonCount">;

const NEURON_ARRAYS: ArrayTable<CoreNeuronParams> = {
  kind: Uint8Array, spiking: Uint8Array, voltageDecay: Float64Array, currentDecay: Float64Array,
  inputGain: Float64Array, bias: Float64Array, vThreshold: Float64Array, vReset: Float64Array,
  vInit: Float64Array, resetMode: Uint8Array, thresholdOp: Uint8Array, refractoryTicks: Uint32Array,
  dynamics: Uint8Array, vTruncScale: Float64Array, vReverseThreshold: Float64Array, reverseResetMode: Uint8Array,
  vReverseReset: Float64Array, forceUpdate: Uint8Array, thetaPlus: Float64Array, thetaDecay: Float64Array,
  thetaDrift: Float64Array, thetaMin: Float64Array, thetaMax: Float64Array, thetaInit: Float64Array,
  condERest: Float64Array, condEExc: Float64Array, condEInh: Float64Array, condTauMs: Float64Array, condTauGeMs: Float64Array,
  condTauGiMs: Float64Array, condDtMs: Float64Array,
};
/** Neuron arrays a program may leave out (explicit presence in the schema). */
const OPTIONAL_NEURON_ARRAYS: { readonly [K in OptionalKeys<CoreNeuronParams>]: true } = {
  dynamics: true, vTruncScale: true, vReverseThreshold: true, reverseResetMode: true, vReverseReset: true, forceUpdate: true,
  thetaPlus: true, thetaDecay: true, thetaDrift: true, thetaMin: true, thetaMax: true, thetaInit: true,
  condERest: true, condEExc: true, condEInh: true, condTauMs: true, condTauGeMs: true, condTauGiMs: true, condDtMs: true,
};
const isOptionalNeuronArray = (k: string): boolean => Object.hasOwn(OPTIONAL_NEURON_ARRAYS, k);
const CROSSBAR_ARRAYS: ArrayTable<CrossbarArrays> = {
  axonRowPtr: Uint32Array, synTarget: Uint32Array, synWeight: Float64Array,
  synDelayTicks: Uint16Array, synProjection: Uint16Array, synIndex: Uint32Array,
};
const ROUTING_ARRAYS: ArrayTable<CoreRouting> = {
  routePtr: Uint32Array, routeDestCore: Uint32Array, routeDestAxon: Uint32Array,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Copies `src` into `dst` reversing the bytes of each `size`-byte element (the big-endian ⇄
 * little-endian swap). Works on raw bytes, so every bit pattern (NaN payloads included) survives.
 */
function copySwapped(src: Uint8Array, dst: Uint8Array, size: number): void {
  for (let e = 0; e < src.length; e += size) {
    for (let b = 0; b < size; b++) dst[e + b] = src[e + size - 1 - b];
  }
}

/** The raw little-endian bytes of `a`: a view of it on little-endian hosts, a byte-swapped copy otherwise. */
export function littleEndianBytes(a: NumericArray, hostLittleEndian: boolean = HOST_LITTLE_ENDIAN): Uint8Array {
  const raw = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (a.BYTES_PER_ELEMENT === 1 || hostLittleEndian) return raw;
  const out = new Uint8Array(a.byteLength);
  copySwapped(raw, out, a.BYTES_PER_ELEMENT);
  return out;
}

/**
 * A fresh `ctor` array holding the little-endian elements in `src` (whose length must be a whole
 * number of elements). Always a copy into a new, aligned buffer: never a view of the file's bytes.
 */
export function fromLittleEndianBytes<A extends NumericArray>(ctor: ArrayCtor<A>, src: Uint8Array, hostLittleEndian: boolean = HOST_LITTLE_ENDIAN): A {
  const size = ctor.BYTES_PER_ELEMENT;
  const out = new ctor(src.length / size);
  const raw = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if (size === 1 || hostLittleEndian) raw.set(src);
  else copySwapped(src, raw, size);
  return out;
}

function keysOf<T extends object>(table: T): Array<keyof T> {
  return Object.keys(table) as Array<keyof T>;
}

// ---------------------------------------------------------------------------------------------
// Errors.

interface Ctx {
  readonly file: string | undefined;
  readonly hint: string;
}

const DECODE_HINT = "the file is damaged or was not written by `aerchip compile`; compile the model again to regenerate it";
const ENCODE_HINT = "the compiler built an inconsistent program: this is a bug in aerchip, please report it with the model";
const ENCODE_CTX: Ctx = { file: undefined, hint: ENCODE_HINT };

function fail(ctx: Ctx, code: ProgramErrorCode, field: string, problem: string, extra: { readonly byteOffset?: number; readonly hint?: string; readonly cause?: unknown } = {}): never {
  const where = ctx.file === undefined ? "program" : `program file ${ctx.file}`;
  throw new AerchipError(code, `${where}: ${field === "" ? "" : `${field} `}${problem}`, {
    file: ctx.file, field: field === "" ? undefined : field, hint: extra.hint ?? ctx.hint,
    byteOffset: extra.byteOffset, cause: extra.cause,
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding.

const POPULATION_KIND_CODE = { input: 0, neuron: 1 } as const; // the schema's PopulationKind

/** Raw bytes of every array in `values`; an absent (optional) array stays absent. */
function arraysToBytes<T extends object>(table: ArrayTable<T>, values: T): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const k of keysOf(table)) {
    const a = values[k] as NumericArray | undefined;
    if (a !== undefined) out[k as string] = littleEndianBytes(a);
  }
  return out;
}

function plasticityMessage(pl: PairStdpProgram | undefined): Record<string, unknown> | undefined {
  if (pl === undefined) return undefined;
  return {
    rule: pl.rule, nearest: pl.nearest, aPlus: pl.aPlus, aMinus: pl.aMinus,
    decayPre: pl.decayPre, decayPost: pl.decayPost, wMin: pl.wMin, wMax: pl.wMax,
  } satisfies EveryKey<PairStdpProgram>;
}

function learningMessage(lr: LearningRuleProgram | undefined): Record<string, unknown> | undefined {
  if (lr === undefined) return undefined;
  return {
    name: lr.name, ruleTexts: [...lr.ruleTexts],
    traces: lr.traces.map((t) => ({
      trace: t.trace, decay: t.decay, impulse: t.impulse, mode: t.mode, input: t.input, bits: t.bits ?? null, lsb: t.lsb ?? null,
    } satisfies EveryKey<LearningTraceProgram>)),
    wMin: lr.wMin, wMax: lr.wMax, tagMin: lr.tagMin ?? null, tagMax: lr.tagMax ?? null, epochTicks: lr.epochTicks,
    thirdFactorFromTick: lr.thirdFactorFromTick ?? null, apply: lr.apply, weightBits: lr.weightBits ?? null,
    rounding: lr.rounding, seed: lr.seed, powerLutFractionBits: lr.powerLutFractionBits ?? null,
  } satisfies EveryKey<LearningRuleProgram>;
}

/** A LearningRuleProgram from its message; enum-like strings are checked by validateProgram. */
function learningFromMessage(m: PbMessage): LearningRuleProgram {
  const opt = (o: PbMessage, k: string): number | undefined => (typeof o[k] === "number" ? (o[k] as number) : undefined);
  const texts = m["ruleTexts"];
  const tagMin = opt(m, "tagMin");
  const tagMax = opt(m, "tagMax");
  const from = opt(m, "thirdFactorFromTick");
  const wb = opt(m, "weightBits");
  const lut = opt(m, "powerLutFractionBits");
  return {
    name: str(m, "name"),
    ruleTexts: Array.isArray(texts) ? texts.map(String) : [],
    traces: messages(m, "traces").map((t) => {
      const bits = opt(t, "bits");
      const lsb = opt(t, "lsb");
      return {
        trace: str(t, "trace") as LearningTraceProgram["trace"], decay: num(t, "decay"), impulse: num(t, "impulse"),
        mode: str(t, "mode") as LearningTraceProgram["mode"], input: str(t, "input") as LearningTraceProgram["input"],
        ...(bits === undefined ? {} : { bits }), ...(lsb === undefined ? {} : { lsb }),
      };
    }),
    wMin: num(m, "wMin"), wMax: num(m, "wMax"),
    ...(tagMin === undefined ? {} : { tagMin }), ...(tagMax === undefined ? {} : { tagMax }),
    epochTicks: num(m, "epochTicks"),
    ...(from === undefined ? {} : { thirdFactorFromTick: from }),
    apply: str(m, "apply") as LearningRuleProgram["apply"],
    ...(wb === undefined ? {} : { weightBits: wb }),
    rounding: str(m, "rounding") as LearningRuleProgram["rounding"],
    seed: num(m, "seed"),
    ...(lut === undefined ? {} : { powerLutFractionBits: lut }),
  };
}

/** Structural checks of a learning rule (the rule text itself is parsed by the simulator, which names the term). */
function validateLearning(ctx: Ctx, at: string, lr: LearningRuleProgram): void {
  if (!Array.isArray(lr.ruleTexts) || lr.ruleTexts.some((t) => typeof t !== "string")) fail(ctx, ProgramErrorCode.type, `${at}.ruleTexts`, "must be a list of strings");
  for (const k of ["wMin", "wMax"] as const) if (typeof lr[k] !== "number" || Number.isNaN(lr[k])) fail(ctx, ProgramErrorCode.type, `${at}.${k}`, "must be a number");
  if (lr.wMin > lr.wMax) fail(ctx, ProgramErrorCode.range, `${at}.wMin`, `is ${lr.wMin} > wMax ${lr.wMax}`);
  if (!Number.isInteger(lr.epochTicks) || lr.epochTicks < 1 || lr.epochTicks > 2 ** 16 || (lr.epochTicks & (lr.epochTicks - 1)) !== 0) fail(ctx, ProgramErrorCode.range, `${at}.epochTicks`, `is ${lr.epochTicks}; it must be a power of two in 1..65536`);
  if (lr.apply !== "per-epoch" && lr.apply !== "tag-at-sample-end") fail(ctx, ProgramErrorCode.range, `${at}.apply`, `is "${String(lr.apply)}"; use "per-epoch" or "tag-at-sample-end"`);
  if (lr.rounding !== "nearest" && lr.rounding !== "stochastic") fail(ctx, ProgramErrorCode.range, `${at}.rounding`, `is "${String(lr.rounding)}"; use "nearest" or "stochastic"`);
  if (lr.weightBits !== undefined && (!Number.isInteger(lr.weightBits) || lr.weightBits < 1 || lr.weightBits > 24)) fail(ctx, ProgramErrorCode.range, `${at}.weightBits`, `is ${lr.weightBits}; it must be an integer in 1..24`);
  if (lr.weightBits !== undefined && !(Number.isFinite(lr.wMin) && Number.isFinite(lr.wMax))) fail(ctx, ProgramErrorCode.range, `${at}.wMin/wMax`, "must be finite when weightBits is given");
  if (lr.powerLutFractionBits !== undefined && (!Number.isInteger(lr.powerLutFractionBits) || lr.powerLutFractionBits < 0 || lr.powerLutFractionBits > 52)) fail(ctx, ProgramErrorCode.range, `${at}.powerLutFractionBits`, `is ${lr.powerLutFractionBits}; it must be an integer in 0..52`);
  const seen = new Set<string>();
  lr.traces.forEach((t, i) => {
    const ta = `${at}.traces[${i}]`;
    if (!["x1", "x2", "y1", "y2", "y3"].includes(t.trace)) fail(ctx, ProgramErrorCode.range, `${ta}.trace`, `is "${String(t.trace)}"; use x1, x2, y1, y2 or y3`);
    if (seen.has(t.trace)) fail(ctx, ProgramErrorCode.range, `${ta}.trace`, `repeats "${t.trace}"`);
    seen.add(t.trace);
    if (t.mode !== "add" && t.mode !== "set") fail(ctx, ProgramErrorCode.range, `${ta}.mode`, `is "${String(t.mode)}"; use "add" or "set"`);
    if (t.input !== "spike" && t.input !== "graded") fail(ctx, ProgramErrorCode.range, `${ta}.input`, `is "${String(t.input)}"; use "spike" or "graded"`);
    if (!(t.decay >= 0 && t.decay <= 1)) fail(ctx, ProgramErrorCode.range, `${ta}.decay`, `is ${t.decay}; it must be in [0, 1]`);
    if (typeof t.impulse !== "number" || !Number.isFinite(t.impulse)) fail(ctx, ProgramErrorCode.type, `${ta}.impulse`, "must be a finite number");
    if (t.bits !== undefined && (!Number.isInteger(t.bits) || t.bits < 1 || t.bits > 24)) fail(ctx, ProgramErrorCode.range, `${ta}.bits`, `is ${t.bits}; it must be an integer in 1..24`);
    if (t.lsb !== undefined && !(t.lsb > 0 && Number.isFinite(t.lsb))) fail(ctx, ProgramErrorCode.range, `${ta}.lsb`, `is ${t.lsb}; it must be > 0`);
  });
}

function nirMessage(n: NirProgramInfo | undefined): Record<string, unknown> | null {
  if (n === undefined) return null;
  return {
    layoutVersion: n.layoutVersion, nirVersion: n.nirVersion, dtSeconds: n.dtSeconds, extraTicks: n.extraTicks,
    nodes: n.nodes.map((x) => ({ node: x.node, type: x.type, population: x.population, latencyTicks: x.latencyTicks })),
    outputs: n.outputs.map((x) => ({ output: x.output, node: x.node })),
    projections: n.projections.map((x) => ({ projection: x.projection, pre: x.pre, post: x.post, via: [...x.via], modelWeights: x.modelWeights, synapses: x.synapses, encoding: x.encoding })),
    warnings: [...n.warnings],
    lowering: n.lowering === undefined ? null : {
      reset: n.lowering.reset, resetByNode: n.lowering.resetByNode.map((x) => ({ node: x.node, reset: x.reset })), recurrentBias: n.lowering.recurrentBias,
      bias: n.lowering.bias, ifMultiSpike: n.lowering.ifMultiSpike, lenient: n.lowering.lenient,
    } satisfies EveryKey<NirProgramLowering>,
  } satisfies EveryKey<NirProgramInfo>;
}

/** NirProgramInfo from its message (checked by validateNir). */
function nirFromMessage(m: PbMessage): NirProgramInfo {
  const strings = (o: PbMessage, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).map(String) : []);
  const lowering = subMessage(m, "lowering");
  return {
    layoutVersion: num(m, "layoutVersion"), nirVersion: str(m, "nirVersion"), dtSeconds: num(m, "dtSeconds"), extraTicks: num(m, "extraTicks"),
    nodes: messages(m, "nodes").map((x) => ({ node: str(x, "node"), type: str(x, "type"), population: str(x, "population"), latencyTicks: num(x, "latencyTicks") })),
    outputs: messages(m, "outputs").map((x) => ({ output: str(x, "output"), node: str(x, "node") })),
    projections: messages(m, "projections").map((x) => ({
      projection: str(x, "projection"), pre: str(x, "pre"), post: str(x, "post"), via: strings(x, "via"),
      modelWeights: num(x, "modelWeights"), synapses: num(x, "synapses"), encoding: str(x, "encoding"),
    })),
    warnings: strings(m, "warnings"),
    ...(lowering === null ? {} : {
      lowering: {
        reset: str(lowering, "reset"), resetByNode: messages(lowering, "resetByNode").map((x) => ({ node: str(x, "node"), reset: str(x, "reset") })),
        recurrentBias: str(lowering, "recurrentBias"), bias: str(lowering, "bias"), ifMultiSpike: lowering["ifMultiSpike"] === true, lenient: lowering["lenient"] === true,
      },
    }),
  };
}

function toMessage(p: ChipProgram): Record<string, unknown> {
  // Each literal `satisfies EveryKey<...>`: a field added to the contract must be added here too.
  return {
    specName: p.specName,
    meshWidthTiles: p.meshWidthTiles,
    meshHeightTiles: p.meshHeightTiles,
    coresPerTile: p.coresPerTile,
    modelName: p.modelName,
    defaultSteps: p.defaultSteps,
    maxDelayTicks: p.maxDelayTicks,
    fixedPoint: p.fixedPoint === undefined ? null : { decayBits: p.fixedPoint.decayBits, stateBits: p.fixedPoint.stateBits, currentBits: p.fixedPoint.currentBits } satisfies EveryKey<FixedPointProgram>,
    cores: p.cores.map((c) => ({
      coreId: c.coreId,
      neuronCount: c.neuronCount,
      neurons: arraysToBytes(NEURON_ARRAYS, c.neurons),
      crossbar: { axonCount: c.crossbar.axonCount, ...arraysToBytes(CROSSBAR_ARRAYS, c.crossbar) },
      routing: arraysToBytes(ROUTING_ARRAYS, c.routing),
    } satisfies EveryKey<CoreProgram>)),
    populations: p.populations.map((pop) => ({
      name: pop.name,
      kind: POPULATION_KIND_CODE[pop.kind],
      size: pop.size,
      shape: [...pop.shape],
      spiking: pop.spiking,
      stateScaleExp: pop.stateScaleExp ?? null,
      order: pop.order === undefined ? null : littleEndianBytes(pop.order),
      blocks: pop.blocks.map((b) => ({
        coreIndex: b.coreIndex, neuronStart: b.neuronStart, populationStart: b.populationStart, count: b.count,
      } satisfies EveryKey<PopulationBlock>)),
    } satisfies EveryKey<PopulationMap>)),
    projections: p.projections.map((pr) => ({
      name: pr.name, pre: pr.pre, post: pr.post, synapseCount: pr.synapseCount, encoding: pr.encoding,
      plasticity: plasticityMessage(pr.plasticity),
      learning: learningMessage(pr.learning),
    } satisfies EveryKey<ProjectionInfo>)),
    nir: nirMessage(p.nir),
  } satisfies EveryKey<Omit<ChipProgram, "format" | "version">>;
}

/** The file contents for `program` (deterministic: the same program always gives the same bytes). */
export function encodeProgram(program: ChipProgram): Uint8Array {
  validateProgram(program, ENCODE_CTX);
  const body = programMessageType().encode(toMessage(program)).finish();
  const out = new Uint8Array(PROGRAM_HEADER_BYTES + body.length + CHECKSUM_FIELD_BYTES);
  const dv = new DataView(out.buffer);
  out.set(PROGRAM_MAGIC, 0);
  dv.setUint32(PROGRAM_MAGIC.length, PROGRAM_SCHEMA_VERSION, true);
  out.set(body, PROGRAM_HEADER_BYTES);
  const at = PROGRAM_HEADER_BYTES + body.length;
  out[at] = CHECKSUM_FIELD_TAG;
  dv.setUint32(at + 1, crc32(body), true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding step 1: header.

function checkHeader(buf: Uint8Array, ctx: Ctx): void {
  const notProgram = "pass the program.aerprog that `aerchip compile MODEL --out DIR` writes";
  const n = Math.min(buf.length, PROGRAM_MAGIC.length);
  for (let i = 0; i < n; i++) {
    if (buf[i] !== PROGRAM_MAGIC[i]) {
      fail(ctx, ProgramErrorCode.magic, "", `does not start with the magic "AERPROG\\0" (byte ${i} is 0x${buf[i].toString(16).padStart(2, "0")}): it is not an aerchip program`, { byteOffset: i, hint: notProgram });
    }
  }
  if (buf.length < PROGRAM_HEADER_BYTES) {
    fail(ctx, ProgramErrorCode.truncated, "", `is ${buf.length} bytes long; the header alone is ${PROGRAM_HEADER_BYTES} bytes`, { byteOffset: buf.length });
  }
  const version = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(PROGRAM_MAGIC.length, true);
  if (version !== PROGRAM_SCHEMA_VERSION) {
    const hint = version > PROGRAM_SCHEMA_VERSION
      ? `it was written by a newer aerchip; upgrade aerchip, or recompile the model with this one (\`aerchip compile\`)`
      : "it was written by an older aerchip; recompile the model with `aerchip compile`";
    fail(ctx, ProgramErrorCode.version, "version", `has schema version ${version}; this aerchip reads version ${PROGRAM_SCHEMA_VERSION}`, { byteOffset: PROGRAM_MAGIC.length, hint });
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding step 2: wire scan. Walks the protobuf encoding against the schema without building
// anything, so that a malformed or hostile file is refused with the field it breaks in and the
// byte where it breaks, and so that the number of messages protobufjs will allocate is bounded.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Repeated message fields with a bound on their total number of elements in one file. */
const REPEATED_LIMITS: ReadonlyMap<string, number> = new Map([
  ["Program.cores", PROGRAM_LIMITS.maxCores],
  ["Program.populations", PROGRAM_LIMITS.maxPopulations],
  ["Program.projections", PROGRAM_LIMITS.maxProjections],
  ["Population.blocks", PROGRAM_LIMITS.maxBlocks],
  // NIR bookkeeping: at most one node per population and one entry per projection; outputs name nodes.
  ["NirInfo.nodes", PROGRAM_LIMITS.maxPopulations],
  ["NirInfo.outputs", PROGRAM_LIMITS.maxPopulations],
  ["NirInfo.projections", PROGRAM_LIMITS.maxProjections],
  ["NirLowering.resetByNode", PROGRAM_LIMITS.maxPopulations],
]);

interface Scan {
  readonly buf: Uint8Array;
  readonly ctx: Ctx;
  pos: number;
  /** Elements seen so far per repeated message field ("Program.cores"), over the whole file. */
  readonly totals: Map<string, number>;
  /** Offset of the checksum field's tag, once seen. */
  checksumAt: number;
}

function subPath(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/**
 * A varint of at most `maxBytes` bytes that must end before `end`. `end === buf.length` means the
 * enclosing data runs to the end of the file, so running out there is truncation, not corruption.
 */
function readVarint(s: Scan, end: number, field: string, maxBytes: number): number {
  const start = s.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (s.pos >= end) {
      if (end >= s.buf.length) fail(s.ctx, ProgramErrorCode.truncated, field, "is cut off: the file ends inside a varint", { byteOffset: start });
      fail(s.ctx, ProgramErrorCode.corrupt, field, "has a varint running past the end of its message", { byteOffset: start });
    }
    const b = s.buf[s.pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  fail(s.ctx, ProgramErrorCode.corrupt, field, `has a varint longer than ${maxBytes} bytes`, { byteOffset: start });
}

/** A uint32 varint as protobufjs reads it (at most 5 bytes, below 2^32). */
function readUint32(s: Scan, end: number, field: string): number {
  const at = s.pos;
  const v = readVarint(s, end, field, 10);
  if (s.pos - at > 5 || v > 0xffffffff) fail(s.ctx, ProgramErrorCode.corrupt, field, `holds ${v}, which does not fit a uint32`, { byteOffset: at });
  return v;
}

/** Skips `n` bytes of the current field; returns the offset after them. */
function skipBytes(s: Scan, end: number, field: string, n: number, at: number): number {
  if (n > end - s.pos) {
    if (end >= s.buf.length) fail(s.ctx, ProgramErrorCode.truncated, field, `declares ${n} bytes but the file ends ${s.buf.length - s.pos} bytes later`, { byteOffset: at });
    fail(s.ctx, ProgramErrorCode.corrupt, field, `declares ${n} bytes, more than the ${end - s.pos} left in its enclosing message`, { byteOffset: at });
  }
  s.pos += n;
  return s.pos;
}

function skipUnknown(s: Scan, end: number, wire: number, field: string, at: number): void {
  switch (wire) {
    case WIRE_VARINT: readVarint(s, end, field, 10); return;
    case WIRE_FIXED64: skipBytes(s, end, field, 8, at); return;
    case WIRE_FIXED32: skipBytes(s, end, field, 4, at); return;
    case WIRE_LEN: skipBytes(s, end, field, readUint32(s, end, field), at); return;
    default: fail(s.ctx, ProgramErrorCode.corrupt, field, `has wire type ${wire}, which this format never uses`, { byteOffset: at });
  }
}

function expectedWireType(f: protobuf.Field): number {
  if (f.resolvedType instanceof protobuf.Type || f.type === "string" || f.type === "bytes") return WIRE_LEN;
  if (f.type === "fixed32") return WIRE_FIXED32;
  if (f.type === "double") return WIRE_FIXED64;
  return WIRE_VARINT; // uint32, bool, enums
}

function scanMessage(s: Scan, type: protobuf.Type, end: number, path: string): void {
  const seen = new Map<number, number>(); // elements so far of each repeated field of this message
  while (s.pos < end) {
    const at = s.pos;
    const tag = readUint32(s, end, path === "" ? "Program" : path);
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) fail(s.ctx, ProgramErrorCode.corrupt, path, "has a field with number 0", { byteOffset: at });
    const f = type.fieldsById[id] as protobuf.Field | undefined;
    if (f === undefined) {
      skipUnknown(s, end, wire, subPath(path, `#${id}`), at);
      continue;
    }
    const index = seen.get(id) ?? 0;
    seen.set(id, index + 1);
    const name = f.repeated && f.resolvedType instanceof protobuf.Type ? `${subPath(path, f.name)}[${index}]` : subPath(path, f.name);
    const expected = expectedWireType(f);
    const packed = f.repeated && expected === WIRE_VARINT && wire === WIRE_LEN;
    if (wire !== expected && !packed) {
      fail(s.ctx, ProgramErrorCode.corrupt, name, `has wire type ${wire}; the schema says ${expected}`, { byteOffset: at });
    }
    if (f.resolvedType instanceof protobuf.Type) {
      if (f.repeated) {
        const key = `${type.name}.${f.name}`;
        const total = (s.totals.get(key) ?? 0) + 1;
        s.totals.set(key, total);
        const limit = REPEATED_LIMITS.get(key);
        if (limit !== undefined && total > limit) fail(s.ctx, ProgramErrorCode.limit, subPath(path, f.name), `has more than ${limit} entries`, { byteOffset: at });
      }
      const len = readUint32(s, end, name);
      const bodyAt = s.pos;
      const stop = bodyAt + len;
      if (stop > end && end >= s.buf.length) {
        // Cut short: scan what is there to name the innermost field that is cut, then report this one.
        scanMessage(s, f.resolvedType, s.buf.length, name);
        fail(s.ctx, ProgramErrorCode.truncated, name, `declares ${len} bytes but the file ends ${s.buf.length - bodyAt} bytes later`, { byteOffset: at });
      }
      if (stop > end) fail(s.ctx, ProgramErrorCode.corrupt, name, `declares ${len} bytes, more than the ${end - bodyAt} left in its enclosing message`, { byteOffset: at });
      scanMessage(s, f.resolvedType, stop, name);
    } else if (expected === WIRE_LEN) { // string, bytes
      skipBytes(s, end, name, readUint32(s, end, name), at);
    } else if (packed) { // repeated uint32 (a shape): every element a uint32 varint, ending exactly at the field's end
      const len = readUint32(s, end, name);
      const first = s.pos;
      const stop = skipBytes(s, end, name, len, at);
      for (s.pos = first; s.pos < stop;) readUint32(s, stop, name);
    } else if (expected === WIRE_FIXED64) {
      skipBytes(s, end, name, 8, at);
    } else if (expected === WIRE_FIXED32) {
      skipBytes(s, end, name, 4, at);
      if (path === "" && tag === CHECKSUM_FIELD_TAG) {
        if (s.pos - at !== CHECKSUM_FIELD_BYTES) fail(s.ctx, ProgramErrorCode.corrupt, name, "has a padded (non-canonical) tag", { byteOffset: at });
        if (s.pos !== end) fail(s.ctx, ProgramErrorCode.corrupt, name, `is followed by ${end - s.pos} more bytes; it must be the last field`, { byteOffset: at });
        s.checksumAt = at;
      }
    } else {
      readUint32(s, end, name);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding steps 3–5: checksum, protobufjs decode, typed arrays.

/** A decoded message as protobufjs gives it: absent sub-messages are null, absent bytes fields []. */
type PbMessage = Readonly<Record<string, unknown>>;

const EMPTY_BYTES = new Uint8Array(0);

/** A bytes field's contents, or undefined when an explicit-presence field is absent. */
function bytesField(m: PbMessage | null, key: string): Uint8Array | undefined {
  const v = m === null ? undefined : m[key];
  return v instanceof Uint8Array ? v : undefined;
}

function messages(m: PbMessage, key: string): readonly PbMessage[] {
  const v = m[key];
  return Array.isArray(v) ? (v as PbMessage[]) : [];
}

function subMessage(m: PbMessage, key: string): PbMessage | null {
  const v = m[key];
  return typeof v === "object" && v !== null ? (v as PbMessage) : null;
}

function num(m: PbMessage, key: string): number {
  const v = m[key];
  return typeof v === "number" ? v : 0;
}

function str(m: PbMessage, key: string): string {
  const v = m[key];
  return typeof v === "string" ? v : "";
}

function arraysFromBytes<T extends object>(table: ArrayTable<T>, m: PbMessage | null, path: string, ctx: Ctx, optional: (k: string) => boolean = () => false): T {
  const out: Partial<Record<keyof T, NumericArray>> = {};
  for (const k of keysOf(table)) {
    const ctor = table[k] as ArrayCtor<NumericArray>;
    let src = bytesField(m, k as string);
    if (src === undefined) {
      if (optional(k as string)) continue;
      src = EMPTY_BYTES; // proto3 leaves an empty bytes field out
    }
    if (src.length % ctor.BYTES_PER_ELEMENT !== 0) {
      fail(ctx, ProgramErrorCode.length, `${path}.${k as string}`, `holds ${src.length} bytes, not a whole number of ${ctor.name} elements (${ctor.BYTES_PER_ELEMENT} bytes each)`);
    }
    out[k] = fromLittleEndianBytes(ctor, src);
  }
  return out as T; // every required key was filled with the array type the table maps it to
}

function fromMessage(pb: PbMessage, ctx: Ctx): ChipProgram {
  const cores: CoreProgram[] = messages(pb, "cores").map((c, i) => {
    const xb = subMessage(c, "crossbar");
    return {
      coreId: num(c, "coreId"),
      neuronCount: num(c, "neuronCount"),
      neurons: arraysFromBytes(NEURON_ARRAYS, subMessage(c, "neurons"), `cores[${i}].neurons`, ctx, isOptionalNeuronArray),
      crossbar: { axonCount: xb === null ? 0 : num(xb, "axonCount"), ...arraysFromBytes(CROSSBAR_ARRAYS, xb, `cores[${i}].crossbar`, ctx) },
      routing: arraysFromBytes(ROUTING_ARRAYS, subMessage(c, "routing"), `cores[${i}].routing`, ctx),
    };
  });
  const populations: PopulationMap[] = messages(pb, "populations").map((p, i) => {
    const kind = num(p, "kind");
    if (kind !== POPULATION_KIND_CODE.input && kind !== POPULATION_KIND_CODE.neuron) {
      fail(ctx, ProgramErrorCode.range, `populations[${i}].kind`, `is ${kind}; it must be ${POPULATION_KIND_CODE.input} (input) or ${POPULATION_KIND_CODE.neuron} (neuron)`);
    }
    const shape = p["shape"];
    return {
      name: str(p, "name"),
      kind: kind === POPULATION_KIND_CODE.input ? "input" : "neuron",
      size: num(p, "size"),
      shape: Array.isArray(shape) ? shape.map(Number) : [],
      spiking: p["spiking"] === true,
      ...(typeof p["stateScaleExp"] === "number" ? { stateScaleExp: p["stateScaleExp"] } : {}),
      ...(p["order"] instanceof Uint8Array ? { order: orderFromBytes(p["order"], i, ctx) } : {}),
      blocks: messages(p, "blocks").map((b) => ({
        coreIndex: num(b, "coreIndex"), neuronStart: num(b, "neuronStart"), populationStart: num(b, "populationStart"), count: num(b, "count"),
      })),
    };
  });
  const fixedPointMsg = subMessage(pb, "fixedPoint");
  const nirMsg = subMessage(pb, "nir");
  const projections: ProjectionInfo[] = messages(pb, "projections").map((pr) => {
    const pl = subMessage(pr, "plasticity");
    const lm = subMessage(pr, "learning");
    const info: ProjectionInfo = {
      name: str(pr, "name"), pre: str(pr, "pre"), post: str(pr, "post"), synapseCount: num(pr, "synapseCount"), encoding: str(pr, "encoding"),
      ...(lm === null ? {} : { learning: learningFromMessage(lm) }),
    };
    if (pl === null) return info;
    const plasticity = {
      rule: str(pl, "rule") as PairStdpProgram["rule"], // checked by validateProgram
      nearest: pl["nearest"] === true,
      aPlus: num(pl, "aPlus"), aMinus: num(pl, "aMinus"), decayPre: num(pl, "decayPre"), decayPost: num(pl, "decayPost"),
      wMin: num(pl, "wMin"), wMax: num(pl, "wMax"),
    };
    return { ...info, plasticity };
  });
  return {
    format: PROGRAM_FORMAT,
    version: PROGRAM_VERSION,
    specName: str(pb, "specName"),
    meshWidthTiles: num(pb, "meshWidthTiles"),
    meshHeightTiles: num(pb, "meshHeightTiles"),
    coresPerTile: num(pb, "coresPerTile"),
    modelName: str(pb, "modelName"),
    defaultSteps: num(pb, "defaultSteps"),
    maxDelayTicks: num(pb, "maxDelayTicks"),
    ...(fixedPointMsg === null ? {} : { fixedPoint: { decayBits: num(fixedPointMsg, "decayBits"), stateBits: num(fixedPointMsg, "stateBits"), currentBits: num(fixedPointMsg, "currentBits") } }),
    cores,
    populations,
    projections,
    ...(nirMsg === null ? {} : { nir: nirFromMessage(nirMsg) }),
  };
}

/**
 * Decodes and validates a program file's contents. `file` names the file in error messages.
 * Every failure is an AerchipError E_PROGRAM_*; the result never aliases `bytes`.
 */
export function decodeProgram(bytes: Uint8Array, file?: string): ChipProgram {
  const ctx: Ctx = { file, hint: DECODE_HINT };
  checkHeader(bytes, ctx);
  const type = programMessageType();
  const s: Scan = { buf: bytes, ctx, pos: PROGRAM_HEADER_BYTES, totals: new Map(), checksumAt: -1 };
  scanMessage(s, type, bytes.length, "");
  if (s.checksumAt < 0) {
    fail(ctx, ProgramErrorCode.truncated, "checksumCrc32", "is missing: the file ends before its last field (it was cut short)", { byteOffset: bytes.length });
  }
  const body = bytes.subarray(PROGRAM_HEADER_BYTES, s.checksumAt);
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(s.checksumAt + 1, true);
  const computed = crc32(body);
  if (stored !== computed) {
    fail(ctx, ProgramErrorCode.corrupt, "checksumCrc32", `is 0x${stored.toString(16).padStart(8, "0")} but the contents give 0x${computed.toString(16).padStart(8, "0")}: the file was changed after it was written`, { byteOffset: s.checksumAt });
  }
  let pb: PbMessage;
  try {
    pb = type.decode(body) as unknown as PbMessage;
  } catch (e) {
    fail(ctx, ProgramErrorCode.corrupt, "", `is not a valid Program message: ${(e as Error).message}`, { cause: e });
  }
  const program = fromMessage(pb, ctx);
  validateProgram(program, ctx);
  return program;
}

/** A population's order array: whole uint32s forming a permutation (checked by validateProgram). */
function orderFromBytes(bytes: Uint8Array, i: number, ctx: Ctx): Uint32Array {
  if (bytes.length % 4 !== 0) fail(ctx, ProgramErrorCode.length, `populations[${i}].order`, `has ${bytes.length} bytes, not a whole number of uint32`);
  return fromLittleEndianBytes(Uint32Array, bytes);
}

// ---------------------------------------------------------------------------------------------
// Structural validation (shared by encode and decode).

const maxCode = (codes: Readonly<Record<string, number>>): number => Math.max(...Object.values(codes));
/** uint8 neuron arrays holding codes, with the largest code each allows (codes are 0..max). */
const NEURON_CODE_MAX: { readonly [K in keyof CoreNeuronParams]?: number } = {
  kind: maxCode(NeuronKind), spiking: 1, resetMode: maxCode(ResetMode), thresholdOp: maxCode(ThresholdOp),
  dynamics: maxCode(NeuronDynamics), reverseResetMode: maxCode(ResetMode), forceUpdate: 1,
};
const UINT32_MAX = 0xffffffff;
/** Synaptic delays are stored as uint16. */
const UINT16_MAX = 0xffff;

function checkUint(ctx: Ctx, field: string, v: unknown, min = 0, max = UINT32_MAX): number {
  if (typeof v !== "number") fail(ctx, ProgramErrorCode.type, field, `is a ${typeof v}; it must be a number`);
  if (!Number.isInteger(v) || v < min || v > max) fail(ctx, ProgramErrorCode.range, field, `is ${v}; it must be a whole number from ${min} to ${max}`);
  return v;
}

/** Text that survives UTF-8 encoding unchanged (no lone surrogate halves). */
function checkText(ctx: Ctx, field: string, v: unknown): string {
  if (typeof v !== "string") fail(ctx, ProgramErrorCode.type, field, `is a ${typeof v}; it must be a string`);
  if (/\p{Cs}/u.test(v)) fail(ctx, ProgramErrorCode.range, field, "contains an unpaired UTF-16 surrogate, which UTF-8 cannot hold");
  return v;
}

function checkLimit(ctx: Ctx, field: string, count: number, limit: number): void {
  if (count > limit) fail(ctx, ProgramErrorCode.limit, field, `has ${count} entries; at most ${limit} are allowed`);
}

function checkArrayTypes<T extends object>(ctx: Ctx, table: ArrayTable<T>, values: T, path: string, optional: (k: string) => boolean = () => false): void {
  if (typeof values !== "object" || values === null) fail(ctx, ProgramErrorCode.type, path, "is missing");
  for (const k of keysOf(table)) {
    const ctor = table[k] as ArrayCtor<NumericArray>;
    if (values[k] === undefined && optional(k as string)) continue;
    if (!(values[k] instanceof ctor)) fail(ctx, ProgramErrorCode.type, `${path}.${k as string}`, `must be a ${ctor.name}`);
  }
}

function checkLength(ctx: Ctx, field: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (a.length !== expected) fail(ctx, ProgramErrorCode.length, field, `has ${a.length} elements; it must have ${expected} (${what})`);
}

function checkCodes(ctx: Ctx, field: string, a: Uint8Array, max: number): void {
  for (let i = 0; i < a.length; i++) {
    if (a[i] > max) fail(ctx, ProgramErrorCode.range, `${field}[${i}]`, `is ${a[i]}; the codes are 0..${max}`);
  }
}

/** CSR pointer over `rows` rows into `total` entries: rows + 1 elements, 0 first, non-decreasing, `total` last. */
function checkCsrPointer(ctx: Ctx, field: string, ptr: Uint32Array, rows: number, rowWhat: string, total: number, totalWhat: string): void {
  checkLength(ctx, field, ptr, rows + 1, `${rowWhat} + 1`);
  if (ptr[0] !== 0) fail(ctx, ProgramErrorCode.range, `${field}[0]`, `is ${ptr[0]}; it must be 0`);
  for (let i = 0; i < rows; i++) {
    if (ptr[i + 1] < ptr[i]) fail(ctx, ProgramErrorCode.range, `${field}[${i + 1}]`, `is ${ptr[i + 1]}, below the ${ptr[i]} before it: row pointers never decrease`);
  }
  if (ptr[rows] !== total) fail(ctx, ProgramErrorCode.range, `${field}[${rows}]`, `is ${ptr[rows]}; it must equal the ${total} ${totalWhat}`);
}

/** A population block seen from one side: its range on the population or on its core. */
interface Span {
  readonly start: number;
  readonly count: number;
  readonly population: number;
  readonly block: number;
}

/** `spans` must tile [0, total) exactly: sorted by start, each one begins where the previous ended. */
function checkTiling(ctx: Ctx, spans: Span[], total: number, owner: string, unit: string): void {
  spans.sort((a, b) => a.start - b.start || a.count - b.count);
  let next = 0;
  for (const sp of spans) {
    if (sp.start !== next) {
      const field = `populations[${sp.population}].blocks[${sp.block}]`;
      fail(ctx, ProgramErrorCode.range, field, sp.start < next
        ? `starts at ${unit} ${sp.start} of ${owner}, which another block already holds`
        : `starts at ${unit} ${sp.start} of ${owner}, leaving ${unit}s [${next}, ${sp.start}) in no block`);
    }
    next += sp.count;
  }
  if (next !== total) fail(ctx, ProgramErrorCode.range, owner, `has ${total} ${unit}s but its population blocks hold ${next}`);
}

/**
 * Populations, their blocks and the projections between them. The blocks of a population tile it
 * exactly, and the blocks on a core tile that core's neurons exactly (every compartment belongs to
 * one population neuron, which the simulator's population read-back relies on).
 */
function validatePopulations(p: ChipProgram, ctx: Ctx): void {
  checkLimit(ctx, "populations", p.populations.length, PROGRAM_LIMITS.maxPopulations);
  const firstByName = new Map<string, number>();
  const coreSpans: Span[][] = p.cores.map(() => []);
  let blockTotal = 0;
  p.populations.forEach((pop, i) => {
    const at = `populations[${i}]`;
    const name = checkText(ctx, `${at}.name`, pop.name);
    const other = firstByName.get(name);
    if (other !== undefined) fail(ctx, ProgramErrorCode.range, `${at}.name`, `"${name}" is also the name of populations[${other}]`);
    firstByName.set(name, i);
    if (pop.kind !== "input" && pop.kind !== "neuron") fail(ctx, ProgramErrorCode.range, `${at}.kind`, `is ${String(pop.kind)}; it must be "input" or "neuron"`);
    const size = checkUint(ctx, `${at}.size`, pop.size);
    if (typeof pop.spiking !== "boolean") fail(ctx, ProgramErrorCode.type, `${at}.spiking`, "must be a boolean");
    if (!Array.isArray(pop.shape)) fail(ctx, ProgramErrorCode.type, `${at}.shape`, "must be an array");
    checkLimit(ctx, `${at}.shape`, pop.shape.length, PROGRAM_LIMITS.maxShapeRank);
    let product = 1;
    pop.shape.forEach((d, k) => { product *= checkUint(ctx, `${at}.shape[${k}]`, d); });
    if (product !== size) fail(ctx, ProgramErrorCode.range, `${at}.shape`, `[${pop.shape.join(", ")}] has ${product} elements; the population has ${size}`);
    blockTotal += pop.blocks.length;
    checkLimit(ctx, "populations[*].blocks", blockTotal, PROGRAM_LIMITS.maxBlocks);
    const popSpans: Span[] = [];
    pop.blocks.forEach((b, k) => {
      const bat = `${at}.blocks[${k}]`;
      const core = checkUint(ctx, `${bat}.coreIndex`, b.coreIndex);
      if (core >= p.cores.length) fail(ctx, ProgramErrorCode.range, `${bat}.coreIndex`, `is ${core}; the program has ${p.cores.length} cores`);
      const start = checkUint(ctx, `${bat}.neuronStart`, b.neuronStart);
      const popStart = checkUint(ctx, `${bat}.populationStart`, b.populationStart);
      const count = checkUint(ctx, `${bat}.count`, b.count);
      const coreNeurons = p.cores[core].neuronCount;
      if (start + count > coreNeurons) fail(ctx, ProgramErrorCode.range, bat, `holds local neurons [${start}, ${start + count}) of cores[${core}], which has ${coreNeurons}`);
      if (popStart + count > size) fail(ctx, ProgramErrorCode.range, bat, `holds population neurons [${popStart}, ${popStart + count}) of ${size}`);
      popSpans.push({ start: popStart, count, population: i, block: k });
      coreSpans[core].push({ start, count, population: i, block: k });
    });
    checkTiling(ctx, popSpans, size, at, "neuron");
    if (pop.order !== undefined) {
      if (!(pop.order instanceof Uint32Array)) fail(ctx, ProgramErrorCode.type, `${at}.order`, "must be a Uint32Array");
      if (pop.order.length !== size) fail(ctx, ProgramErrorCode.length, `${at}.order`, `has ${pop.order.length} entries; the population has ${size}`);
      const seen = new Uint8Array(size);
      for (let k = 0; k < size; k++) {
        const x = pop.order[k];
        if (x >= size || seen[x] === 1) fail(ctx, ProgramErrorCode.range, `${at}.order[${k}]`, `is ${x}; order must be a permutation of 0..${size - 1}`);
        seen[x] = 1;
      }
    }
  });
  coreSpans.forEach((spans, c) => checkTiling(ctx, spans, p.cores[c].neuronCount, `cores[${c}]`, "local neuron"));
  checkLimit(ctx, "projections", p.projections.length, PROGRAM_LIMITS.maxProjections);
  p.projections.forEach((pr, i) => {
    const at = `projections[${i}]`;
    checkText(ctx, `${at}.name`, pr.name);
    checkText(ctx, `${at}.encoding`, pr.encoding);
    checkUint(ctx, `${at}.synapseCount`, pr.synapseCount);
    const pl = pr.plasticity;
    if (pl !== undefined) {
      if (pl.rule !== "pair") fail(ctx, ProgramErrorCode.range, `${at}.plasticity.rule`, `is "${String(pl.rule)}"; the only rule is "pair"`);
      if (typeof pl.nearest !== "boolean") fail(ctx, ProgramErrorCode.type, `${at}.plasticity.nearest`, "must be a boolean");
      for (const k of ["aPlus", "aMinus", "decayPre", "decayPost", "wMin", "wMax"] as const) {
        if (typeof pl[k] !== "number") fail(ctx, ProgramErrorCode.type, `${at}.plasticity.${k}`, "must be a number");
      }
    }
    if (pr.learning !== undefined) {
      if (pl !== undefined) fail(ctx, ProgramErrorCode.range, `${at}.learning`, "is given together with plasticity; a projection runs one rule");
      validateLearning(ctx, `${at}.learning`, pr.learning);
    }
    for (const end of ["pre", "post"] as const) {
      const name = checkText(ctx, `${at}.${end}`, pr[end]);
      if (!firstByName.has(name)) fail(ctx, ProgramErrorCode.range, `${at}.${end}`, `names population "${name}", which the program does not have`);
    }
  });
}

function validateCore(p: ChipProgram, ctx: Ctx, c: CoreProgram, ci: number, coreIndexById: ReadonlyMap<number, number>): void {
  const at = `cores[${ci}]`;
  const n = checkUint(ctx, `${at}.neuronCount`, c.neuronCount);
  const nu = c.neurons;
  checkArrayTypes(ctx, NEURON_ARRAYS, nu, `${at}.neurons`, isOptionalNeuronArray);
  for (const k of keysOf(NEURON_ARRAYS)) {
    const a = nu[k];
    if (a === undefined) continue; // an optional array the program leaves out
    checkLength(ctx, `${at}.neurons.${k}`, a, n, "neuronCount");
    const max = NEURON_CODE_MAX[k];
    if (max !== undefined) checkCodes(ctx, `${at}.neurons.${k}`, a as Uint8Array, max);
  }

  const xb = c.crossbar;
  checkArrayTypes(ctx, CROSSBAR_ARRAYS, xb, `${at}.crossbar`);
  const axons = checkUint(ctx, `${at}.crossbar.axonCount`, xb.axonCount);
  const syn = xb.synTarget.length;
  for (const k of ["synWeight", "synDelayTicks", "synProjection", "synIndex"] as const) checkLength(ctx, `${at}.crossbar.${k}`, xb[k], syn, "one per synapse, as synTarget");
  checkCsrPointer(ctx, `${at}.crossbar.axonRowPtr`, xb.axonRowPtr, axons, "axonCount", syn, "synapses");
  const projections = p.projections;
  for (let s = 0; s < syn; s++) {
    if (xb.synTarget[s] >= n) fail(ctx, ProgramErrorCode.range, `${at}.crossbar.synTarget[${s}]`, `is ${xb.synTarget[s]}; the core has ${n} neurons`);
    const d = xb.synDelayTicks[s];
    if (d < 1 || d > p.maxDelayTicks) fail(ctx, ProgramErrorCode.range, `${at}.crossbar.synDelayTicks[${s}]`, `is ${d}; delays are 1..maxDelayTicks (${p.maxDelayTicks})`);
    const pr = xb.synProjection[s];
    if (pr >= projections.length) fail(ctx, ProgramErrorCode.range, `${at}.crossbar.synProjection[${s}]`, `is ${pr}; the program has ${projections.length} projections`);
    if (xb.synIndex[s] >= projections[pr].synapseCount) {
      fail(ctx, ProgramErrorCode.range, `${at}.crossbar.synIndex[${s}]`, `is ${xb.synIndex[s]}; projection "${projections[pr].name}" has ${projections[pr].synapseCount} synapses`);
    }
  }

  const rt = c.routing;
  checkArrayTypes(ctx, ROUTING_ARRAYS, rt, `${at}.routing`);
  const routes = rt.routeDestCore.length;
  checkLength(ctx, `${at}.routing.routeDestAxon`, rt.routeDestAxon, routes, "one per route, as routeDestCore");
  checkCsrPointer(ctx, `${at}.routing.routePtr`, rt.routePtr, n, "neuronCount", routes, "routes");
  for (let r = 0; r < routes; r++) {
    const dest = coreIndexById.get(rt.routeDestCore[r]);
    if (dest === undefined) fail(ctx, ProgramErrorCode.range, `${at}.routing.routeDestCore[${r}]`, `is core ${rt.routeDestCore[r]}, which the program does not define`);
    const destAxons = p.cores[dest].crossbar.axonCount;
    if (rt.routeDestAxon[r] >= destAxons) {
      fail(ctx, ProgramErrorCode.range, `${at}.routing.routeDestAxon[${r}]`, `is ${rt.routeDestAxon[r]}; core ${rt.routeDestCore[r]} (cores[${dest}]) has ${destAxons} input axons`);
    }
  }
}

/** Throws E_PROGRAM_* on the first inconsistency: lengths, CSR pointers, indices, references. */
function validateProgram(p: ChipProgram, ctx: Ctx): void {
  checkText(ctx, "specName", p.specName);
  checkText(ctx, "modelName", p.modelName);
  const w = checkUint(ctx, "meshWidthTiles", p.meshWidthTiles, 1);
  const h = checkUint(ctx, "meshHeightTiles", p.meshHeightTiles, 1);
  const k = checkUint(ctx, "coresPerTile", p.coresPerTile, 1);
  checkUint(ctx, "defaultSteps", p.defaultSteps);
  checkUint(ctx, "maxDelayTicks", p.maxDelayTicks, 1, UINT16_MAX);
  checkLimit(ctx, "cores", p.cores.length, PROGRAM_LIMITS.maxCores);
  const meshCores = w * h * k;
  const coreIndexById = new Map<number, number>();
  p.cores.forEach((c, i) => {
    const id = checkUint(ctx, `cores[${i}].coreId`, c.coreId, 0, Math.min(meshCores, UINT32_MAX + 1) - 1);
    const other = coreIndexById.get(id);
    if (other !== undefined) fail(ctx, ProgramErrorCode.range, `cores[${i}].coreId`, `${id} is also the id of cores[${other}]`);
    coreIndexById.set(id, i);
    checkUint(ctx, `cores[${i}].crossbar.axonCount`, c.crossbar?.axonCount);
  });
  validatePopulations(p, ctx);
  p.cores.forEach((c, i) => validateCore(p, ctx, c, i, coreIndexById));
  if (p.nir !== undefined) validateNir(p, p.nir, ctx);
}

/**
 * The NIR bookkeeping against the program: its layout, every node naming a distinct population (an Input node
 * an input population, every other a neuron population), latencies within extraTicks (the largest of them),
 * outputs naming nodes, and plain numbers and text elsewhere. A run trusts these to shift ticks and size files.
 */
function validateNir(p: ChipProgram, n: NirProgramInfo, ctx: Ctx): void {
  if (n.layoutVersion !== NIR_PROGRAM_INFO_VERSION) {
    fail(ctx, ProgramErrorCode.version, "nir.layoutVersion", `is ${n.layoutVersion}; this aerchip reads NIR bookkeeping of layout ${NIR_PROGRAM_INFO_VERSION}`, { hint: "compile the .nir file again with this aerchip (`aerchip compile`)" });
  }
  checkText(ctx, "nir.nirVersion", n.nirVersion);
  if (typeof n.dtSeconds !== "number" || !(n.dtSeconds > 0 && Number.isFinite(n.dtSeconds))) fail(ctx, ProgramErrorCode.range, "nir.dtSeconds", `is ${n.dtSeconds}; it must be a finite number above 0`);
  const extra = checkUint(ctx, "nir.extraTicks", n.extraTicks);
  checkLimit(ctx, "nir.nodes", n.nodes.length, PROGRAM_LIMITS.maxPopulations);
  const popByName = new Map(p.populations.map((x) => [x.name, x] as const));
  const nodes = new Set<string>();
  const used = new Set<string>();
  let maxLatency = 0;
  let inputs = 0;
  n.nodes.forEach((x, i) => {
    const at = `nir.nodes[${i}]`;
    checkText(ctx, `${at}.node`, x.node);
    checkText(ctx, `${at}.type`, x.type);
    if (nodes.has(x.node)) fail(ctx, ProgramErrorCode.range, `${at}.node`, `repeats node "${x.node}"`);
    nodes.add(x.node);
    const pop = popByName.get(checkText(ctx, `${at}.population`, x.population));
    if (pop === undefined) fail(ctx, ProgramErrorCode.range, `${at}.population`, `names "${x.population}", which is not a population of the program`);
    if (used.has(x.population)) fail(ctx, ProgramErrorCode.range, `${at}.population`, `"${x.population}" is also another node's population`);
    used.add(x.population);
    const isInput = x.type === "Input";
    if (isInput) inputs++;
    if ((pop.kind === "input") !== isInput) fail(ctx, ProgramErrorCode.range, `${at}.type`, `is "${x.type}" but population "${x.population}" is of kind ${pop.kind}: Input nodes and only they run as input populations`);
    maxLatency = Math.max(maxLatency, checkUint(ctx, `${at}.latencyTicks`, x.latencyTicks, 0, extra));
  });
  if (inputs === 0) fail(ctx, ProgramErrorCode.range, "nir.nodes", "has no Input node");
  if (maxLatency !== extra) fail(ctx, ProgramErrorCode.range, "nir.extraTicks", `is ${extra}; it must be the largest node latency, ${maxLatency}`);
  checkLimit(ctx, "nir.outputs", n.outputs.length, PROGRAM_LIMITS.maxPopulations);
  n.outputs.forEach((x, i) => {
    checkText(ctx, `nir.outputs[${i}].output`, x.output);
    if (!nodes.has(checkText(ctx, `nir.outputs[${i}].node`, x.node))) fail(ctx, ProgramErrorCode.range, `nir.outputs[${i}].node`, `names "${x.node}", which is not in nir.nodes`);
  });
  checkLimit(ctx, "nir.projections", n.projections.length, PROGRAM_LIMITS.maxProjections);
  n.projections.forEach((x, i) => {
    const at = `nir.projections[${i}]`;
    for (const k of ["projection", "pre", "post", "encoding"] as const) checkText(ctx, `${at}.${k}`, x[k]);
    x.via.forEach((v, j) => checkText(ctx, `${at}.via[${j}]`, v));
    for (const k of ["modelWeights", "synapses"] as const) checkUint(ctx, `${at}.${k}`, x[k], 0, Number.MAX_SAFE_INTEGER);
  });
  n.warnings.forEach((w, i) => checkText(ctx, `nir.warnings[${i}]`, w));
  if (n.lowering !== undefined) validateNirLowering(n.lowering, ctx);
}

/**
 * The lowering options are a record of how the program was made, read by no simulation: each a non-empty
 * string or a boolean, reset overrides naming distinct nodes. Values are not checked against today's option
 * lists, so a program recording a mode added later still runs.
 */
function validateNirLowering(l: NirProgramLowering, ctx: Ctx): void {
  for (const k of ["reset", "recurrentBias", "bias"] as const) {
    if (checkText(ctx, `nir.lowering.${k}`, l[k]) === "") fail(ctx, ProgramErrorCode.range, `nir.lowering.${k}`, "is empty; it must name the option's value");
  }
  for (const k of ["ifMultiSpike", "lenient"] as const) if (typeof l[k] !== "boolean") fail(ctx, ProgramErrorCode.type, `nir.lowering.${k}`, "must be a boolean");
  checkLimit(ctx, "nir.lowering.resetByNode", l.resetByNode.length, PROGRAM_LIMITS.maxPopulations);
  const seen = new Set<string>();
  l.resetByNode.forEach((x, i) => {
    const node = checkText(ctx, `nir.lowering.resetByNode[${i}].node`, x.node);
    if (seen.has(node)) fail(ctx, ProgramErrorCode.range, `nir.lowering.resetByNode[${i}].node`, `repeats node "${node}"`);
    seen.add(node);
    if (checkText(ctx, `nir.lowering.resetByNode[${i}].reset`, x.reset) === "") fail(ctx, ProgramErrorCode.range, `nir.lowering.resetByNode[${i}].reset`, "is empty; it must name a reset mode");
  });
}

// ---------------------------------------------------------------------------------------------
// Files.

/**
 * Writes `program` to `path` atomically (core/atomic-write: a temporary file in the same directory,
 * flushed, then renamed over `path`), so a reader never sees a half-written program. An invalid
 * program throws before anything is written.
 */
export function writeProgramFile(path: string, program: ChipProgram): void {
  const bytes = encodeProgram(program);
  try {
    writeFileAtomic(path, bytes);
  } catch (e) {
    throw new AerchipError(ProgramErrorCode.write, `cannot write program file ${path}: ${(e as Error).message}`, {
      file: path, hint: "check that the output directory exists and is writable, and that the disk has space", cause: e,
    });
  }
}

/** Reads and validates a program file written by `writeProgramFile`. */
export function readProgramFile(path: string): ChipProgram {
  const ctx: Ctx = { file: path, hint: "pass the program.aerprog that `aerchip compile MODEL --out DIR` writes" };
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) fail(ctx, ProgramErrorCode.read, "", "is not a regular file");
    if (st.size > PROGRAM_LIMITS.maxFileBytes) fail(ctx, ProgramErrorCode.limit, "", `is ${st.size} bytes; at most ${PROGRAM_LIMITS.maxFileBytes} can be read`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof AerchipError) throw e;
    const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? ProgramErrorCode.notFound : ProgramErrorCode.read;
    fail(ctx, code, "", code === ProgramErrorCode.notFound ? "does not exist" : `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  return decodeProgram(bytes, path);
}
