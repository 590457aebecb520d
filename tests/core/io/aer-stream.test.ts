/**
 * AER stream files: exact round trips (in memory, across chunk boundaries, through the streaming reader
 * on a temp file with a tiny buffer), and a coded E_AER_* error with a byte offset for every truncation
 * and for damaged or inconsistent streams — never a raw exception.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import protobuf from "protobufjs";
import { afterAll, describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { createRng } from "../../../core/rng.ts";
import {
  AER_STREAM_LIMITS, AerStreamErrorCode, decodeAerStream, encodeAerStream, readAerStreamChunks, writeAerStreamFile,
  type AerStreamChunk, type AerStreamInput,
} from "../../../core/io/aer-stream.ts";
import { AER_STREAM_VERSION, aerChunkType, aerHeaderType } from "../../../core/io/aer-stream-schema.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-aer-stream-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
let fileCounter = 0;
function tempFile(bytes: Uint8Array): string {
  const p = join(TMP, `s${fileCounter++}.aers`);
  writeFileSync(p, bytes);
  return p;
}

const SOURCES = [{ name: "retina", shape: [4, 8] }, { name: "packets", shape: [] }, { name: "cochlea", shape: [64] }] as const;

/** Random valid events from a seeded stream: sorted ticks, source ids and addresses inside each source. */
function randomInput(seed: number, n: number, withSource = true): AerStreamInput {
  const rng = createRng(seed);
  const tick = new Uint32Array(n);
  const address = new Uint32Array(n);
  const source = new Uint16Array(n);
  let t = rng.nextBelow(5);
  for (let i = 0; i < n; i++) {
    t += rng.nextBelow(3) === 0 ? rng.nextBelow(4) : 0;
    tick[i] = t;
    const s = withSource ? rng.nextBelow(3) : 0;
    source[i] = s;
    address[i] = s === 0 ? rng.nextBelow(32) : s === 1 ? rng.nextUint32() : rng.nextBelow(64);
  }
  return { tickUs: 1000, sources: SOURCES.map((s) => ({ name: s.name, shape: [...s.shape] })), tick, address, ...(withSource ? { source } : {}) };
}

function codeOf(f: () => unknown): AerchipError {
  try {
    f();
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`raw exception escaped: ${String(e)}`);
  }
  throw new Error("expected an AerchipError, but the call succeeded");
}

async function asyncError(p: () => Promise<unknown>): Promise<AerchipError> {
  try {
    await p();
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`raw exception escaped: ${String(e)}`);
  }
  throw new Error("expected an AerchipError, but the call succeeded");
}

async function collect(path: string, bufferBytes?: number): Promise<AerStreamChunk[]> {
  const out: AerStreamChunk[] = [];
  for await (const c of readAerStreamChunks(path, bufferBytes === undefined ? {} : { bufferBytes })) out.push(c);
  return out;
}

function concat(chunks: readonly AerStreamChunk[], key: "tick" | "address" | "source"): number[] {
  return chunks.flatMap((c) => Array.from(c[key]));
}

