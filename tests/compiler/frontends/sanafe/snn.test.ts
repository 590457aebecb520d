import { describe, expect, it } from "vitest";
import { parseSanafeArch } from "../../../../compiler/frontends/sanafe/arch.ts";
import { loadSanafe } from "../../../../compiler/frontends/sanafe/index.ts";
import { parseSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn-parse.ts";
import { lowerSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn.ts";
import { sanafeStimulus } from "../../../../compiler/frontends/sanafe/stimulus.ts";
import { NeuronDynamics, ResetMode, ThresholdOp } from "../../../../chip/program/types.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { miniArch } from "./fixtures.ts";

const arch = parseSanafeArch(miniArch(), "mini.yaml");
const lower = (net: string, a = arch) => lowerSanafeNetwork(parseSanafeNetwork(net, "net.yaml"), a);
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};
const triples = (p: { preIndex: Uint32Array; postIndex: Uint32Array; weight: Float64Array }) =>
  Array.from(p.preIndex, (s, k) => [s, p.postIndex[k], p.weight[k]]);

describe("SANA-FE network lowering", () => {
  it("maps leaky_integrate_fire attributes (group defaults, per-neuron overrides, soma sections) to sanafeLif params", () => {
    const m = lower(`network:
  name: attrs
  groups:
    - name: a
      attributes: {threshold: 5, leak_decay: 0.5, reset_mode: soft, bias: 1}
      neurons:
        - 0..2: {}
        - 1: {refractory_delay: 3, soma: {threshold: 7}, reverse_threshold: -4, reverse_reset_mode: saturate}
        - 2: [{potential: 2.5}, {reset_mode: saturate, force_update: true, input_decay: 0.25}]
  edges: []
mappings:
  - a: {core: 0.0}
`);
    // SANA-FE sizes a group by counting every entry: 0..2 (3) + 1 + 2 = 5 neurons; 3 and 4 keep the defaults.
    expect(m.graph.populations[0].size).toBe(5);
    const p = m.graph.populations[0].params;
    expect(p).toBeDefined();
    if (p === undefined) return;
    const S = ResetMode.subtract;
    expect(Array.from(p.vThreshold)).toEqual([5, 7, 5, 5, 5]);
    expect(Array.from(p.voltageDecay)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(p.currentDecay)).toEqual([0, 0, 0.25, 0, 0]);
    expect(Array.from(p.bias)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(p.resetMode)).toEqual([S, S, ResetMode.none, S, S]);
    expect(Array.from(p.refractoryTicks)).toEqual([0, 2, 0, 0, 0]);
    expect(Array.from(p.vInit)).toEqual([0, 0, 2.5, 0, 0]);
    expect(Array.from(p.vReverseThreshold ?? [])).toEqual([0, -4, 0, 0, 0]);
    expect(Array.from(p.reverseResetMode ?? [])).toEqual([ResetMode.none, ResetMode.saturate, ResetMode.none, ResetMode.none, ResetMode.none]);
    expect(Array.from(p.forceUpdate ?? [])).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(p.dynamics ?? [])).toEqual(Array(5).fill(NeuronDynamics.sanafeLif));
    expect(Array.from(p.vTruncScale ?? [])).toEqual(Array(5).fill(64));
    expect(Array.from(p.thresholdOp)).toEqual(Array(5).fill(ThresholdOp.gt));
  });

  it("expands conv2d with SANA-FE's index order (input channels-first, filter [y][x][c_in][c_out])", () => {
    // 2 input channels of 3×3, 2 kernels of 2×2, stride 1 → 2 × 2×2 outputs; weight i is the number i.
    const w = Array.from({ length: 16 }, (_, i) => i);
    const m = lower(`network:
  groups:
    - name: in
      neurons: [0..17]
    - name: out
      neurons: [0..7]
  edges:
    - in -> out: {type: conv2d, input_width: 3, input_height: 3, input_channels: 2, kernel_width: 2,
        kernel_height: 2, kernel_count: 2, stride_width: 1, stride_height: 1, weight: [${w.join(", ")}]}
mappings:
  - in: {core: 0.0}
  - out: {core: 0.1}
`);
    const pr = m.graph.projections[0];
    expect(pr.preIndex.length).toBe(8 * 2 * 4);
    const t = triples(pr);
    // Output neuron 1 = (c_out 0, y 0, x 1). Tap (ky 1, kx 0, c_in 1): input 9 + (0+1)·3 + (1+0) = 13,
    // weight index ((1·2 + 0)·2 + 1)·2 + 0 = 10.
    expect(t).toContainEqual([13, 1, 10]);
    // Output neuron 4 = (c_out 1, y 0, x 0). Tap (ky 0, kx 1, c_in 0): input 1, weight ((0·2+1)·2+0)·2+1 = 5.
    expect(t).toContainEqual([1, 4, 5]);
    // Creation order: outputs in C order, then c_in, ky, kx: the first four synapses feed output 0 from channel 0.
    expect(t.slice(0, 4)).toEqual([[0, 0, 0], [1, 0, 4], [3, 0, 8], [4, 0, 12]]);
  });

  it("expands dense (source-major weights) and sparse (pair order) edges and single-neuron edges", () => {
    const m = lower(`network:
  groups:
    - name: a
      neurons: [0..1]
    - name: b
      neurons: [0..2]
  edges:
    - a -> b: [type: dense, weight: [1, 2, 3, 4, 5, 6]]
    - b -> a: {type: sparse, source_target_pairs: [[2, 0], [0, 1]], weight: [7, 8]}
    - a.1 -> a.0: [weight: -4]
    - a.0 -> a.1: {synapse: {weight: 9}}
mappings:
  - a: {core: 0.0}
  - b: {core: 1.1}
`);
    const [dense, sparse, single] = m.graph.projections;
    expect(triples(dense)).toEqual([[0, 0, 1], [0, 1, 2], [0, 2, 3], [1, 0, 4], [1, 1, 5], [1, 2, 6]]);
    expect(triples(sparse)).toEqual([[2, 0, 7], [0, 1, 8]]);
    expect(triples(single)).toEqual([[1, 0, -4], [0, 1, 9]]);
    expect(m.graph.projections.map((p) => p.encoding)).toEqual(["dense", "dense", "dense"]);
    // Tile 1 sits at x = 1 (height 1): aerchip core (0·2 + 1)·2 + 1 = 3.
    expect(Array.from(m.placement.coreOf.get("b") ?? [])).toEqual([3, 3, 3]);
    expect(m.placement.mappedTiles).toBe(2);
  });

  it("chooses synapse units (attribute over mapping over first) and splits projections by encoding", () => {
    const m = lower(`network:
  groups:
    - name: a
      neurons: [0..1]
    - name: b
      neurons:
        - 0: {synapse_hw_name: sparse_syn}
        - 1: {}
        - 2: {}
  edges:
    - a -> b: {type: dense, weight: [1, 2, 3, 4, 5, 6]}
mappings:
  - a: {core: 0.0}
  - b.0..1: {core: 0.1, synapse: dense_syn}
  - b.2: {core: 0.1, synapse: sparse_syn}
`);
    const byEnc = new Map(m.graph.projections.map((p) => [p.encoding, triples(p)]));
    expect(byEnc.get("sparse")).toEqual([[0, 0, 1], [0, 2, 3], [1, 0, 4], [1, 2, 6]]);
    expect(byEnc.get("dense")).toEqual([[0, 1, 2], [1, 1, 5]]);
  });

  it("orders neurons in a core by the order mappings name them (a neuron mapped twice keeps its later place)", () => {
    const m = lower(`network:
  groups:
    - name: a
      neurons: [0..2]
    - name: b
      neurons: [0..1]
  edges: []
mappings:
  - b: {core: 0.0}
  - a.0..1: {core: 0.0}
  - b.0: {core: 0.0}
  - a.2: {core: 0.1}
`);
    expect(Array.from(m.placement.orderInCore.get("b") ?? [])).toEqual([3, 0]);
    expect(Array.from(m.placement.orderInCore.get("a") ?? [])).toEqual([1, 2, 0]);
    expect(Array.from(m.placement.coreOf.get("a") ?? [])).toEqual([0, 0, 1]);
    expect(m.placement.coresUsed).toEqual([0, 1]);
  });

  it("builds input-soma spike trains: shared unit state, spike lists, rates and Poisson draws", () => {
    const m = lower(`network:
  groups:
    - name: in
      neurons:
        - 0: {spikes: [1, 0, 1]}
        - 1: {spikes: [1, 1, 0, 1]}
        - 2: {rate: 0.25}
        - 3: {poisson: 1.0}
  edges: []
mappings:
  - in.0..1: {core: 0.0, soma: 'inp[0]'}
  - in.2: {core: 0.1, soma: 'inp[0]'}
  - in.3: {core: 0.1, soma: 'inp[1]'}
`);
    expect(m.graph.populations[0].kind).toBe("input");
    // in.0 and in.1 share unit inp[0] of core 0, which keeps the last list set ([1,1,0,1]); each update
    // takes the next entry: step 1 → in.0 gets 1, in.1 gets 1; step 2 → 0, 1; then the list is spent.
    const stim = sanafeStimulus(m.inputUnits, 10).spikes.get("in");
    const pairs = stim === undefined ? [] : Array.from(stim.tick, (t, k) => [t, stim.neuron[k]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    // in.2: rate 1/4 fires at SANA-FE steps 4 and 8 (ticks 3, 7); in.3: poisson 1 fires every step.
    const expected = [[0, 0], [0, 1], [1, 1], [3, 2], [7, 2]];
    for (let t = 0; t < 10; t++) expected.push([t, 3]);
    expect(pairs).toEqual(expected.sort((x, y) => x[0] - y[0] || x[1] - y[1]));
    // Seeds follow SANA-FE's construction order: 2 input units per core, core 1 (sanafe id 1) unit inp[1] → 4.
    expect(m.inputUnits.map((u) => [u.coreId, u.unitName, u.seed])).toEqual([[0, "inp[0]", 1], [1, "inp[0]", 3], [1, "inp[1]", 4]]);
  });

  it("rejects unmapped neurons, bad edges, mixed groups, full cores and unsupported units", () => {
    const net = (edges: string, maps: string, groups = "    - name: a\n      neurons: [0..3]\n    - name: b\n      neurons: [0..1]\n") =>
      `network:\n  groups:\n${groups}  edges:\n${edges}mappings:\n${maps}`;
    const allMapped = "  - a: {core: 0.0}\n  - b: {core: 0.1}\n";
    expect(code(() => lower(net("    []\n", "  - a: {core: 0.0}\n")))).toBe("E_SANAFE_MAPPING");
    expect(code(() => lower(net("    - a -> c: {type: dense}\n", allMapped)))).toBe("E_SANAFE_NETWORK");
    expect(code(() => lower(net("    - a.9 -> b.0: {weight: 1}\n", allMapped)))).toBe("E_SANAFE_NETWORK");
    expect(code(() => lower(net("    - a -> b: {type: conv2d, input_width: 2, input_height: 2, input_channels: 1, kernel_width: 2, kernel_height: 2, weight: [1, 1, 1, 1]}\n", allMapped)))).toBe("E_SANAFE_NETWORK");
    expect(code(() => lower(net("    - a -> b: {type: dense, weight: [1, 2]}\n", allMapped)))).toBe("E_SANAFE_NETWORK");
    expect(code(() => lower(net("    []\n", "  - a: {core: 0.0}\n  - b: {core: 5.0}\n")))).toBe("E_SANAFE_MAPPING");
    expect(code(() => lower(net("    []\n", "  - a: {core: 0.0}\n  - b.0: {core: 0.1, soma: 'inp[0]'}\n  - b.1: {core: 0.1}\n")))).toBe("E_SANAFE_UNSUPPORTED");
    expect(code(() => lower(net("    - a -> b: {type: dense, weight: [1, 1, 1, 1, 1, 1, 1, 1]}\n", "  - a: {core: 0.0}\n  - b: {core: 0.1, soma: 'inp[0]'}\n")))).toBe("E_SANAFE_UNSUPPORTED");
    const small = parseSanafeArch(miniArch({ maxNeurons: 3 }), "small.yaml");
    expect(code(() => lower(net("    []\n", allMapped), small))).toBe("E_SANAFE_MAPPING");
    const delayed = parseSanafeArch(miniArch({ dendriteModel: "accumulator_with_delay" }), "delay.yaml");
    expect(code(() => lower(net("    []\n", allMapped), delayed))).toBe("E_SANAFE_UNSUPPORTED");
    expect(code(() => lower(net("    []\n", "  - a: {core: 0.0, soma: nosuch}\n  - b: {core: 0.1}\n")))).toBe("E_SANAFE_MAPPING");
    expect(code(() => parseSanafeNetwork("architecture:\n  name: x\n", "a.yaml"))).toBe("E_SANAFE_NETWORK");
  });
});

describe.skipIf(!HAS_SHARED)(`SANA-FE fixture networks ${SKIP_MSG}`, () => {
  it("lowers example_snn.yaml onto example_chip.yaml", () => {
    const m = loadSanafe(sharedPath("fixtures/sanafe/example_snn.yaml"), sharedPath("fixtures/sanafe/example_chip.yaml"));
    expect(m.graph.populations.map((p) => [p.name, p.kind, p.size])).toEqual([["in", "input", 2], ["out", "neuron", 2]]);
    expect(Array.from(m.graph.populations[1].params?.vThreshold ?? [])).toEqual([2, 2]);
    expect(m.graph.projections.map((p) => [p.name, triples(p)])).toEqual([
      ["out->out", [[1, 1, -4]]],
      ["in->out", [[0, 0, -1], [0, 1, 2], [1, 0, 1], [1, 1, 3]]],
    ]);
    expect(Array.from(m.placement.coreOf.get("in") ?? [])).toEqual([0, 1]);
    expect(Array.from(m.placement.orderInCore.get("out") ?? [])).toEqual([1, 2]);
    const s = m.stimulus(5).spikes.get("in");
    expect([Array.from(s?.tick ?? []), Array.from(s?.neuron ?? [])]).toEqual([[0, 2], [1, 1]]);
  });

  it("lowers conv.yaml (conv2d, dense and sparse hyper-edges) onto example_chip.yaml", () => {
    const m = loadSanafe(sharedPath("fixtures/sanafe/conv.yaml"), sharedPath("fixtures/sanafe/example_chip.yaml"));
    expect(m.graph.populations.map((p) => p.size)).toEqual([16, 9, 1]);
    const [conv, dense, sparse] = m.graph.projections;
    // Hidden neuron 5 is (y 1, x 2) of a 3×3 output: inputs (1,2),(1,3),(2,2),(2,3) = 6, 7, 10, 11 with weights 0..3.
    expect(triples(conv).filter((t) => t[1] === 5)).toEqual([[6, 5, 0], [7, 5, 1], [10, 5, 2], [11, 5, 3]]);
    expect(triples(dense).map((t) => t[2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(triples(sparse)).toEqual([[0, 0, 1], [4, 0, 2]]);
    expect(Array.from(m.graph.populations[1].params?.bias ?? [])).toEqual(Array(9).fill(1));
    expect(Array.from(m.graph.populations[0].params?.vThreshold ?? [])).toEqual(Array(16).fill(1));
  });
});
