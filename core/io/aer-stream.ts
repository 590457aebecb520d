/**
 * AER spike-stream files (`.aers`): a stream of (tick, source, address) events in tick order.
 *
 * Layout (schema and rationale in aer-stream-schema.ts): varint-length-prefixed protobuf messages,
 * one `Header` then `Chunk`s, the last flagged `final`. Each chunk carries its events as little-endian
 * packed uint32 ticks, uint32 addresses and (optionally) uint16 source ids in `bytes` fields; the decoder
 * copies them into fresh, aligned typed arrays (a view of the file's bytes could be misaligned and would
 * pin the whole buffer).
 *
 * A stream is untrusted input. Every failure is an AerchipError `E_AER_*` carrying the file (when given)
 * and the byte offset where the problem was found: a cut stream (E_AER_TRUNCATED — including one cut
 * exactly between chunks, caught by the missing final chunk), a file that is not a stream (E_AER_BAD_MAGIC),
 * a length beyond AER_STREAM_LIMITS or disagreeing with the event count (E_AER_BAD_LENGTH), a malformed
 * message (E_AER_CORRUPT), decreasing ticks (E_AER_NON_MONOTONIC), and so on. No length read from the
 * file sizes an allocation before it has been checked against the limits and the bytes actually present.
 *
 * `readAerStreamChunks` reads a file through one buffer of `bufferBytes` (growing only to fit a single
 * chunk, at most AER_STREAM_LIMITS.maxChunkBytes), so arbitrarily long recordings stream in bounded memory.
 */
import { open, type FileHandle } from "node:fs/promises";
import protobuf from "protobufjs";
import { AerchipError } from "../diagnostics.ts";
import { writeFileAtomic } from "../atomic-write.ts";
import { AER_STREAM_MAGIC, AER_STREAM_MAGIC_PREFIX, AER_STREAM_VERSION, aerChunkType, aerHeaderType } from "./aer-stream-schema.ts";

export const AerStreamErrorCode = {
  notFound: "E_AER_NOT_FOUND",
  read: "E_AER_READ",
  /** The stream ends before a message it declares, or before its final chunk. */
  truncated: "E_AER_TRUNCATED",
  /** The data does not start like an AER stream. */
  badMagic: "E_AER_BAD_MAGIC",
  /** Written with another format version. */
  version: "E_AER_VERSION",
  /** A message length beyond AER_STREAM_LIMITS, or an event array whose size disagrees with the event count. */
  badLength: "E_AER_BAD_LENGTH",
  /** A message protobuf cannot decode, a malformed length prefix, or bytes after the final chunk. */
  corrupt: "E_AER_CORRUPT",
  /** Header values out of range: tick duration, source names, shapes. */
  badHeader: "E_AER_BAD_HEADER",
  /** A tick smaller than the one before it. */
  nonMonotonic: "E_AER_NON_MONOTONIC",
  /** A negative or non-integer tick (encoding only: the file format stores uint32). */
  badTick: "E_AER_BAD_TICK",
  /** A source id with no entry in the header. */
  badSource: "E_AER_BAD_SOURCE",
  /** An address at or beyond the size of its source's shape. */
  badAddress: "E_AER_BAD_ADDRESS",
  /** Arguments to the encoder that cannot describe a stream (array lengths, chunk size). */
  badInput: "E_AER_BAD_INPUT",
} as const;
export type AerStreamErrorCode = (typeof AerStreamErrorCode)[keyof typeof AerStreamErrorCode];

const MAX_CHUNK_EVENTS = 1 << 22;

/** Bounds checked before anything read from a stream sizes an allocation. */
export const AER_STREAM_LIMITS = {
  maxHeaderBytes: 1 << 20,
  /** Events in one chunk (4,194,304): about 42 MB of event data. */
  maxChunkEvents: MAX_CHUNK_EVENTS,
  /** A chunk message: 10 bytes per event (4 tick + 4 address + 2 source) plus tags and lengths. */
  maxChunkBytes: 10 * MAX_CHUNK_EVENTS + 64,
  /** Source ids are uint16. */
  maxSources: 1 << 16,
  maxShapeRank: 32,
} as const;