describe("AER stream encode/decode", () => {
  it("round-trips header and events exactly", () => {
    const input = randomInput(1, 500);
    const out = decodeAerStream(encodeAerStream(input));
    expect(out.header).toEqual({ version: AER_STREAM_VERSION, tickUs: 1000, sources: input.sources });
    expect(Array.from(out.tick)).toEqual(Array.from(input.tick));
    expect(Array.from(out.address)).toEqual(Array.from(input.address));
    expect(Array.from(out.source)).toEqual(Array.from(input.source as Uint16Array));
    expect(out.tick).toBeInstanceOf(Uint32Array);
    expect(out.source).toBeInstanceOf(Uint16Array);
  });

  it("round-trips across chunk boundaries for any chunk size (property)", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(300), fc.integer({ min: 1, max: 70 }), fc.boolean(), (seed, n, chunkEvents, withSource) => {
        const input = randomInput(seed, n, withSource);
        const bytes = encodeAerStream(input, chunkEvents);
        const out = decodeAerStream(bytes);
        expect(Array.from(out.tick)).toEqual(Array.from(input.tick));
        expect(Array.from(out.address)).toEqual(Array.from(input.address));
        expect(Array.from(out.source)).toEqual(withSource ? Array.from(input.source as Uint16Array) : new Array(n).fill(0));
      }),
      { seed: 99, numRuns: 120 },
    );
  });

  it("writes little-endian packed uint32 ticks and addresses in chunks of at most chunkEvents (checked with protobufjs directly)", () => {
    const input: AerStreamInput = {
      tickUs: 0.5, sources: [{ name: "in", shape: [300] }],
      tick: Uint32Array.of(1, 1, 2, 70000, 70000), address: Uint32Array.of(0, 1, 2, 258, 299),
    };
    const bytes = encodeAerStream(input, 2);
    const reader = protobuf.Reader.create(bytes);
    const header = aerHeaderType.toObject(aerHeaderType.decodeDelimited(reader)) as Record<string, unknown>;
    expect(header).toMatchObject({ magic: "AERS", version: 1, tickUs: 0.5 });
    const chunks: Record<string, unknown>[] = [];
    while (reader.pos < reader.len) chunks.push(aerChunkType.decodeDelimited(reader) as unknown as Record<string, unknown>);
    expect(chunks.map((c) => c["eventCount"])).toEqual([2, 2, 1]);
    expect(chunks.map((c) => c["final"])).toEqual([false, false, true]);
    // 70000 = 0x00011170 → LE bytes 70 11 01 00; 258 = 0x102 → 02 01 00 00.
    expect(Array.from(chunks[1]["ticks"] as Uint8Array)).toEqual([2, 0, 0, 0, 0x70, 0x11, 0x01, 0x00]);
    expect(Array.from(chunks[1]["addresses"] as Uint8Array)).toEqual([2, 0, 0, 0, 2, 1, 0, 0]);
    // The stream starts with the header length, then field 1 (magic) = "AERS".
    expect(Array.from(bytes.subarray(1, 7))).toEqual([0x0a, 0x04, 0x41, 0x45, 0x52, 0x53]);
  });

  it("accepts Int32Array ticks and an empty stream", () => {
    const out = decodeAerStream(encodeAerStream({ tickUs: 1, sources: [{ name: "a", shape: [2] }], tick: Int32Array.of(0, 5), address: Uint32Array.of(1, 0) }));
    expect(Array.from(out.tick)).toEqual([0, 5]);
    const empty = decodeAerStream(encodeAerStream({ tickUs: 1, sources: [], tick: new Uint32Array(0), address: new Uint32Array(0) }));
    expect(empty.tick.length).toBe(0);
    expect(empty.header.sources).toEqual([]);
  });

  it("refuses to encode invalid events and headers with coded errors", () => {
    const base = { tickUs: 1, sources: [{ name: "a", shape: [4] }, { name: "b", shape: [] }] };
    const enc = (o: Partial<AerStreamInput>, chunk?: number) => encodeAerStream({ ...base, tick: Uint32Array.of(0, 1), address: Uint32Array.of(0, 0), ...o }, chunk);
    expect(codeOf(() => enc({ tick: Uint32Array.of(2, 1) })).code).toBe(AerStreamErrorCode.nonMonotonic);
    expect(codeOf(() => enc({ tick: Int32Array.of(-1, 1) })).code).toBe(AerStreamErrorCode.badTick);
    expect(codeOf(() => enc({ source: Uint16Array.of(0, 2) })).code).toBe(AerStreamErrorCode.badSource);
    expect(codeOf(() => enc({ address: Uint32Array.of(0, 4) })).code).toBe(AerStreamErrorCode.badAddress);
    expect(() => enc({ address: Uint32Array.of(0, 0xffffffff), source: Uint16Array.of(0, 1) })).not.toThrow(); // unshaped source: any address
    expect(codeOf(() => enc({ address: Uint32Array.of(0) })).code).toBe(AerStreamErrorCode.badInput);
    expect(codeOf(() => enc({}, 0)).code).toBe(AerStreamErrorCode.badInput);
    expect(codeOf(() => enc({}, AER_STREAM_LIMITS.maxChunkEvents + 1)).code).toBe(AerStreamErrorCode.badInput);
    expect(codeOf(() => enc({ tickUs: 0 })).code).toBe(AerStreamErrorCode.badHeader);
    expect(codeOf(() => enc({ tickUs: Number.NaN })).code).toBe(AerStreamErrorCode.badHeader);
    expect(codeOf(() => enc({ sources: [{ name: "a", shape: [4] }, { name: "a", shape: [4] }] })).code).toBe(AerStreamErrorCode.badHeader);
    expect(codeOf(() => enc({ sources: [{ name: "", shape: [4] }] })).code).toBe(AerStreamErrorCode.badHeader);
    expect(codeOf(() => enc({ sources: [{ name: "a", shape: [0] }] })).code).toBe(AerStreamErrorCode.badHeader);
    expect(codeOf(() => enc({ sources: [{ name: "a", shape: [65536, 65537] }] })).code).toBe(AerStreamErrorCode.badHeader);
    const e = codeOf(() => enc({ tick: Uint32Array.of(2, 1) }));
    expect(e.field).toBe("tick[1]");
  });
});

