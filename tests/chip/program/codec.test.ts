/**
 * The `.aerprog` codec: exact round trips (Float64 bit patterns included), deterministic bytes,
 * and an AerchipError with the right code and field for every damaged or inconsistent file.
 *
 * Inconsistent-but-intact files are forged with `forge()`: a Program message encoded straight
 * through the schema (bypassing encodeProgram's validation), framed with the header and a correct
 * checksum, so that the decoder's structural checks (not the checksum) must catch them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { endianness, tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { createRng } from "../../../core/rng.ts";
import {
  PROGRAM_HEADER_BYTES, PROGRAM_LIMITS, PROGRAM_MAGIC, ProgramErrorCode,
  decodeProgram, encodeProgram, fromLittleEndianBytes, littleEndianBytes, readProgramFile, writeProgramFile,
} from "../../../chip/program/codec.ts";
import { PROGRAM_SCHEMA_VERSION, programMessageType } from "../../../chip/program/program-schema.ts";
import {
  NeuronDynamics, PROGRAM_FORMAT, PROGRAM_VERSION, ResetMode,
  type ChipProgram, type CoreProgram, type PairStdpProgram, type PopulationBlock, type PopulationMap, type ProjectionInfo,
} from "../../../chip/program/types.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { genericWith } from "../../helpers/specs.ts";

// ---------------------------------------------------------------------------------------------
// Building programs.

type NumericArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

interface CoreSketch {
  readonly coreId: number;
  readonly neuronCount: number;
  /** One row per input axon: [target, weight, delay, projection, synIndex]. */
  readonly rows: ReadonlyArray<ReadonlyArray<readonly [number, number, number, number, number]>>;
  /** One list per neuron: [destCoreId, destAxon]. */
  readonly routes: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Per-neuron float parameter source, cycled. */
  readonly floats: readonly number[];
  /** Include the optional SANA-FE neuron arrays. */
  readonly sanafe?: boolean;
}

const maxCode = (codes: Readonly<Record<string, number>>) => Math.max(...Object.values(codes));

function buildCore(s: CoreSketch, codes: (i: number, field: number) => number = (i, f) => (i + f) % 2): CoreProgram {
  const n = s.neuronCount;
  const f = (k: number) => Float64Array.from({ length: n }, (_, i) => s.floats.length === 0 ? i + k : s.floats[(i * 7 + k) % s.floats.length]);
  const syn = s.rows.flat();
  const axonRowPtr = new Uint32Array(s.rows.length + 1);
  s.rows.forEach((r, a) => { axonRowPtr[a + 1] = axonRowPtr[a] + r.length; });
  const routePtr = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) routePtr[i + 1] = routePtr[i] + s.routes[i].length;
  const routes = s.routes.flat();
  return {
    coreId: s.coreId,
    neuronCount: n,
    neurons: {
      kind: Uint8Array.from({ length: n }, (_, i) => codes(i, 0) % 2),
      spiking: Uint8Array.from({ length: n }, (_, i) => codes(i, 1) % 2),
      voltageDecay: f(0), currentDecay: f(1), inputGain: f(2), bias: f(3), vThreshold: f(4), vReset: f(5), vInit: f(6),
      resetMode: Uint8Array.from({ length: n }, (_, i) => codes(i, 2) % 3),
      thresholdOp: Uint8Array.from({ length: n }, (_, i) => codes(i, 3) % 2),
      refractoryTicks: Uint32Array.from({ length: n }, (_, i) => codes(i, 4)),
      ...(s.sanafe === true ? {
        dynamics: Uint8Array.from({ length: n }, (_, i) => codes(i, 5) % (maxCode(NeuronDynamics) + 1)),
        vTruncScale: f(7), vReverseThreshold: f(8),
        reverseResetMode: Uint8Array.from({ length: n }, (_, i) => codes(i, 6) % (maxCode(ResetMode) + 1)),
        vReverseReset: f(9),
        forceUpdate: Uint8Array.from({ length: n }, (_, i) => codes(i, 7) % 2),
      } : {}),
    },
    crossbar: {
      axonCount: s.rows.length,
      axonRowPtr,
      synTarget: Uint32Array.from(syn, (x) => x[0]),
      synWeight: Float64Array.from(syn, (x) => x[1]),
      synDelayTicks: Uint16Array.from(syn, (x) => x[2]),
      synProjection: Uint16Array.from(syn, (x) => x[3]),
      synIndex: Uint32Array.from(syn, (x) => x[4]),
    },
    routing: { routePtr, routeDestCore: Uint32Array.from(routes, (x) => x[0]), routeDestAxon: Uint32Array.from(routes, (x) => x[1]) },
  };
}

/** A NaN with a non-default payload (set through its bits: a JS number may lose the payload). */
const PAYLOAD_NAN_BITS = 0x7ff8_0000_dead_beefn;
const SPECIAL_DOUBLES = [-0, 0, 5e-324, -5e-324, 2.2250738585072009e-308, -1.5, Number.MAX_VALUE, -Infinity, Infinity, NaN];

const STDP: PairStdpProgram = Object.freeze({ rule: "pair", nearest: true, aPlus: 0.01, aMinus: -0, decayPre: 0.9, decayPost: 5e-324, wMin: -Infinity, wMax: 1 } as const);