export const DEFAULT_CHUNK_EVENTS = 65536;

export interface AerStreamSource {
  readonly name: string;
  /** Row-major shape; [] means addresses are opaque 32-bit words (no bound is checked). */
  readonly shape: readonly number[];
}

export interface AerStreamHeader {
  readonly version: number;
  /** Duration of one tick in microseconds. */
  readonly tickUs: number;
  readonly sources: readonly AerStreamSource[];
}

export interface AerStreamInput {
  readonly tickUs: number;
  readonly sources: readonly AerStreamSource[];
  /** Non-decreasing, non-negative integer ticks. */
  readonly tick: Uint32Array | Int32Array;
  readonly address: Uint32Array;
  /** Source id per event (index into `sources`); omitted means every event is from source 0. */
  readonly source?: Uint16Array;
}

export interface AerStreamData {
  readonly header: AerStreamHeader;
  readonly tick: Uint32Array;
  readonly address: Uint32Array;
  readonly source: Uint16Array;
}

export interface AerStreamChunk extends AerStreamData {
  /** Index in the whole stream of this chunk's first event. */
  readonly firstEvent: number;
  /** Offset in the file of this chunk's length prefix. */
  readonly byteOffset: number;
  readonly final: boolean;
}

// ---------------------------------------------------------------------------------------------
// Errors.

interface Ctx {
  readonly file: string | undefined;
}

const READ_HINT = "pass a stream written by aerchip (encodeAerStream / writeAerStreamFile); if it was copied, copy it again completely";

function fail(ctx: Ctx, code: AerStreamErrorCode, field: string, message: string, byteOffset?: number, hint: string = READ_HINT, cause?: unknown): never {
  const where = ctx.file === undefined ? "AER stream" : `AER stream ${ctx.file}`;
  throw new AerchipError(code, `${where}: ${field} ${message}`, {
    ...(ctx.file === undefined ? {} : { file: ctx.file }),
    field,
    hint,
    ...(byteOffset === undefined ? {} : { byteOffset }),
    ...(cause === undefined ? {} : { cause }),
  });
}

// ---------------------------------------------------------------------------------------------
// Little-endian typed arrays.

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The little-endian bytes of `a` (a view on little-endian hosts, a swapped copy otherwise). */
function leBytes(a: Uint32Array | Int32Array | Uint16Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  if (a instanceof Uint16Array) for (let i = 0; i < a.length; i++) dv.setUint16(2 * i, a[i], true);
  else for (let i = 0; i < a.length; i++) dv.setUint32(4 * i, a[i] >>> 0, true);
  return out;
}

/** A fresh Uint32Array of the little-endian words in `src` (src.length is a multiple of 4). */
function u32FromLe(src: Uint8Array): Uint32Array {
  const out = new Uint32Array(src.length >>> 2);
  if (HOST_LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src);
  else { const dv = new DataView(src.buffer, src.byteOffset, src.byteLength); for (let i = 0; i < out.length; i++) out[i] = dv.getUint32(4 * i, true); }
  return out;
}

