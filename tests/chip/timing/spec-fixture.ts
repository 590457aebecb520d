/** A small hand-written ChipSpec for timing tests: round latencies so expected values are exact. */
import type { ChipSpec, CostEntry } from "../../../chip/spec/types.ts";

const c = (value: number): CostEntry => ({ value, source: "test fixture", evidence: "derived" });

export interface FixtureLatencies {
  access?: number; update?: number; spike?: number; out?: number; in?: number;
  synDense?: number; synConv?: number; hopEW?: number; hopNS?: number;
  /** latencyNeuronInactiveNs and latencyInTileSpikeNs: absent (0) unless given, as in SANA-FE files. */
  inactive?: number; inTile?: number;
}

export function timingSpec(width: number, height: number, coresPerTile: number, lat: FixtureLatencies = {}, linkBufferPackets = 16, sync: ChipSpec["sync"]["table"] = [{ tiles: 1, latencyNs: 0 }]): ChipSpec {
  return {
    format: "aerchip-chip-spec", version: 1, name: "timing-fixture", description: "test", source: "test",
    mesh: { widthTiles: width, heightTiles: height, coresPerTile, linkBufferPackets },
    core: { maxNeurons: 1024, maxInputAxons: 4096, maxOutputAxons: 4096, synapseMemoryBits: 1 << 20, maxDelayTicks: 1, maxFanOutCores: 0 },
    precision: { weightBits: 8, weightSigned: true, delayBits: 0, stateBits: 24, currentBits: 24, decayBits: 12, thresholdBits: 17, traceBits: 7, refractoryBits: 8 },
    synapseEncoding: { kind: "sparse", extraBitsPerSynapse: 0 },
    costs: {
      latencySynOpNs: c(lat.synDense ?? 1),
      synapseEncodings: { dense: { latencySynOpNs: c(lat.synDense ?? 1) }, conv: { latencySynOpNs: c(lat.synConv ?? 0.5) } },
      latencyNeuronAccessNs: c(lat.access ?? 2),
      latencyNeuronUpdateNs: c(lat.update ?? 3),
      latencySpikeOutNs: c(lat.spike ?? 10),
      latencyPacketOutNs: c(lat.out ?? 5),
      latencyPacketInNs: c(lat.in ?? 7),
      latencyHopEastWestNs: c(lat.hopEW ?? 4),
      latencyHopNorthSouthNs: c(lat.hopNS ?? 6),
      ...(lat.inactive === undefined ? {} : { latencyNeuronInactiveNs: c(lat.inactive) }),
      ...(lat.inTile === undefined ? {} : { latencyInTileSpikeNs: c(lat.inTile) }),
    },
    sync: { table: sync, interpolation: "step", source: "test" },
  };
}
