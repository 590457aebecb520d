/**
 * AER streams whose addresses are not pixels: the packet streams `aerchip run --packets-out` writes, and
 * any stream source without an event geometry. They are decoded as what they are, packets, to CSV:
 *
 *   tick,t_us,address                       a source with no shape (opaque 32-bit words; streams written
 *                                           before the layout was recorded)
 *   tick,t_us,address,x,y,core,axon         aerchip's packet source ("packets", shape [2^xBits, 2^yBits,
 *                                           2^coreBits, 2^axonBits]): the address unravelled in C order into
 *                                           the destination tile (x, y), core in that tile and axon
 *   tick,t_us,address,i0,…,i(r−1)           another source of rank r ≥ 4, unravelled in C order
 *
 * with t_us = tick · tickUs of the stream. The CSV is written streaming (one chunk at a time).
 */
import { AER_PACKET_SOURCE } from "../../aer.ts";
import { readAerStreamChunks, type AerStreamSource } from "../aer-stream.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { writeFileStreaming } from "./file-io.ts";

/** Whether a source's addresses are not pixels: no shape, or a rank above 3 (events need [P, H, W], [H, W] or [N]). */
export function isAddressSource(s: AerStreamSource): boolean {
  return s.shape.length === 0 || s.shape.length > 3;
}

/** The selected source of an AER stream file (by name or index, default 0), read from its header. */
export async function aerStreamSource(path: string, want: string | number = 0): Promise<AerStreamSource> {
  for await (const c of readAerStreamChunks(path)) {
    const sources = c.header.sources;
    const id = typeof want === "number" ? want : sources.findIndex((s) => s.name === want);
    const s = sources[id];
    if (s === undefined) {
      throw eventsError(EventsErrorCode.options, `the stream has no source ${JSON.stringify(want)} (sources: ${sources.map((x) => x.name).join(", ") || "none"})`, "choose one of the stream's sources", { file: path, field: "source" });
    }
    return s;
  }
  // readAerStreamChunks yields at least the final chunk of a valid stream.
  throw eventsError(EventsErrorCode.truncated, "the stream has no chunk", "pass a complete stream", { file: path });
}

/** Column names of the fields an address unravels into (none for an unshaped source). */
export function addressFieldNames(s: AerStreamSource): string[] {
  if (s.shape.length === 0) return [];
  if (s.name === AER_PACKET_SOURCE && s.shape.length === 4) return ["x", "y", "core", "axon"];
  return s.shape.map((_, i) => `i${i}`);
}

/** Writes one source of an AER stream as packet CSV (see the module comment). Returns the packets written. */
export async function writeAerPacketsCsv(inPath: string, outPath: string, want: string | number = 0): Promise<number> {
  const source = await aerStreamSource(inPath, want);
  const fields = addressFieldNames(source);
  const dims = source.shape;
  const enc = new TextEncoder();
  let count = 0;
  await writeFileStreaming(outPath, async (w) => {
    await w.write(enc.encode(["tick", "t_us", "address", ...fields].join(",") + "\n"));
    let sourceId = -1;
    const coords = new Array<number>(dims.length);
    for await (const c of readAerStreamChunks(inPath)) {
      if (sourceId < 0) sourceId = typeof want === "number" ? want : c.header.sources.findIndex((s) => s.name === want);
      const tickUs = c.header.tickUs;
      const lines: string[] = [];
      for (let k = 0; k < c.tick.length; k++) {
        if (c.source[k] !== sourceId) continue;
        const a = c.address[k];
        let line = `${c.tick[k]},${c.tick[k] * tickUs},${a}`;
        // C order: the last dimension varies fastest.
        let rest = a;
        for (let d = dims.length - 1; d >= 0; d--) {
          coords[d] = rest % dims[d];
          rest = Math.floor(rest / dims[d]);
        }
        for (let d = 0; d < dims.length; d++) line += `,${coords[d]}`;
        lines.push(line);
      }
      if (lines.length > 0) await w.write(enc.encode(lines.join("\n") + "\n"));
      count += lines.length;
    }
  });
  return count;
}