function u16FromLe(src: Uint8Array): Uint16Array {
  const out = new Uint16Array(src.length >>> 1);
  if (HOST_LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src);
  else { const dv = new DataView(src.buffer, src.byteOffset, src.byteLength); for (let i = 0; i < out.length; i++) out[i] = dv.getUint16(2 * i, true); }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Header validation (shared by the encoder and the decoder).

const TWO_POW_32 = 4294967296;

/**
 * Checks tickUs and sources; returns each source's address bound (product of its shape, or 2^32 for an
 * unshaped source). `at` is the byte offset reported for decode errors (undefined when encoding).
 */
function checkHeader(ctx: Ctx, tickUs: number, sources: readonly AerStreamSource[], at: number | undefined, hint: string): Float64Array {
  if (typeof tickUs !== "number" || !Number.isFinite(tickUs) || tickUs <= 0) {
    fail(ctx, AerStreamErrorCode.badHeader, "tickUs", `is ${tickUs}; it must be a finite number of microseconds > 0`, at, hint);
  }
  if (sources.length > AER_STREAM_LIMITS.maxSources) {
    fail(ctx, AerStreamErrorCode.badHeader, "sources", `has ${sources.length} entries; source ids are uint16, so at most ${AER_STREAM_LIMITS.maxSources}`, at, hint);
  }
  const bounds = new Float64Array(sources.length);
  const seen = new Set<string>();
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (typeof s.name !== "string" || s.name === "") fail(ctx, AerStreamErrorCode.badHeader, `sources[${i}].name`, "is empty; every source needs a name", at, hint);
    if (seen.has(s.name)) fail(ctx, AerStreamErrorCode.badHeader, `sources[${i}].name`, `repeats "${s.name}"; source names must be unique`, at, hint);
    seen.add(s.name);
    if (!Array.isArray(s.shape) || s.shape.length > AER_STREAM_LIMITS.maxShapeRank) {
      fail(ctx, AerStreamErrorCode.badHeader, `sources[${i}].shape`, `must be an array of at most ${AER_STREAM_LIMITS.maxShapeRank} dimensions`, at, hint);
    }
    let size = s.shape.length === 0 ? TWO_POW_32 : 1;
    for (let d = 0; d < s.shape.length; d++) {
      const dim = s.shape[d];
      if (!Number.isInteger(dim) || dim < 1 || dim > 0xffffffff) {
        fail(ctx, AerStreamErrorCode.badHeader, `sources[${i}].shape[${d}]`, `is ${dim}; dimensions are integers in [1, 2^32 - 1]`, at, hint);
      }
      size *= dim;
      if (size > TWO_POW_32) fail(ctx, AerStreamErrorCode.badHeader, `sources[${i}].shape`, `has ${s.shape.join("×")} elements, more than the 2^32 a uint32 address can index`, at, hint);
    }
    bounds[i] = size;
  }
  return bounds;
}

/**
 * Checks events [lo, hi) of one chunk: ticks non-decreasing from `lastTick`, source ids in range,
 * addresses below their source's bound. Returns the last tick. `tickAt(i)`-style offsets are computed
 * from `ticksAt`/`sourcesAt`/`addressesAt` (file offsets of element 0), undefined when encoding.
 */
function checkEvents(
  ctx: Ctx, tick: Uint32Array | Int32Array, address: Uint32Array, source: Uint16Array | undefined, bounds: Float64Array,
  lastTick: number, firstEvent: number, offsets: { ticks: number; addresses: number; sources: number } | undefined, hint: string,
): number {
  const n = tick.length;
  const nSources = bounds.length;
  const isInt32 = tick instanceof Int32Array;
  let last = lastTick;
  for (let i = 0; i < n; i++) {
    const t = tick[i];
    if (t < last) {
      if (isInt32 && t < 0) fail(ctx, AerStreamErrorCode.badTick, `tick[${firstEvent + i}]`, `is ${t}; ticks are non-negative integers (stored as uint32)`, undefined, hint);
      fail(ctx, AerStreamErrorCode.nonMonotonic, `tick[${firstEvent + i}]`, `is ${t}, less than the tick ${last} before it; events must be in non-decreasing tick order`,
        offsets === undefined ? undefined : offsets.ticks + 4 * i, hint);
    }
    last = t;
    const s = source === undefined ? 0 : source[i];
    if (s >= nSources) {
      fail(ctx, AerStreamErrorCode.badSource, `source[${firstEvent + i}]`, `is ${s}; the header names ${nSources} source(s)`,
        offsets === undefined ? undefined : offsets.sources + 2 * i, hint);
    }
    if (address[i] >= bounds[s]) {
      fail(ctx, AerStreamErrorCode.badAddress, `address[${firstEvent + i}]`, `is ${address[i]}; source ${s} has ${bounds[s]} addresses (its shape's size)`,
        offsets === undefined ? undefined : offsets.addresses + 4 * i, hint);
    }
  }
  return last;
}

// ---------------------------------------------------------------------------------------------
// Encoding.

const WRITE_HINT = "pass non-decreasing non-negative integer ticks, source ids below the number of sources and addresses inside each source's shape";

