/** Small inline SANA-FE files for the front-end tests. */

export interface MiniArchOptions {
  readonly width?: number;
  readonly height?: number;
  readonly tiles?: number;
  readonly coresPerTile?: number;
  readonly maxNeurons?: number;
  readonly bufferPosition?: string;
  readonly dendriteModel?: string;
  readonly extraSoma?: string;
}

/** A 2-core-per-tile architecture with one synapse, dendrite, LIF soma and input soma unit. */
export function miniArch(o: MiniArchOptions = {}): string {
  const tiles = o.tiles ?? 2;
  const cores = o.coresPerTile ?? 2;
  return `architecture:
  name: mini
  attributes:
    width: ${o.width ?? 2}
    height: ${o.height ?? 1}
    link_buffer_size: 4
    sync_model: table
    latency_sync: {1: 1.0e-7, 3: 3.0e-7}
  tile:
    - name: t[0..${tiles - 1}]
      attributes:
        energy_north_hop: 2.0e-12
        latency_north_hop: 2.0e-9
        energy_east_hop: 1.0e-12
        latency_east_hop: 1.0e-9
        energy_south_hop: 2.0e-12
        latency_south_hop: 2.0e-9
        energy_west_hop: 1.0e-12
        latency_west_hop: 1.0e-9
      core:
        - name: c[0..${cores - 1}]
          attributes:
            buffer_position: ${o.bufferPosition ?? "soma"}
            max_neurons_supported: ${o.maxNeurons ?? 64}
          axon_in:
            - name: ain
              attributes: {energy_message_in: 1.0e-12, latency_message_in: 4.0e-9}
          synapse:
            - name: dense_syn
              attributes: {model: current_based, energy_process_spike: 10.0e-12, latency_process_spike: 1.0e-9}
            - name: sparse_syn
              attributes: {model: current_based, energy_process_spike: 12.0e-12, latency_process_spike: 2.0e-9}
          dendrite:
            - name: den
              attributes: {model: ${o.dendriteModel ?? "accumulator"}, energy_update: 0.0, latency_update: 0.0}
          soma:
            - name: lif
              attributes: {model: leaky_integrate_fire, energy_access_neuron: 1.0e-12, latency_access_neuron: 1.0e-9,
                energy_update_neuron: 2.0e-12, latency_update_neuron: 2.0e-9, energy_spike_out: 3.0e-12, latency_spike_out: 3.0e-9}
            - name: inp[0..1]
              attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}
${o.extraSoma ?? ""}          axon_out:
            - name: aout
              attributes: {energy_message_out: 5.0e-12, latency_message_out: 5.0e-9}
`;
}