/**
 * Two cores on a 2×1×2 mesh: core id 3 holds input population "in" (3 neurons), core id 0 holds
 * "out" (2 neurons) and receives "in" through projection "in→out" (4 synapses on 3 axons).
 */
function tinyProgram(): ChipProgram {
  const inCore = buildCore({ coreId: 3, neuronCount: 3, rows: [], routes: [[[0, 0]], [[0, 1]], [[0, 2]]], floats: [] }, () => 1);
  const outCore = buildCore({
    coreId: 0, neuronCount: 2,
    rows: [[[0, -0.5, 1, 0, 0], [1, 2.5, 1, 0, 1]], [[1, -0, 2, 0, 2]], [[0, 5e-324, 3, 0, 3]]],
    routes: [[], []], floats: SPECIAL_DOUBLES, sanafe: true,
  });
  new BigUint64Array(outCore.neurons.vReset.buffer)[1] = PAYLOAD_NAN_BITS;
  const populations: PopulationMap[] = [
    { name: "in", kind: "input", size: 3, shape: [3], spiking: true, blocks: [{ coreIndex: 0, neuronStart: 0, populationStart: 0, count: 3 }] },
    { name: "out", kind: "neuron", size: 2, shape: [1, 2], spiking: false, blocks: [{ coreIndex: 1, neuronStart: 0, populationStart: 0, count: 2 }] },
  ];
  return {
    format: PROGRAM_FORMAT, version: PROGRAM_VERSION, specName: "generic", meshWidthTiles: 2, meshHeightTiles: 1, coresPerTile: 2,
    modelName: "tiny ∆ model", defaultSteps: 10, maxDelayTicks: 3, cores: [inCore, outCore], populations,
    projections: [{ name: "in→out", pre: "in", post: "out", synapseCount: 4, encoding: "dense", plasticity: STDP }],
  };
}

interface RandomParams {
  readonly seed: number;
  readonly coreCount: number;
  readonly maxNeurons: number;
  readonly maxAxons: number;
  readonly maxRow: number;
  readonly doubles: readonly number[];
  readonly names: readonly string[];
}