/** Serialises events into a stream; events are split into chunks of at most `chunkEvents`. */
export function encodeAerStream(input: AerStreamInput, chunkEvents: number = DEFAULT_CHUNK_EVENTS): Uint8Array {
  const ctx: Ctx = { file: undefined };
  if (!Number.isInteger(chunkEvents) || chunkEvents < 1 || chunkEvents > AER_STREAM_LIMITS.maxChunkEvents) {
    fail(ctx, AerStreamErrorCode.badInput, "chunkEvents", `is ${chunkEvents}; it must be an integer in [1, ${AER_STREAM_LIMITS.maxChunkEvents}]`, undefined, "use the default chunk size");
  }
  const { tick, address, source } = input;
  if (!(tick instanceof Uint32Array || tick instanceof Int32Array)) fail(ctx, AerStreamErrorCode.badInput, "tick", "must be a Uint32Array or Int32Array", undefined, WRITE_HINT);
  if (!(address instanceof Uint32Array)) fail(ctx, AerStreamErrorCode.badInput, "address", "must be a Uint32Array", undefined, WRITE_HINT);
  if (address.length !== tick.length) fail(ctx, AerStreamErrorCode.badInput, "address", `has ${address.length} elements but tick has ${tick.length}; they must match`, undefined, WRITE_HINT);
  if (source !== undefined) {
    if (!(source instanceof Uint16Array)) fail(ctx, AerStreamErrorCode.badInput, "source", "must be a Uint16Array", undefined, WRITE_HINT);
    if (source.length !== tick.length) fail(ctx, AerStreamErrorCode.badInput, "source", `has ${source.length} elements but tick has ${tick.length}; they must match`, undefined, WRITE_HINT);
  }
  const bounds = checkHeader(ctx, input.tickUs, input.sources, undefined, WRITE_HINT);
  checkEvents(ctx, tick, address, source, bounds, 0, 0, undefined, WRITE_HINT);

  const w = protobuf.Writer.create();
  aerHeaderType.encodeDelimited({
    magic: AER_STREAM_MAGIC,
    version: AER_STREAM_VERSION,
    tickUs: input.tickUs,
    sources: input.sources.map((s) => ({ name: s.name, shape: [...s.shape] })),
  }, w);
  const n = tick.length;
  let lo = 0;
  do {
    const hi = Math.min(n, lo + chunkEvents);
    aerChunkType.encodeDelimited({
      eventCount: hi - lo,
      ticks: leBytes(tick.subarray(lo, hi)),
      addresses: leBytes(address.subarray(lo, hi)),
      ...(source === undefined ? {} : { sources: leBytes(source.subarray(lo, hi)) }),
      final: hi === n,
    }, w);
    lo = hi;
  } while (lo < n);
  return w.finish();
}

/** encodeAerStream written atomically to `path` (see core/atomic-write.ts). */
export function writeAerStreamFile(path: string, input: AerStreamInput, chunkEvents: number = DEFAULT_CHUNK_EVENTS): void {
  writeFileAtomic(path, encodeAerStream(input, chunkEvents));
}

// ---------------------------------------------------------------------------------------------
// Decoding: framing.

/** Result of `frame`: NEED_MORE when the buffer ends before the message and more data may follow. */
const NEED_MORE = -1;

interface Frame {
  /** Offsets in the buffer of the message body. */
  bodyStart: number;
  bodyEnd: number;
  /** When NEED_MORE: bytes needed from `pos` to hold the whole message, or 0 if not known yet. */
  need: number;
}

/**
 * Locates the length-delimited message at buf[pos..end). `base` is the file offset of buf[0]; `eof` says
 * no data follows `end`. Returns NEED_MORE (setting f.need) when more bytes are required and !eof.
 */