describe("AER stream damage", () => {
  const small = encodeAerStream(randomInput(3, 9), 4); // header + 3 chunks

  it("reports E_AER_TRUNCATED with a byte offset for a cut at every byte", () => {
    for (let k = 0; k < small.length; k++) {
      const e = codeOf(() => decodeAerStream(small.subarray(0, k), "cut.aers"));
      expect(e.code, `cut at ${k}`).toBe(AerStreamErrorCode.truncated);
      expect(e.byteOffset, `cut at ${k}`).toBeTypeOf("number");
      expect(e.byteOffset as number).toBeLessThanOrEqual(k);
      expect(e.file).toBe("cut.aers");
    }
    expect(decodeAerStream(small).tick.length).toBe(9);
  });

  it("the streaming reader also reports every cut as E_AER_TRUNCATED (after yielding the intact chunks)", async () => {
    for (let k = 0; k < small.length; k++) {
      const p = tempFile(small.subarray(0, k));
      const seen: AerStreamChunk[] = [];
      const e = await asyncError(async () => { for await (const c of readAerStreamChunks(p, { bufferBytes: 16 })) seen.push(c); });
      expect(e.code, `cut at ${k}`).toBe(AerStreamErrorCode.truncated);
      expect(e.byteOffset).toBeTypeOf("number");
      expect(e.file).toBe(p);
      for (const c of seen) expect(c.byteOffset + 1).toBeLessThanOrEqual(k); // only chunks wholly before the cut
    }
  });

  it("reports bad magic, bad version, bad lengths, trailing bytes and non-monotonic ticks with their codes", () => {
    expect(codeOf(() => decodeAerStream(new TextEncoder().encode('{"not": "a stream"}'))).code).toBe(AerStreamErrorCode.badMagic);
    expect(codeOf(() => decodeAerStream(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).code).toBe(AerStreamErrorCode.badMagic);
    const wrongMagic = Uint8Array.from(small);
    wrongMagic[4] = 0x58; // "AEXS"
    const m = codeOf(() => decodeAerStream(wrongMagic));
    expect([m.code, m.byteOffset]).toEqual([AerStreamErrorCode.badMagic, 4]);

    const w = protobuf.Writer.create();
    aerHeaderType.encodeDelimited({ magic: "AERS", version: 99, tickUs: 1, sources: [] }, w);
    aerChunkType.encodeDelimited({ final: true }, w);
    expect(codeOf(() => decodeAerStream(w.finish())).code).toBe(AerStreamErrorCode.version);

    // A chunk whose tick bytes disagree with its event count.
    const forge = (chunks: Record<string, unknown>[], tail: number[] = []): Uint8Array => {
      const fw = protobuf.Writer.create();
      aerHeaderType.encodeDelimited({ magic: "AERS", version: 1, tickUs: 1, sources: [{ name: "a", shape: [10] }] }, fw);
      for (const c of chunks) aerChunkType.encodeDelimited(c, fw);
      return Uint8Array.from([...fw.finish(), ...tail]);
    };
    const u32 = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);
    expect(codeOf(() => decodeAerStream(forge([{ eventCount: 2, ticks: u32(1), addresses: u32(1, 2), final: true }]))).code).toBe(AerStreamErrorCode.badLength);
    expect(codeOf(() => decodeAerStream(forge([{ eventCount: 1, ticks: u32(1), addresses: u32(1), sources: Uint8Array.of(0, 0, 0), final: true }]))).code).toBe(AerStreamErrorCode.badLength);
    // Non-monotonic within a chunk, and across chunks; the offset points at the offending tick.
    const within = forge([{ eventCount: 2, ticks: u32(5, 4), addresses: u32(1, 2), final: true }]);
    const eWithin = codeOf(() => decodeAerStream(within));
    expect(eWithin.code).toBe(AerStreamErrorCode.nonMonotonic);
    expect(Array.from(within.subarray(eWithin.byteOffset as number, (eWithin.byteOffset as number) + 4))).toEqual([4, 0, 0, 0]);
    const across = forge([{ eventCount: 1, ticks: u32(5), addresses: u32(1) }, { eventCount: 1, ticks: u32(3), addresses: u32(1), final: true }]);
    expect(codeOf(() => decodeAerStream(across)).field).toBe("tick[1]");
    // An address outside the source's shape; a source id with no header entry.
    expect(codeOf(() => decodeAerStream(forge([{ eventCount: 1, ticks: u32(1), addresses: u32(10), final: true }]))).code).toBe(AerStreamErrorCode.badAddress);
    expect(codeOf(() => decodeAerStream(forge([{ eventCount: 1, ticks: u32(1), addresses: u32(1), sources: Uint8Array.of(1, 0), final: true }]))).code).toBe(AerStreamErrorCode.badSource);
    // Bytes after the final chunk.
    const trailing = codeOf(() => decodeAerStream(forge([{ final: true }], [0])));
    expect(trailing.code).toBe(AerStreamErrorCode.corrupt);
    // A chunk length beyond the limit.
    const head = forge([]);
    const huge = Uint8Array.from([...head, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(codeOf(() => decodeAerStream(huge)).code).toBe(AerStreamErrorCode.badLength);
    // A length prefix that never ends.
    expect(codeOf(() => decodeAerStream(Uint8Array.from([...head, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).code).toBe(AerStreamErrorCode.corrupt);
  });

  it("never lets a raw exception escape on random byte damage (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(small.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }), (edits) => {
        const b = Uint8Array.from(small);
        for (const [i, v] of edits) b[i] = v;
        try {
          decodeAerStream(b);
        } catch (e) {
          expect(e).toBeInstanceOf(AerchipError);
          expect((e as AerchipError).code).toMatch(/^E_AER_/);
        }
      }),
      { seed: 4242, numRuns: 400 },
    );
  });
});

describe("readAerStreamChunks", () => {
  it("streams a file written to the OS temp dir, with a buffer smaller than one chunk, into the same events", async () => {
    const input = randomInput(11, 2000);
    const path = join(TMP, "big.aers");
    writeAerStreamFile(path, input, 300);
    for (const bufferBytes of [16, 1000, undefined]) {
      const chunks = await collect(path, bufferBytes);
      expect(chunks.length).toBe(7); // ceil(2000 / 300)
      expect(chunks.map((c) => c.firstEvent)).toEqual([0, 300, 600, 900, 1200, 1500, 1800]);
      expect(chunks.map((c) => c.final)).toEqual([false, false, false, false, false, false, true]);
      expect(concat(chunks, "tick")).toEqual(Array.from(input.tick));
      expect(concat(chunks, "address")).toEqual(Array.from(input.address));
      expect(concat(chunks, "source")).toEqual(Array.from(input.source as Uint16Array));
      expect(chunks[0].header.sources.map((s) => s.name)).toEqual(["retina", "packets", "cochlea"]);
    }
  });

  it("yields one empty final chunk (with the header) for a stream without events", async () => {
    const path = tempFile(encodeAerStream({ tickUs: 2, sources: [{ name: "x", shape: [1] }], tick: new Uint32Array(0), address: new Uint32Array(0) }));
    const chunks = await collect(path);
    expect(chunks.length).toBe(1);
    expect(chunks[0].final).toBe(true);
    expect(chunks[0].tick.length).toBe(0);
    expect(chunks[0].header.tickUs).toBe(2);
  });

  it("reports a missing file, trailing bytes and bad magic as E_AER_* errors", async () => {
    expect((await asyncError(() => collect(join(TMP, "missing.aers")))).code).toBe(AerStreamErrorCode.notFound);
    const good = encodeAerStream(randomInput(5, 10));
    const trailing = tempFile(Uint8Array.from([...good, 1, 2, 3]));
    const e = await asyncError(() => collect(trailing, 16));
    expect([e.code, e.byteOffset]).toEqual([AerStreamErrorCode.corrupt, good.length]);
    const notAers = tempFile(new TextEncoder().encode("hello world, not a stream"));
    expect((await asyncError(() => collect(notAers))).code).toBe(AerStreamErrorCode.badMagic);
  });
});