/** A random valid program: structure from a seeded Rng, float values and names from fast-check. */
function randomProgram(p: RandomParams): ChipProgram {
  const rng = createRng(p.seed);
  const below = (n: number) => (n <= 0 ? 0 : rng.nextBelow(n));
  const w = 1 + below(3);
  const h = 1 + below(3);
  const cpt = Math.max(1, Math.ceil(p.coreCount / (w * h))) + below(2);
  const ids = Array.from({ length: w * h * cpt }, (_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) { const j = below(i + 1); [ids[i], ids[j]] = [ids[j], ids[i]]; }
  const maxDelay = 1 + below(6);
  const projCount = 1 + below(3);
  const synPerProj = 50;
  let d = 0;
  const dbl = () => p.doubles[d++ % p.doubles.length];
  const sizes = Array.from({ length: p.coreCount }, () => below(p.maxNeurons + 1));
  const axons = Array.from({ length: p.coreCount }, () => below(p.maxAxons + 1));
  const withAxons = axons.flatMap((a, c) => (a > 0 ? [c] : []));
  const cores = sizes.map((n, c) => buildCore({
    coreId: ids[c], neuronCount: n,
    rows: Array.from({ length: axons[c] }, () => Array.from({ length: n === 0 ? 0 : below(p.maxRow + 1) }, () =>
      [below(n), dbl(), 1 + below(maxDelay), below(projCount), below(synPerProj)] as const)),
    routes: Array.from({ length: n }, () => Array.from({ length: withAxons.length === 0 ? 0 : below(3) }, () => {
      const dc = withAxons[below(withAxons.length)];
      return [ids[dc], below(axons[dc])] as const;
    })),
    floats: Array.from({ length: 13 }, dbl),
    sanafe: below(2) === 0,
  }, () => rng.nextUint32()));
  // Populations: each core's neurons are cut into up to 3 runs, each given to a random population.
  const popCount = 1 + below(3);
  const blocks: PopulationBlock[][] = Array.from({ length: popCount }, () => []);
  const filled = new Array<number>(popCount).fill(0);
  sizes.forEach((n, c) => {
    let start = 0;
    while (start < n) {
      const count = 1 + below(n - start);
      const q = below(popCount);
      blocks[q].push({ coreIndex: c, neuronStart: start, populationStart: filled[q], count });
      filled[q] += count;
      start += count;
    }
  });
  const name = (i: number) => p.names[i % p.names.length] + (i >= p.names.length ? `#${i}` : "");
  const populations: PopulationMap[] = blocks.map((b, q) => ({
    name: name(q), kind: below(2) === 0 ? "input" : "neuron", size: filled[q],
    shape: filled[q] % 2 === 0 && filled[q] > 0 ? [2, filled[q] / 2] : [filled[q]], spiking: below(2) === 0, blocks: b,
  }));
  const projections: ProjectionInfo[] = Array.from({ length: projCount }, (_, k) => {
    const info = { name: `proj ${k}`, pre: name(below(popCount)), post: name(below(popCount)), synapseCount: synPerProj + below(5), encoding: ["dense", "sparse", "conv"][below(3)] };
    if (below(2) === 0) return info;
    return { ...info, plasticity: { rule: "pair", nearest: below(2) === 0, aPlus: dbl(), aMinus: dbl(), decayPre: dbl(), decayPost: dbl(), wMin: dbl(), wMax: dbl() } };
  });
  return {
    format: PROGRAM_FORMAT, version: PROGRAM_VERSION, specName: name(popCount), meshWidthTiles: w, meshHeightTiles: h, coresPerTile: cpt,
    modelName: name(popCount + 1), defaultSteps: rng.nextUint32(), maxDelayTicks: maxDelay, cores, populations, projections,
  };
}

const randomParams: fc.Arbitrary<RandomParams> = fc.record({
  seed: fc.nat(),
  coreCount: fc.integer({ min: 0, max: 5 }),
  maxNeurons: fc.integer({ min: 0, max: 12 }),
  maxAxons: fc.integer({ min: 0, max: 6 }),
  maxRow: fc.integer({ min: 0, max: 8 }),
  doubles: fc.array(fc.oneof(fc.double(), fc.constantFrom(...SPECIAL_DOUBLES)), { minLength: 1, maxLength: 40 }),
  names: fc.uniqueArray(fc.string({ unit: "grapheme", maxLength: 6 }), { minLength: 1, maxLength: 5 }),
});

// ---------------------------------------------------------------------------------------------
// Comparing programs bit for bit.

function isNumericArray(v: unknown): v is NumericArray {
  return v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array || v instanceof Float64Array;
}

/** The program as plain data, each typed array replaced by its type name and raw bytes in hex. */
function canonical(v: unknown): unknown {
  if (isNumericArray(v)) return `${v.constructor.name}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

function allArrays(p: ChipProgram): NumericArray[] {
  return p.cores.flatMap((c) => [...Object.values(c.neurons), ...Object.values(c.crossbar), ...Object.values(c.routing)].filter(isNumericArray));
}

// ---------------------------------------------------------------------------------------------
// Forging files with a correct checksum around arbitrary (possibly inconsistent) contents.

function frame(body: Uint8Array, version: number = PROGRAM_SCHEMA_VERSION): Uint8Array {
  const out = new Uint8Array(PROGRAM_HEADER_BYTES + body.length + 5);
  const dv = new DataView(out.buffer);
  out.set(PROGRAM_MAGIC);
  dv.setUint32(8, version, true);
  out.set(body, PROGRAM_HEADER_BYTES);
  out[PROGRAM_HEADER_BYTES + body.length] = (15 << 3) | 5;
  dv.setUint32(PROGRAM_HEADER_BYTES + body.length + 1, crc32(body), true);
  return out;
}

const bytesOf = (a: NumericArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The Program message of `p` as a plain object, with every typed array as raw bytes (editable). */
function messageOf(p: ChipProgram): Record<string, any> {
  const arrays = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isNumericArray(v) ? bytesOf(v) : v]));
  return {
    ...p,
    cores: p.cores.map((c) => ({ ...c, neurons: arrays(c.neurons), crossbar: arrays(c.crossbar), routing: arrays(c.routing) })),
    populations: p.populations.map((q) => ({ ...q, kind: q.kind === "input" ? 0 : 1, shape: [...q.shape], blocks: q.blocks.map((b) => ({ ...b })) })),
    projections: p.projections.map((pr) => ({ ...pr, ...(pr.plasticity === undefined ? {} : { plasticity: { ...pr.plasticity } }) })),
  };
}

function forge(edit: (m: Record<string, any>) => void, base: ChipProgram = tinyProgram()): Uint8Array {
  const m = messageOf(base);
  edit(m);
  return frame(programMessageType().encode(m).finish());
}

function decodeError(bytes: Uint8Array, file?: string): AerchipError {
  try {
    decodeProgram(bytes, file);
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`decodeProgram threw a ${(e as Error)?.constructor?.name}, not an AerchipError: ${String(e)}`);
  }
  throw new Error("decodeProgram accepted the bytes");
}

function expectDecodeError(bytes: Uint8Array, code: string, field?: string): AerchipError {
  const e = decodeError(bytes, "bad.aerprog");
  expect(e.code, e.message).toBe(code);
  if (field !== undefined) expect(e.field, e.message).toBe(field);
  expect(e.file).toBe("bad.aerprog");
  expect(e.message).toContain("bad.aerprog");
  expect(e.hint).toBeTruthy();
  return e;
}

// ---------------------------------------------------------------------------------------------

describe("round trip", () => {
  it("a hand-built program comes back deep-equal, Float64 bit patterns included", () => {
    const p = tinyProgram();
    const bytes = encodeProgram(p);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x41, 0x45, 0x52, 0x50, 0x52, 0x4f, 0x47, 0x00]);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(1);
    const q = decodeProgram(bytes, "tiny.aerprog");
    expect(canonical(q)).toEqual(canonical(p));
    // Spot checks that do not go through canonical(): -0, a subnormal, a NaN payload, names.
    const w = q.cores[1].crossbar.synWeight;
    expect(Object.is(w[2], -0)).toBe(true);
    expect(w[3]).toBe(5e-324);
    expect(new BigUint64Array(q.cores[1].neurons.vReset.buffer)[1]).toBe(PAYLOAD_NAN_BITS);
    expect(q.projections[0].plasticity).toEqual(STDP);
    expect(Object.is(q.projections[0].plasticity?.aMinus, -0)).toBe(true);
    // Optional arrays: present where the program has them, absent (not empty) where it does not.
    expect(q.cores[1].neurons.dynamics).toBeInstanceOf(Uint8Array);
    expect("dynamics" in q.cores[0].neurons).toBe(false);
    expect(q.modelName).toBe("tiny ∆ model");
    expect(q.projections[0].name).toBe("in→out");
    expect(q.populations[1].shape).toEqual([1, 2]);
  });

  it("optional arrays present with zero elements stay present; absent ones stay absent", () => {
    const empty = buildCore({ coreId: 1, neuronCount: 0, rows: [], routes: [], floats: [], sanafe: true });
    const p = { ...tinyProgram(), cores: [...tinyProgram().cores, empty] };
    const q = decodeProgram(encodeProgram(p));
    expect(q.cores[2].neurons.vTruncScale).toEqual(new Float64Array(0));
    expect(q.cores[2].neurons.forceUpdate).toEqual(new Uint8Array(0));
    expect(Object.keys(q.cores[0].neurons)).toEqual(Object.keys(p.cores[0].neurons));
    expect(canonical(q)).toEqual(canonical(p));
  });

  it("decoded arrays are fresh, aligned copies that never alias the input bytes", () => {
    const bytes = encodeProgram(tinyProgram());
    // Shift the file by one byte so any view into it would be misaligned.
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const q = decodeProgram(shifted);
    for (const a of allArrays(q)) {
      expect(a.buffer).not.toBe(shifted.buffer);
      expect(a.byteOffset % a.BYTES_PER_ELEMENT).toBe(0);
    }
    expect(canonical(q)).toEqual(canonical(tinyProgram()));
  });

  it("random programs (cores, CSR rows, weights incl. -0/subnormal/NaN) round-trip exactly", () => {
    fc.assert(fc.property(randomParams, (params) => {
      const p = randomProgram(params);
      const q = decodeProgram(encodeProgram(p));
      expect(canonical(q)).toEqual(canonical(p));
    }), { numRuns: 150 });
  });

  it("a compiled model over many cores decodes to a program that simulates identically", () => {
    const model = loadJsonModel("examples/demo/ei-small.net.json");
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    expect(program.cores.length).toBeGreaterThan(5);
    const decoded = decodeProgram(encodeProgram(program));
    expect(canonical(decoded)).toEqual(canonical(program));
    const steps = model.graph.defaultSteps;
    const a = simulate(spec, program, model.stimulus, { steps });
    const b = simulate(spec, decoded, model.stimulus, { steps });
    let total = 0;
    for (const [name, sp] of a.spikes) {
      total += sp.tick.length;
      expect(Array.from(b.spikes.get(name)!.tick)).toEqual(Array.from(sp.tick));
      expect(Array.from(b.spikes.get(name)!.neuron)).toEqual(Array.from(sp.neuron));
    }
    expect(total).toBeGreaterThan(0);
  });
});

describe("determinism", () => {
  it("the same program always gives the same bytes, and re-encoding a decoded program changes nothing", () => {
    fc.assert(fc.property(randomParams, (params) => {
      const once = encodeProgram(randomProgram(params));
      expect(encodeProgram(randomProgram(params))).toEqual(once);
      expect(encodeProgram(decodeProgram(once))).toEqual(once);
    }), { numRuns: 60 });
  });

  it("arrays that are views at odd offsets of larger buffers encode like fresh arrays", () => {
    const p = tinyProgram();
    const viewOf = <A extends NumericArray>(a: A): A => {
      const ctor = a.constructor as new (b: ArrayBuffer, off: number, len: number) => A;
      const buf = new ArrayBuffer(a.byteLength + 3 * a.BYTES_PER_ELEMENT);
      const v = new ctor(buf, 2 * a.BYTES_PER_ELEMENT, a.length);
      bytesOf(v).set(bytesOf(a));
      return v;
    };
    const mapArrays = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isNumericArray(v) ? viewOf(v) : v])) as T;
    const views: ChipProgram = { ...p, cores: p.cores.map((c) => ({ ...c, neurons: mapArrays(c.neurons), crossbar: mapArrays(c.crossbar), routing: mapArrays(c.routing) })) };
    expect(encodeProgram(views)).toEqual(encodeProgram(p));
  });
});

describe("little-endian helpers", () => {
  // A big-endian host keeps each element's bytes in the reverse order of a little-endian one; the
  // swap path (hostLittleEndian = false) must reverse them element by element, bit-exactly.
  it.skipIf(endianness() !== "LE")("the fast path is the raw memory; the big-endian path reverses each element's bytes (needs a little-endian test machine)", () => {
    expect(Array.from(littleEndianBytes(Uint32Array.of(0x01020304, 0xfffffffe), true))).toEqual([4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff]);
    expect(Array.from(littleEndianBytes(Uint32Array.of(0x01020304, 0xfffffffe), false))).toEqual([1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe]);
    expect(Array.from(littleEndianBytes(Uint16Array.of(0x0102), false))).toEqual([1, 2]);
    expect(Array.from(littleEndianBytes(Uint8Array.of(1, 2), false))).toEqual([1, 2]);
    expect(Array.from(fromLittleEndianBytes(Uint32Array, Uint8Array.of(4, 3, 2, 1), true))).toEqual([0x01020304]);
    expect(Array.from(fromLittleEndianBytes(Uint32Array, Uint8Array.of(1, 2, 3, 4), false))).toEqual([0x01020304]);
    expect(Array.from(fromLittleEndianBytes(Uint16Array, Uint8Array.of(1, 2), false))).toEqual([0x0102]);
  });

  it("both paths round-trip every Float64 bit pattern (-0, NaN payload, subnormal)", () => {
    const bits = [0x8000_0000_0000_0000n, 0x3ff8_0000_0000_0000n, PAYLOAD_NAN_BITS, 1n];
    const f64 = new Float64Array(BigUint64Array.from(bits).buffer);
    for (const hostLittleEndian of [true, false]) {
      const back = fromLittleEndianBytes(Float64Array, littleEndianBytes(f64, hostLittleEndian), hostLittleEndian);
      expect(Array.from(new BigUint64Array(back.buffer))).toEqual(bits);
    }
    const expected = new Uint8Array(32);
    bits.forEach((x, i) => new DataView(expected.buffer).setBigUint64(8 * i, x, true));
    expect(littleEndianBytes(f64)).toEqual(expected); // the default path writes little-endian bytes on any host
  });
});

describe("header", () => {
  it("a wrong magic gives E_PROGRAM_MAGIC (also for JSON and empty-looking files)", () => {
    const bytes = encodeProgram(tinyProgram());
    const bad = bytes.slice();
    bad[6] = 0x58; // "AERPROX\0"
    expect(expectDecodeError(bad, ProgramErrorCode.magic).byteOffset).toBe(6);
    expectDecodeError(new TextEncoder().encode('{"format": "aerchip-program"}'), ProgramErrorCode.magic);
    expectDecodeError(Uint8Array.of(0), ProgramErrorCode.magic);
  });

  it("another schema version gives E_PROGRAM_VERSION with a hint to recompile or upgrade", () => {
    const body = encodeProgram(tinyProgram()).subarray(PROGRAM_HEADER_BYTES, -5);
    const newer = expectDecodeError(frame(body, 2), ProgramErrorCode.version, "version");
    expect(newer.hint).toMatch(/newer/);
    expect(newer.hint).toMatch(/aerchip compile/);
    const older = expectDecodeError(frame(body, 0), ProgramErrorCode.version, "version");
    expect(older.hint).toMatch(/recompile/);
    expectDecodeError(frame(body, 0xffffffff), ProgramErrorCode.version);
  });

  it("an empty file and a bare header are truncated", () => {
    expectDecodeError(new Uint8Array(0), ProgramErrorCode.truncated);
    expectDecodeError(PROGRAM_MAGIC.slice(0, 5), ProgramErrorCode.truncated);
    expectDecodeError(encodeProgram(tinyProgram()).slice(0, PROGRAM_HEADER_BYTES), ProgramErrorCode.truncated, "checksumCrc32");
  });
});

describe("damaged files", () => {
  it("cutting the file at every offset gives E_PROGRAM_TRUNCATED", () => {
    const bytes = encodeProgram(tinyProgram());
    for (let k = 0; k < bytes.length; k++) expectDecodeError(bytes.slice(0, k), ProgramErrorCode.truncated);
  });

  it("a cut inside a weight array names that array", () => {
    const p = tinyProgram();
    const bytes = encodeProgram(p);
    // Find the encoded weights of cores[1] (24 bytes) and cut half-way through them.
    const w = bytesOf(p.cores[1].crossbar.synWeight);
    const at = Buffer.from(bytes).indexOf(Buffer.from(w));
    expect(at).toBeGreaterThan(0);
    expectDecodeError(bytes.slice(0, at + 12), ProgramErrorCode.truncated, "cores[1].crossbar.synWeight");
  });

  it("cutting random programs at random offsets gives E_PROGRAM_TRUNCATED", () => {
    fc.assert(fc.property(randomParams, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (params, frac) => {
      const bytes = encodeProgram(randomProgram(params));
      const e = decodeError(bytes.slice(0, Math.floor(frac * bytes.length)));
      expect(e.code).toBe(ProgramErrorCode.truncated);
    }), { numRuns: 200 });
  });

  it("flipping any single bit is caught (magic, version, checksum or structure), always as an AerchipError", () => {
    const bytes = encodeProgram(tinyProgram());
    const seen = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (let b = 0; b < 8; b++) {
        const bad = bytes.slice();
        bad[i] ^= 1 << b;
        const e = decodeError(bad);
        seen.add(e.code);
        if (i < 8) expect(e.code).toBe(ProgramErrorCode.magic);
        else if (i < 12) expect(e.code).toBe(ProgramErrorCode.version);
        else expect([ProgramErrorCode.corrupt, ProgramErrorCode.truncated, ProgramErrorCode.limit]).toContain(e.code);
      }
    }
    expect(seen).toContain(ProgramErrorCode.corrupt);
  });

  it("random byte damage to random programs never escapes as another exception type", () => {
    fc.assert(fc.property(randomParams, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (params, edits) => {
      const bad = encodeProgram(randomProgram(params));
      for (const [pos, x] of edits) bad[PROGRAM_HEADER_BYTES + (pos % (bad.length - PROGRAM_HEADER_BYTES))] ^= x;
      expect(decodeError(bad)).toBeInstanceOf(AerchipError);
    }), { numRuns: 300 });
  });

  it("damage behind a valid checksum is still refused with the field named", () => {
    // Wrong wire type for a known field: coresPerTile (varint) written as length-delimited.
    const body = programMessageType().encode(messageOf(tinyProgram())).finish();
    const withBadField = new Uint8Array([...body, (4 << 3) | 2, 1, 0]);
    expectDecodeError(frame(withBadField), ProgramErrorCode.corrupt, "coresPerTile");
    // A group (wire type 3), which the format never uses.
    expectDecodeError(frame(new Uint8Array([...body, (14 << 3) | 3])), ProgramErrorCode.corrupt, "#14");
    // A varint of 11 bytes.
    expectDecodeError(frame(new Uint8Array([...body, (2 << 3) | 0, ...new Array<number>(10).fill(0xff), 1])), ProgramErrorCode.corrupt, "meshWidthTiles");
    // A uint32 field holding 2^32.
    expectDecodeError(frame(new Uint8Array([...body, (2 << 3) | 0, 0x80, 0x80, 0x80, 0x80, 0x10])), ProgramErrorCode.corrupt, "meshWidthTiles");
    // A nested message longer than its parent.
    expectDecodeError(frame(new Uint8Array([(8 << 3) | 2, 3, (4 << 3) | 2, 9, 0])), ProgramErrorCode.corrupt, "cores[0].crossbar");
    // Invalid UTF-8 in a name is refused by protobufjs, and wrapped.
    expectDecodeError(frame(new Uint8Array([(1 << 3) | 2, 2, 0xc3, 0x28])), ProgramErrorCode.corrupt);
    // Bytes after the checksum.
    const good = encodeProgram(tinyProgram());
    expectDecodeError(new Uint8Array([...good, 0]), ProgramErrorCode.corrupt, "checksumCrc32");
  });

  it("unknown fields (a later compatible writer) are skipped", () => {
    const body = programMessageType().encode(messageOf(tinyProgram())).finish();
    // Field 12 is the NIR record now (audit s23a #2), so the unknown length-delimited field is 13.
    const extra = new Uint8Array([...body, 0x80, 0x01, 0x96, 0x01, (13 << 3) | 2, 2, 7, 7, (14 << 3) | 5, 1, 2, 3, 4, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
      0x98, 0x06, 0x2a]); // field 16 fixed64 (tag 0x81 0x01); field 99 (a two-byte tag), varint 42
    expect(canonical(decodeProgram(frame(extra)))).toEqual(canonical(tinyProgram()));
  });
});

describe("inconsistent contents (valid checksum)", () => {
  const L = ProgramErrorCode.length;
  const R = ProgramErrorCode.range;
  const cases: Array<[string, (m: Record<string, any>) => void, string, string]> = [
    ["neuron params shorter than neuronCount", (m) => { m.cores[1].neurons.bias = m.cores[1].neurons.bias.subarray(0, 8); }, L, "cores[1].neurons.bias"],
    ["a uint8 param longer than neuronCount", (m) => { m.cores[0].neurons.kind = Uint8Array.of(1, 1, 1, 1); }, L, "cores[0].neurons.kind"],
    ["weights not a whole number of float64", (m) => { m.cores[1].crossbar.synWeight = m.cores[1].crossbar.synWeight.subarray(0, 31); }, L, "cores[1].crossbar.synWeight"],
    ["weights one synapse short", (m) => { m.cores[1].crossbar.synWeight = m.cores[1].crossbar.synWeight.subarray(0, 24); }, L, "cores[1].crossbar.synWeight"],
    ["delays not a whole number of uint16", (m) => { m.cores[1].crossbar.synDelayTicks = Uint8Array.of(1, 0, 1); }, L, "cores[1].crossbar.synDelayTicks"],
    ["axonRowPtr length ≠ axonCount + 1", (m) => { m.cores[1].crossbar.axonCount = 4; }, L, "cores[1].crossbar.axonRowPtr"],
    ["axonRowPtr decreasing", (m) => { m.cores[1].crossbar.axonRowPtr = bytesOf(Uint32Array.of(0, 3, 2, 4)); }, R, "cores[1].crossbar.axonRowPtr[2]"],
    ["axonRowPtr not ending at the synapse count", (m) => { m.cores[1].crossbar.axonRowPtr = bytesOf(Uint32Array.of(0, 2, 3, 3)); }, R, "cores[1].crossbar.axonRowPtr[3]"],
    ["axonRowPtr not starting at 0", (m) => { m.cores[1].crossbar.axonRowPtr = bytesOf(Uint32Array.of(1, 2, 3, 4)); }, R, "cores[1].crossbar.axonRowPtr[0]"],
    ["target beyond neuronCount", (m) => { m.cores[1].crossbar.synTarget = bytesOf(Uint32Array.of(0, 1, 1, 2)); }, R, "cores[1].crossbar.synTarget[3]"],
    ["delay 0", (m) => { m.cores[1].crossbar.synDelayTicks = bytesOf(Uint16Array.of(1, 0, 2, 3)); }, R, "cores[1].crossbar.synDelayTicks[1]"],
    ["delay beyond maxDelayTicks", (m) => { m.maxDelayTicks = 2; }, R, "cores[1].crossbar.synDelayTicks[3]"],
    ["projection index out of range", (m) => { m.cores[1].crossbar.synProjection = bytesOf(Uint16Array.of(0, 0, 1, 0)); }, R, "cores[1].crossbar.synProjection[2]"],
    ["synIndex beyond the projection's synapse count", (m) => { m.projections[0].synapseCount = 3; }, R, "cores[1].crossbar.synIndex[3]"],
    ["routePtr length ≠ neuronCount + 1", (m) => { m.cores[0].routing.routePtr = bytesOf(Uint32Array.of(0, 1, 3)); }, L, "cores[0].routing.routePtr"],
    ["routePtr decreasing", (m) => { m.cores[0].routing.routePtr = bytesOf(Uint32Array.of(0, 2, 1, 3)); }, R, "cores[0].routing.routePtr[2]"],
    ["route to a core the program lacks", (m) => { m.cores[0].routing.routeDestCore = bytesOf(Uint32Array.of(0, 2, 0)); }, R, "cores[0].routing.routeDestCore[1]"],
    ["route to an axon the core lacks", (m) => { m.cores[0].routing.routeDestAxon = bytesOf(Uint32Array.of(0, 1, 3)); }, R, "cores[0].routing.routeDestAxon[2]"],
    ["route arrays of different lengths", (m) => { m.cores[0].routing.routeDestAxon = bytesOf(Uint32Array.of(0, 1)); }, L, "cores[0].routing.routeDestAxon"],
    ["an unknown reset mode", (m) => { m.cores[1].neurons.resetMode = Uint8Array.of(0, maxCode(ResetMode) + 1); }, R, "cores[1].neurons.resetMode[1]"],
    ["an unknown dynamics code", (m) => { m.cores[1].neurons.dynamics = Uint8Array.of(maxCode(NeuronDynamics) + 1, 0); }, R, "cores[1].neurons.dynamics[0]"],
    ["a forceUpdate flag of 2", (m) => { m.cores[1].neurons.forceUpdate = Uint8Array.of(0, 2); }, R, "cores[1].neurons.forceUpdate[1]"],
    ["an optional array of the wrong length", (m) => { m.cores[1].neurons.vReverseReset = new Uint8Array(8); }, L, "cores[1].neurons.vReverseReset"],
    ["an optional array present but empty on a core with neurons", (m) => { m.cores[1].neurons.vTruncScale = new Uint8Array(0); }, L, "cores[1].neurons.vTruncScale"],
    ["an unknown plasticity rule", (m) => { m.projections[0].plasticity.rule = "triplet"; }, R, "projections[0].plasticity.rule"],
    ["a core id outside the mesh", (m) => { m.cores[0].coreId = 4; }, R, "cores[0].coreId"],
    ["two cores with one id", (m) => { m.cores[1].coreId = 3; }, R, "cores[1].coreId"],
    ["a missing crossbar", (m) => { m.cores[0].crossbar = null; }, L, "cores[0].crossbar.axonRowPtr"],
    ["a block on a core that does not exist", (m) => { m.populations[1].blocks[0].coreIndex = 2; }, R, "populations[1].blocks[0].coreIndex"],
    ["a block beyond its core", (m) => { m.populations[1].blocks[0].neuronStart = 1; }, R, "populations[1].blocks[0]"],
    ["blocks not covering the population", (m) => { m.populations[0].blocks[0].count = 2; m.populations[0].shape = [3]; }, R, "populations[0]"],
    ["a core neuron in no population", (m) => { m.populations[0].blocks[0].count = 2; m.populations[0].size = 2; m.populations[0].shape = [2]; }, R, "cores[0]"],
    ["a shape that does not multiply to the size", (m) => { m.populations[1].shape = [3]; }, R, "populations[1].shape"],
    ["an unknown population kind", (m) => { m.populations[0].kind = 7; }, R, "populations[0].kind"],
    ["duplicate population names", (m) => { m.populations[1].name = "in"; }, R, "populations[1].name"],
    ["a projection from a missing population", (m) => { m.projections[0].pre = "nope"; }, R, "projections[0].pre"],
    ["a zero-width mesh", (m) => { m.meshWidthTiles = 0; }, R, "meshWidthTiles"],
  ];
  it.each(cases)("%s", (_what, edit, code, field) => {
    expectDecodeError(forge(edit), code, field);
  });

  it("the unedited forge decodes (so each case above fails for its own edit)", () => {
    expect(canonical(decodeProgram(forge(() => {})))).toEqual(canonical(tinyProgram()));
  });

  it("absurd counts are refused by the wire scan, before protobufjs builds the messages", () => {
    const n = PROGRAM_LIMITS.maxProjections + 1;
    const body = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) { body[2 * i] = (10 << 3) | 2; body[2 * i + 1] = 0; } // n empty Projection messages
    const e = expectDecodeError(frame(body), ProgramErrorCode.limit, "projections");
    expect(e.byteOffset).toBe(PROGRAM_HEADER_BYTES + 2 * (n - 1));
  });
});

describe("encoding validates", () => {
  it("refuses an inconsistent program with the field named and a bug hint", () => {
    const p = tinyProgram();
    const bad: ChipProgram = { ...p, cores: [p.cores[0], { ...p.cores[1], crossbar: { ...p.cores[1].crossbar, synTarget: Uint32Array.of(0, 1, 1, 9) } }] };
    let err: unknown;
    try { encodeProgram(bad); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AerchipError);
    expect((err as AerchipError).code).toBe(ProgramErrorCode.range);
    expect((err as AerchipError).field).toBe("cores[1].crossbar.synTarget[3]");
    expect((err as AerchipError).hint).toMatch(/bug/);
  });

  it("refuses a wrong array type, a non-integer count and an unpaired surrogate", () => {
    const p = tinyProgram();
    const wrongType = { ...p, cores: [{ ...p.cores[0], neurons: { ...p.cores[0].neurons, refractoryTicks: new Int32Array(3) } }, p.cores[1]] } as unknown as ChipProgram;
    expect(() => encodeProgram(wrongType)).toThrow(expect.objectContaining({ code: ProgramErrorCode.type, field: "cores[0].neurons.refractoryTicks" }));
    expect(() => encodeProgram({ ...p, defaultSteps: 2.5 })).toThrow(expect.objectContaining({ code: ProgramErrorCode.range, field: "defaultSteps" }));
    expect(() => encodeProgram({ ...p, defaultSteps: 2 ** 32 })).toThrow(expect.objectContaining({ code: ProgramErrorCode.range, field: "defaultSteps" }));
    expect(() => encodeProgram({ ...p, modelName: "a\uD800b" })).toThrow(expect.objectContaining({ code: ProgramErrorCode.range, field: "modelName" }));
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-codec-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes atomically (no temporary file left), overwrites, and reads back", () => {
    const path = join(dir, "program.aerprog");
    writeFileSync(path, "old contents");
    writeProgramFile(path, tinyProgram());
    expect(readdirSync(dir)).toEqual(["program.aerprog"]);
    expect(new Uint8Array(readFileSync(path))).toEqual(encodeProgram(tinyProgram()));
    expect(canonical(readProgramFile(path))).toEqual(canonical(tinyProgram()));
  });

  it("an invalid program is not written at all", () => {
    const path = join(dir, "invalid.aerprog");
    expect(() => writeProgramFile(path, { ...tinyProgram(), maxDelayTicks: 0 })).toThrow(AerchipError);
    expect(readdirSync(dir)).not.toContain("invalid.aerprog");
  });

  it("read and write failures are AerchipErrors naming the file", () => {
    const missing = join(dir, "missing.aerprog");
    expect(() => readProgramFile(missing)).toThrow(expect.objectContaining({ code: ProgramErrorCode.notFound, file: missing }));
    const sub = join(dir, "a-directory");
    mkdirSync(sub);
    expect(() => readProgramFile(sub)).toThrow(expect.objectContaining({ code: ProgramErrorCode.read, file: sub }));
    const nowhere = join(dir, "no", "such", "dir", "p.aerprog");
    expect(() => writeProgramFile(nowhere, tinyProgram())).toThrow(expect.objectContaining({ code: ProgramErrorCode.write, file: nowhere }));
    const damaged = join(dir, "damaged.aerprog");
    writeFileSync(damaged, encodeProgram(tinyProgram()).subarray(0, 40));
    expect(() => readProgramFile(damaged)).toThrow(expect.objectContaining({ code: ProgramErrorCode.truncated, file: damaged }));
  });
});

describe("fixed-point programs", () => {
  it("fixedPoint and per-population state scales round-trip", async () => {
    const { compileModel } = await import("../../../compiler/compile.ts");
    const { loadJsonModel } = await import("../../../compiler/frontends/load-model.ts");
    const { loadPreset } = await import("../../../chip/spec/load.ts");
    const model = loadJsonModel("examples/demo/ei-small.net.json");
    const { program } = compileModel(model.graph, loadPreset("loihi"), { precision: "fixed" });
    const back = decodeProgram(encodeProgram(program));
    expect(back.fixedPoint).toEqual({ decayBits: 12, stateBits: 24, currentBits: 24 });
    expect(back.populations.map((p) => p.stateScaleExp)).toEqual(program.populations.map((p) => p.stateScaleExp));
    expect(back.populations.find((p) => p.name === "in")!.stateScaleExp).toBeUndefined();
    expect(encodeProgram(back)).toEqual(encodeProgram(program));
  });
});