function frame(ctx: Ctx, buf: Uint8Array, pos: number, end: number, base: number, eof: boolean, isHeader: boolean, f: Frame): number {
  const at = base + pos;
  const what = isHeader ? "header" : "chunk";
  if (pos === end && eof) {
    if (isHeader) fail(ctx, AerStreamErrorCode.truncated, "header", "is missing: the stream is empty", at);
    fail(ctx, AerStreamErrorCode.truncated, "chunk", "is missing: the stream ends before its final chunk", at);
  }
  // Varint length prefix: at most 5 bytes for a uint32.
  let len = 0;
  let scale = 1;
  let p = pos;
  for (;;) {
    if (p === end) {
      if (eof) fail(ctx, AerStreamErrorCode.truncated, what, "length prefix is cut off by the end of the stream", at);
      f.need = 0;
      return NEED_MORE;
    }
    const byte = buf[p++];
    len += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 128;
    if (p - pos === 5) {
      if (isHeader) fail(ctx, AerStreamErrorCode.badMagic, "header", "does not start with a valid length prefix; this is not an AER stream", at, "pass an AER stream file (.aers)");
      fail(ctx, AerStreamErrorCode.corrupt, what, "length prefix is longer than 5 bytes", at);
    }
  }
  if (isHeader) {
    // The magic right after the prefix identifies the format before the length is trusted.
    for (let k = 0; k < AER_STREAM_MAGIC_PREFIX.length; k++) {
      if (p + k === end) {
        if (eof) fail(ctx, AerStreamErrorCode.truncated, "header", "is cut off inside its magic", base + p + k);
        f.need = p - pos + AER_STREAM_MAGIC_PREFIX.length;
        return NEED_MORE;
      }
      if (buf[p + k] !== AER_STREAM_MAGIC_PREFIX[k]) {
        fail(ctx, AerStreamErrorCode.badMagic, "header.magic", `is not "${AER_STREAM_MAGIC}": this is not an AER stream`, base + p + k, "pass an AER stream file (.aers) written by aerchip");
      }
    }
  }
  const limit = isHeader ? AER_STREAM_LIMITS.maxHeaderBytes : AER_STREAM_LIMITS.maxChunkBytes;
  if (len > limit) fail(ctx, AerStreamErrorCode.badLength, what, `declares ${len} bytes; at most ${limit} are allowed`, at);
  if (end - p < len) {
    if (eof) fail(ctx, AerStreamErrorCode.truncated, what, `declares ${len} bytes but the stream ends ${end - p} bytes later`, at);
    f.need = p - pos + len;
    return NEED_MORE;
  }
  f.bodyStart = p;
  f.bodyEnd = p + len;
  return p + len;
}

// ---------------------------------------------------------------------------------------------
// Decoding: messages.

type PbMessage = Readonly<Record<string, unknown>>;

function decodeMessage(ctx: Ctx, type: protobuf.Type, body: Uint8Array, at: number, what: string): PbMessage {
  try {
    return type.decode(body) as unknown as PbMessage;
  } catch (e) {
    fail(ctx, AerStreamErrorCode.corrupt, what, `is not a valid ${type.name} message (${(e as Error).message})`, at, READ_HINT, e);
  }
}

