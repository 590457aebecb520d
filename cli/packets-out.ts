/**
 * `--packets-out FILE`: every AER packet a run sends (tick, destination address), as an AER protobuf
 * stream (core/io/aer-stream.ts). Shared by the three kinds of run (JSON/SANA-FE models, NIR graphs,
 * compiled programs) so that the option means the same for each.
 *
 * The tracer is handed to the simulation as a hook (RunHooks.tracePackets); the stream is rendered after
 * the run and written as one file of the command's output set (core/atomic-write.ts writeOutputSet), so a
 * failed run leaves no packet file. The stream's tick length is --tick-us (1000 µs by default, the CLI's
 * tick), which is what a reader of the stream needs to place packets in time. The source "packets" has the
 * shape [2^xBits, 2^yBits, 2^coreBits, 2^axonBits] of the run's address layout (core/aer.ts aerLayoutShape),
 * so an address unravels in C order into the destination (tile x, tile y, core in tile, axon) without the
 * chip (`aerchip convert packets.aer packets.csv`; docs/events.md, "Packet streams").
 */
import { resolve } from "node:path";
import { AER_PACKET_SOURCE, AerPacketBuffer, aerLayoutShape } from "../core/aer.ts";
import type { OutputFile } from "../core/atomic-write.ts";

/** Initial capacity of the tracer, packets (it grows as needed). */
const INITIAL_PACKETS = 1 << 16;

/** A tracer when --packets-out was given, else undefined. */
export function packetTracer(packetsOut: string | undefined): AerPacketBuffer | undefined {
  return packetsOut === undefined ? undefined : new AerPacketBuffer(INITIAL_PACKETS);
}

/** The packet stream as one output file (undefined without --packets-out). */
export async function packetsOutFile(trace: AerPacketBuffer | undefined, packetsOut: string | undefined, tickUs: number | undefined): Promise<OutputFile | undefined> {
  if (trace === undefined || packetsOut === undefined) return undefined;
  // The AER stream writer (protobufjs) is loaded only when asked for.
  const { encodeAerStream } = await import("../core/io/aer-stream.ts");
  return {
    path: resolve(packetsOut), role: "--packets-out",
    data: encodeAerStream({ tickUs: tickUs ?? 1000, sources: [{ name: AER_PACKET_SOURCE, shape: (trace.layout === undefined ? null : aerLayoutShape(trace.layout)) ?? [] }], tick: trace.tickView(), address: trace.addressView() }),
  };
}
