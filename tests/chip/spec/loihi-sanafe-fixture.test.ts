/**
 * The loihi-sanafe preset against SANA-FE's own file (../shared/fixtures/sanafe/loihi.yaml, a copy
 * of arch/loihi.yaml @8951ab0): every figure must be the YAML's, converted J → pJ and s → ns.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadPreset } from "../../../chip/spec/load.ts";
import { SKIP_MSG } from "../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const YAML_FILE = resolve(SHARED, "fixtures/sanafe/loihi.yaml");
const hasFixture = existsSync(YAML_FILE);

type Attrs = Record<string, unknown>;
interface Unit { name: string; attributes: Attrs }

describe.skipIf(!hasFixture)(`loihi-sanafe matches SANA-FE's loihi.yaml ${SKIP_MSG}`, () => {
  const y = hasFixture ? (parse(readFileSync(YAML_FILE, "utf8")) as { architecture: Attrs & { attributes: Attrs; tile: Array<{ attributes: Attrs; core: Array<Record<string, Unit[]> & { attributes: Attrs }> }> } }) : undefined;
  const spec = loadPreset("loihi-sanafe");
  const pj = (j: unknown): number => Math.round(Number(j) * 1e12 * 1e6) / 1e6;
  const ns = (s: unknown): number => Math.round(Number(s) * 1e9 * 1e6) / 1e6;

  it("has the YAML's mesh and neuron limit", () => {
    const a = y!.architecture.attributes;
    expect(spec.mesh.widthTiles).toBe(a.width);
    expect(spec.mesh.heightTiles).toBe(a.height);
    expect(spec.mesh.linkBufferPackets).toBe(a.link_buffer_size);
    const core = y!.architecture.tile[0].core[0];
    expect(spec.core.maxNeurons).toBe(core.attributes.max_neurons_supported);
  });

  it("has the YAML's hop costs", () => {
    const t = y!.architecture.tile[0].attributes;
    const c = spec.costs;
    expect(c.energyHopEastWestPj?.value).toBe(pj(t.energy_east_hop));
    expect(c.energyHopEastWestPj?.value).toBe(pj(t.energy_west_hop));
    expect(c.latencyHopEastWestNs?.value).toBe(ns(t.latency_east_hop));
    expect(c.energyHopNorthSouthPj?.value).toBe(pj(t.energy_north_hop));
    expect(c.energyHopNorthSouthPj?.value).toBe(pj(t.energy_south_hop));
    expect(c.latencyHopNorthSouthNs?.value).toBe(ns(t.latency_north_hop));
  });

  it("has the YAML's soma, axon and synapse costs", () => {
    const core = y!.architecture.tile[0].core[0];
    const lif = core.soma.find((u) => u.attributes.model === "leaky_integrate_fire")!.attributes;
    const c = spec.costs;
    expect(c.energyNeuronAccessPj?.value).toBe(pj(lif.energy_access_neuron));
    expect(c.latencyNeuronAccessNs?.value).toBe(ns(lif.latency_access_neuron));
    expect(c.energyNeuronUpdatePj?.value).toBe(pj(lif.energy_update_neuron));
    expect(c.latencyNeuronUpdateNs?.value).toBe(ns(lif.latency_update_neuron));
    expect(c.energySpikeOutPj?.value).toBe(pj(lif.energy_spike_out));
    expect(c.latencySpikeOutNs?.value).toBe(ns(lif.latency_spike_out));
    expect(c.energyPacketOutPj?.value).toBe(pj(core.axon_out[0].attributes.energy_message_out));
    expect(c.latencyPacketOutNs?.value).toBe(ns(core.axon_out[0].attributes.latency_message_out));
    expect(c.energyPacketInPj?.value).toBe(pj(core.axon_in[0].attributes.energy_message_in));
    expect(c.latencyPacketInNs?.value).toBe(ns(core.axon_in[0].attributes.latency_message_in));
    const byName = (n: string): Attrs => core.synapse.find((u) => u.name === n)!.attributes;
    for (const [enc, unit] of [["dense", "loihi_dense_synapse"], ["sparse", "loihi_sparse_synapse"], ["conv", "loihi_conv_synapse"]] as const) {
      const e = spec.costs.synapseEncodings?.[enc];
      expect(e?.energySynOpPj?.value, enc).toBe(pj(byName(unit).energy_process_spike));
      expect(e?.latencySynOpNs?.value, enc).toBe(ns(byName(unit).latency_process_spike));
    }
  });

  it("has the YAML's sync table", () => {
    const a = y!.architecture.attributes;
    expect(a.sync_model).toBe("table");
    const rows = Object.entries(a.latency_sync as Record<string, number>).map(([k, v]) => ({ tiles: Number(k), latencyNs: ns(v) }));
    expect(spec.sync.table).toEqual(rows);
  });
});