function bytesOf(m: PbMessage, key: string): Uint8Array {
  const v = m[key];
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

/** File offset of a bytes field decoded from `body` (protobufjs returns views); the body's offset otherwise. */
function fieldOffset(field: Uint8Array, body: Uint8Array, bodyAt: number): number {
  return field.buffer === body.buffer && field.byteOffset >= body.byteOffset ? bodyAt + (field.byteOffset - body.byteOffset) : bodyAt;
}

interface DecodeState {
  header: AerStreamHeader | undefined;
  bounds: Float64Array;
  lastTick: number;
  events: number;
  final: boolean;
}

function newState(): DecodeState {
  return { header: undefined, bounds: new Float64Array(0), lastTick: 0, events: 0, final: false };
}

function decodeHeader(ctx: Ctx, st: DecodeState, body: Uint8Array, bodyAt: number): void {
  const m = decodeMessage(ctx, aerHeaderType, body, bodyAt, "header");
  if (m["magic"] !== AER_STREAM_MAGIC) fail(ctx, AerStreamErrorCode.badMagic, "header.magic", `is not "${AER_STREAM_MAGIC}"`, bodyAt);
  const version = typeof m["version"] === "number" ? m["version"] : 0;
  if (version !== AER_STREAM_VERSION) {
    fail(ctx, AerStreamErrorCode.version, "header.version", `is ${version}; this aerchip reads version ${AER_STREAM_VERSION}`, bodyAt,
      version > AER_STREAM_VERSION ? "the stream was written by a newer aerchip; upgrade aerchip" : "re-record the stream with this aerchip");
  }
  const rawSources = Array.isArray(m["sources"]) ? (m["sources"] as PbMessage[]) : [];
  const sources: AerStreamSource[] = rawSources.map((s) => ({
    name: typeof s["name"] === "string" ? s["name"] : "",
    shape: Array.isArray(s["shape"]) ? (s["shape"] as unknown[]).map(Number) : [],
  }));
  const tickUs = typeof m["tickUs"] === "number" ? m["tickUs"] : 0;
  st.bounds = checkHeader(ctx, tickUs, sources, bodyAt, READ_HINT);
  st.header = { version, tickUs, sources };
}

function decodeChunk(ctx: Ctx, st: DecodeState, body: Uint8Array, bodyAt: number, prefixAt: number): AerStreamChunk {
  const m = decodeMessage(ctx, aerChunkType, body, bodyAt, "chunk");
  const count = typeof m["eventCount"] === "number" ? m["eventCount"] : 0;
  const ticks = bytesOf(m, "ticks");
  const addresses = bytesOf(m, "addresses");
  const sources = bytesOf(m, "sources");
  const ticksAt = fieldOffset(ticks, body, bodyAt);
  const addressesAt = fieldOffset(addresses, body, bodyAt);
  const sourcesAt = fieldOffset(sources, body, bodyAt);
  if (count > AER_STREAM_LIMITS.maxChunkEvents) fail(ctx, AerStreamErrorCode.badLength, "chunk.eventCount", `is ${count}; at most ${AER_STREAM_LIMITS.maxChunkEvents} events fit one chunk`, bodyAt);
  if (ticks.length !== 4 * count) fail(ctx, AerStreamErrorCode.badLength, "chunk.ticks", `holds ${ticks.length} bytes; ${count} events need ${4 * count}`, ticksAt);
  if (addresses.length !== 4 * count) fail(ctx, AerStreamErrorCode.badLength, "chunk.addresses", `holds ${addresses.length} bytes; ${count} events need ${4 * count}`, addressesAt);
  if (sources.length !== 0 && sources.length !== 2 * count) fail(ctx, AerStreamErrorCode.badLength, "chunk.sources", `holds ${sources.length} bytes; ${count} events need ${2 * count} (or 0)`, sourcesAt);
  const tick = u32FromLe(ticks);
  const address = u32FromLe(addresses);
  const source = sources.length === 0 ? new Uint16Array(count) : u16FromLe(sources);
  const header = st.header as AerStreamHeader;
  st.lastTick = checkEvents(ctx, tick, address, source, st.bounds, st.lastTick, st.events, { ticks: ticksAt, addresses: addressesAt, sources: sourcesAt }, READ_HINT);
  const firstEvent = st.events;
  st.events += count;
  st.final = m["final"] === true;
  return { header, tick, address, source, firstEvent, byteOffset: prefixAt, final: st.final };
}

/** Decodes a whole stream held in memory. `file` only names the source in errors. */
export function decodeAerStream(bytes: Uint8Array, file?: string): AerStreamData {
  const ctx: Ctx = { file };
  const st = newState();
  const f: Frame = { bodyStart: 0, bodyEnd: 0, need: 0 };
  const end = bytes.length;
  let pos = frame(ctx, bytes, 0, end, 0, true, true, f);
  decodeHeader(ctx, st, bytes.subarray(f.bodyStart, f.bodyEnd), f.bodyStart);
  const chunks: AerStreamChunk[] = [];
  while (!st.final) {
    const at = pos;
    pos = frame(ctx, bytes, pos, end, 0, true, false, f);
    chunks.push(decodeChunk(ctx, st, bytes.subarray(f.bodyStart, f.bodyEnd), f.bodyStart, at));
  }
  if (pos !== end) fail(ctx, AerStreamErrorCode.corrupt, "stream", `has ${end - pos} bytes after its final chunk`, pos);
  return { header: st.header as AerStreamHeader, ...concatChunks(chunks, st.events) };
}

function concatChunks(chunks: readonly AerStreamChunk[], total: number): { tick: Uint32Array; address: Uint32Array; source: Uint16Array } {
  if (chunks.length === 1) return { tick: chunks[0].tick, address: chunks[0].address, source: chunks[0].source };
  const tick = new Uint32Array(total);
  const address = new Uint32Array(total);
  const source = new Uint16Array(total);
  for (const c of chunks) {
    tick.set(c.tick, c.firstEvent);
    address.set(c.address, c.firstEvent);
    source.set(c.source, c.firstEvent);
  }
  return { tick, address, source };
}

// ---------------------------------------------------------------------------------------------
// Streaming reader.

export interface ReadAerStreamOptions {
  /** Size of the read buffer (default 1 MiB); it grows only to fit a chunk larger than this. */
  readonly bufferBytes?: number;
}

/**
 * Yields the chunks of the stream file at `path` in order, each with the header and the index of its
 * first event, reading through a bounded buffer. Every chunk is validated before it is yielded; an error
 * (E_AER_*) is thrown where the stream breaks, after the chunks before it were yielded.
 */
export async function* readAerStreamChunks(path: string, options: ReadAerStreamOptions = {}): AsyncGenerator<AerStreamChunk, void, undefined> {
  const ctx: Ctx = { file: path };
  const bufferBytes = options.bufferBytes ?? 1 << 20;
  if (!Number.isInteger(bufferBytes) || bufferBytes < 16 || bufferBytes > AER_STREAM_LIMITS.maxChunkBytes + 16) {
    fail(ctx, AerStreamErrorCode.badInput, "bufferBytes", `is ${bufferBytes}; it must be an integer in [16, ${AER_STREAM_LIMITS.maxChunkBytes + 16}]`, undefined, "omit bufferBytes to use the default");
  }
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    fail(ctx, notFound ? AerStreamErrorCode.notFound : AerStreamErrorCode.read, "file", notFound ? "does not exist" : `cannot be opened: ${(e as Error).message}`,
      undefined, "check the path of the AER stream file", e);
  }
  try {
    let buf = new Uint8Array(bufferBytes);
    let start = 0; // first unconsumed byte in buf
    let end = 0; // end of valid data in buf
    let base = 0; // file offset of buf[0]
    let eof = false;
    const readMore = async (): Promise<void> => {
      if (start > 0) { // compact: move the unconsumed bytes to the front
        buf.copyWithin(0, start, end);
        end -= start;
        base += start;
        start = 0;
      }
      let n: number;
      try {
        n = (await fh.read(buf, end, buf.length - end, base + end)).bytesRead;
      } catch (e) {
        fail(ctx, AerStreamErrorCode.read, "file", `cannot be read: ${(e as Error).message}`, base + end, "check the file and the disk", e);
      }
      if (n === 0) eof = true;
      end += n;
    };
    const st = newState();
    const f: Frame = { bodyStart: 0, bodyEnd: 0, need: 0 };
    for (;;) {
      const at = base + start;
      const next = frame(ctx, buf, start, end, base, eof, st.header === undefined, f);
      if (next === NEED_MORE) {
        if (f.need > buf.length) { // one message larger than the buffer (bounded by the limits `frame` checked)
          const grown = new Uint8Array(Math.max(f.need, 2 * buf.length));
          grown.set(buf.subarray(start, end));
          end -= start;
          base += start;
          start = 0;
          buf = grown;
        }
        await readMore();
        continue;
      }
      const body = buf.subarray(f.bodyStart, f.bodyEnd);
      const bodyAt = base + f.bodyStart;
      start = next;
      if (st.header === undefined) {
        decodeHeader(ctx, st, body, bodyAt);
        continue;
      }
      const chunk = decodeChunk(ctx, st, body, bodyAt, at);
      if (chunk.final) {
        // Nothing may follow the final chunk.
        if (start === end && !eof) await readMore();
        if (start !== end) fail(ctx, AerStreamErrorCode.corrupt, "stream", "has bytes after its final chunk", base + start);
      }
      yield chunk;
      if (chunk.final) return;
    }
  } finally {
    await fh.close();
  }
}
