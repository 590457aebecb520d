/**
 * The protobuf schema of aerchip's AER spike-stream files (`.aers`), kept as text and parsed once by
 * protobufjs when this module loads.
 *
 * A file is a sequence of length-delimited messages (each: a base-128 varint byte count, then the
 * message): first one `Header`, then `Chunk`s, the last of which has `final = true`. Nothing may follow
 * the final chunk. The final flag is what makes a stream cut at a chunk boundary detectably incomplete.
 *
 * Events are (tick, source, address) triples in non-decreasing tick order. Per chunk they travel as `bytes`
 * fields holding little-endian packed arrays — protobufjs would decode `repeated uint32` into a plain JS
 * array of boxed numbers, which is slow and large. The header's magic is field 1, so every stream starts
 * with: varint header length, 0x0a 0x04 "AERS".
 *
 * Field numbers are the stable contract: never renumber or reuse one; a change an older reader would
 * misread bumps AER_STREAM_VERSION.
 */
import protobuf from "protobufjs";

/** Written in Header.version; a reader refuses any other value. */
export const AER_STREAM_VERSION = 1 as const;

/** Header.magic. */
export const AER_STREAM_MAGIC = "AERS" as const;

export const AER_STREAM_PROTO = `
syntax = "proto3";

package aerchip.aerstream.v1;

message Header {
  // Always "AERS" and always the first field, so a stream's first bytes identify it.
  string magic = 1;
  // AER_STREAM_VERSION of the writer.
  uint32 version = 2;
  // Duration of one tick in microseconds (> 0): event time = tick * tick_us.
  double tick_us = 3;
  // Event sources; an event's source id indexes this list.
  repeated Source sources = 4;
}

// A named group of addresses, e.g. one input population.
message Source {
  string name = 1;
  // Row-major shape. When non-empty, an address of this source is a flat index below the product of
  // the shape. When empty, addresses are opaque 32-bit words (e.g. packed AER packets).
  repeated uint32 shape = 2;
}

message Chunk {
  // Events in this chunk; every array below holds exactly this many elements.
  uint32 event_count = 1;
  // uint32 little-endian per event: the tick, non-decreasing over the whole stream.
  bytes ticks = 2;
  // uint32 little-endian per event: the address.
  bytes addresses = 3;
  // uint16 little-endian per event: the source id. Empty means every event comes from source 0.
  bytes sources = 4;
  // True on the last chunk of the stream only.
  bool final = 5;
}
`;

const root = protobuf.parse(AER_STREAM_PROTO, { keepCase: false }).root;

export const aerHeaderType: protobuf.Type = root.lookupType("aerchip.aerstream.v1.Header");
export const aerChunkType: protobuf.Type = root.lookupType("aerchip.aerstream.v1.Chunk");

/** The bytes every stream's Header message starts with: tag of field 1 (wire type 2), length 4, "AERS". */
export const AER_STREAM_MAGIC_PREFIX: Uint8Array = Uint8Array.of(0x0a, 0x04, 0x41, 0x45, 0x52, 0x53);
