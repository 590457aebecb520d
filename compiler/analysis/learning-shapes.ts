/**
 * Layer shapes for the learning-cost report: built-in tables for the S-TLLR networks, and shapes read
 * from a compiled model graph.
 *
 * VGG-9 follows the authors' code (mapolinario94/S-TLLR @29c5755 [C]): 3×3 convolutions (stride 1,
 * padding 1) 64, 128, pool/2, 256, 256, pool/2, 512, 512, pool/2, 512, 512, global average pool,
 * FC(classes); pooling layers hold no neurons; the input channels are not neurons. A convolution
 * neuron's fan-in is 9·C_in under the "full-kernel" convention (the default for these tables: the
 * paper's N^(l)·N^(l−1)); under "synapses" it is the mean of the taps that exist with padding 1 on an
 * H×W map: C_in·(3H−2)(3W−2)/(H·W) (per row, the border outputs see 2 of the 3 kernel rows:
 * 3H − 2 = 3(H − 2) + 2·2 for H ≥ 2, and 1 for H = 1). Cross-check (own arithmetic): DVS Gesture at
 * 32×32×2 gives ΣN = 409,611 and Σ N·fan-in ≈ 6.05·10⁸ (full kernel); DVS-CIFAR10 at 48×48×2 gives
 * 921,610 and ≈ 1.36·10⁹.
 * The FC layer is a "readout" layer (learning-cost.ts: 1 trace, 1 MAC per synapse per learning step).
 * The SHD network is 700 input channels → 450 recurrent LIF → 20 leaky-integrator readout (authors'
 * code [C], arXiv 2306.15220 [S]); the recurrent layer's fan-in counts its 700 feed-forward and 450
 * recurrent inputs; the readout is a "readout" layer (learning-cost.ts: δ ⊗ tr_x only in the code).
 */
import type { ModelGraph } from "../ir/types.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import {
  formatCount, learningCostFromLayers, renderLearningCost,
  type FanInConvention, type LayerShape, type LearningCostOptions, type LearningCostReport,
} from "./learning-cost.ts";

export interface Vgg9Input {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
}

/** VGG-9 layer shapes for an input of height × width × channels, fan-in counted by `fanIn` (see the header). */
export function vgg9Layers(input: Vgg9Input, fanIn: FanInConvention = "full-kernel"): LayerShape[] {
  for (const k of ["height", "width", "channels", "classes"] as const) {
    const v = input[k];
    if (!Number.isInteger(v) || v < 1) {
      throw new AerchipError("E_LEARNING_COST", `VGG-9 input ${k} is ${v}; it must be an integer ≥ 1`, { field: k, hint: "give the frame size, polarity channels and classes" });
    }
  }
  const plan: ReadonlyArray<readonly [number, number]> = [
    // [output channels, spatial down-sampling before this conv (1 or 2)]
    [64, 1], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 2], [512, 1],
  ];
  const layers: LayerShape[] = [];
  let h = input.height;
  let w = input.width;
  let cIn = input.channels;
  plan.forEach(([cOut, pool], i) => {
    h = Math.floor(h / pool);
    w = Math.floor(w / pool);
    // Existing taps of a 3×3, padding-1 kernel summed over the h×w outputs: (3h − 2)(3w − 2) per input channel.
    const fanInConv = fanIn === "full-kernel" ? 9 * cIn : (cIn * (3 * h - 2) * (3 * w - 2)) / (h * w);
    layers.push({ name: `conv${i + 1} ${cOut}@${h}×${w}`, neurons: cOut * h * w, fanIn: fanInConv });
    cIn = cOut;
  });
  // The FC layer is the network's readout: in the authors' code (models/VGG_STDP.py @29c5755 [C]) it is a
  // plain nn.Linear on the pooled spikes, non-spiking (its output is the logits), whose gradient at each
  // learning step t is δ[t] ⊗ x[t] (utils/train.py: one backward per step of the window) — one MAC per
  // synapse per learning step, as the S-TLLR readout model counts it (papers.md §1.1 "Readout", §1.2
  // "Output (accumulate) layer: δ ⊗ tr_x"). That code keeps no trace for it (x[t] is at hand); the readout
  // model's 1 trace per neuron (11 values on Gesture) is counted all the same, as for SHD. Marked "readout"
  // so that a model of the same network, whose non-spiking output population is a readout by default
  // (layersFromModelGraph), gets the same totals. Against the uniform closed forms of papers.md §1.4 this
  // moves the Gesture totals by 11 trace values and 56,320 MACs (6·10⁻⁶ of 9.08·10⁹): the paper's printed
  // figures (3 significant digits) cannot tell the two apart.
  layers.push({ name: `fc ${input.classes}`, neurons: input.classes, fanIn: cIn, role: "readout" });
  return layers;
}

/** The SHD recurrent network: inputs → hidden (recurrent) → readout. */
export function rsnnLayers(inputs: number, hidden: number, outputs: number, recurrent = true): LayerShape[] {
  return [
    { name: `hidden ${hidden}${recurrent ? " (recurrent)" : ""}`, neurons: hidden, fanIn: inputs + (recurrent ? hidden : 0) },
    { name: `readout ${outputs}`, neurons: outputs, fanIn: hidden, role: "readout" },
  ];
}

/** Values the paper's results table prints for a row (Apolinario & Roy, arXiv 2306.15220; transcribed from a secondary summary [S]): MACs in 10⁹, memory in MB. */
export interface PaperCostRow {
  readonly macsBpttG: number;
  readonly macsRuleG: number;
  readonly memoryBpttMb: number;
  readonly memoryRuleMb: number;
}

export interface LearningShapeTable {
  readonly id: string;
  readonly title: string;
  readonly T: number;
  readonly Tl: number;
  /** The shapes under the "full-kernel" convention. */
  readonly layers: readonly LayerShape[];
  /** A VGG-9 table's input, to rebuild its shapes under the "synapses" convention. */
  readonly vgg9?: Vgg9Input;
  readonly source: string;
  /** What the paper printed, for comparison only (its normalisation is undocumented). */
  readonly paper?: PaperCostRow;
}

export const LEARNING_SHAPE_TABLES: Readonly<Record<string, LearningShapeTable>> = {
  "vgg9-dvs-gesture": {
    id: "vgg9-dvs-gesture",
    title: "VGG-9 on DVS Gesture (32×32×2, 11 classes)",
    T: 20, Tl: 15,
    layers: vgg9Layers({ height: 32, width: 32, channels: 2, classes: 11 }),
    vgg9: { height: 32, width: 32, channels: 2, classes: 11 },
    source: "network and 32×32×2 frames: mapolinario94/S-TLLR @29c5755 [C]; T = 20, T_l = 15: Apolinario & Roy, arXiv 2306.15220, DVS Gesture results [S]",
    paper: { macsBpttG: 6.06, macsRuleG: 2.27, memoryBpttMb: 16.13, memoryRuleMb: 1.61 },
  },
  "vgg9-dvs-cifar10": {
    id: "vgg9-dvs-cifar10",
    title: "VGG-9 on DVS-CIFAR10 (48×48×2, 10 classes)",
    T: 10, Tl: 5,
    layers: vgg9Layers({ height: 48, width: 48, channels: 2, classes: 10 }),
    vgg9: { height: 48, width: 48, channels: 2, classes: 10 },
    source: "network, 10 bins, 48×48: mapolinario94/S-TLLR @29c5755 [C]; T = 10, T_l = 5: Apolinario & Roy, arXiv 2306.15220, DVS-CIFAR10 results [S]",
    paper: { macsBpttG: 6.82, macsRuleG: 5.12, memoryBpttMb: 18.12, memoryRuleMb: 3.62 },
  },
  "shd-rsnn": {
    id: "shd-rsnn",
    title: "SHD recurrent SNN (700-450-20)",
    T: 100, Tl: 10,
    layers: rsnnLayers(700, 450, 20, true),
    source: "700 → 450 recurrent LIF → 20 readout, T = 100, T − T_l = 90, readout factors [0, 0.99, 0, 1]: mapolinario94/S-TLLR @29c5755 [C] and Apolinario & Roy, arXiv 2306.15220, SHD results [S]",
    paper: { macsBpttG: 0.054, macsRuleG: 0.096, memoryBpttMb: 0.961, memoryRuleMb: 0.019 },
  },
};

/**
 * A population a front end added that is no layer of the model: NIR's constant-drive sources `__nir_bias`
 * and `__nir_once` (compiler/frontends/nir/lower.ts). The same rule as the run report's
 * isHelperPopulation (chip/report/metrics.ts, which the compiler may not import): names starting "__".
 * Their neuron and their bias synapses are not the paper's N^(l) and N^(l)·N^(l−1) (papers.md §1.4), so
 * learning-cost leaves both out.
 */
function isHelper(name: string): boolean {
  return name.startsWith("__");
}

/**
 * The layers a model's `--readout` may name: its neuron populations, in the graph's order (input
 * populations and front-end helpers are no layer).
 */
export function modelLayerNames(graph: ModelGraph): string[] {
  return graph.populations.filter((p) => p.kind === "neuron" && !isHelper(p.name)).map((p) => p.name);
}

/**
 * The layers costed as readouts: the names given, or by default every non-spiking neuron population
 * (aerchip-model-1 `spiking: false`; NIR LI, I and CubaLI nodes and the readout made for an Output fed by
 * a linear node) — the leaky-integrator readout of papers.md §1.1, trained with δ ⊗ tr_x (§1.2).
 */
export function modelReadouts(graph: ModelGraph, readouts?: readonly string[]): Set<string> {
  if (readouts === undefined) return new Set(graph.populations.filter((p) => p.kind === "neuron" && !p.spiking && !isHelper(p.name)).map((p) => p.name));
  const names = modelLayerNames(graph);
  for (const r of readouts) {
    if (!names.includes(r)) {
      throw new AerchipError("E_LEARNING_COST", `learning cost: readout '${r}' is not a layer of model '${graph.name}'`, {
        field: "readout", hint: `name one of its neuron populations: ${names.join(", ")}`,
      });
    }
  }
  return new Set(readouts);
}

/**
 * One layer per non-input population (front-end helpers such as `__nir_bias` and their bias synapses
 * left out): neurons = its size, fan-in = synapses arriving from every other projection into it ÷ its
 * size. "synapses" (the default for models): Σ N·fan-in is the exact synapse count between the graph's
 * layers. "full-kernel": the full kernel's weight uses, as the built-in tables count a conv
 * (papers.md §1.4: N^(l)·N^(l−1) "incl. conv fan-in", padding taps included):
 *   conv2d           (kernel known, aerchip-model-1)  post.size × (Ci/groups)·KH·KW   (every output position)
 *   convTranspose2d  (kernel known, aerchip-model-1)  pre.size × (Co/groups)·KH·KW    (every input position:
 *                    each input value is multiplied by every tap of its kernels, including taps that land on
 *                    the cropped border, the transposed counterpart of conv2d's padding taps)
 * A NIR projection whose synapses come through exactly one Affine/Linear/Conv node (ProjectionIR.unfolded)
 * counts that node on its own: the pooling the NIR front end folds into the synapse list (docs/nir.md) is
 * left out, as the built-in tables count a pool (a layer without neurons or weights; the conv after it
 * has its kernel at the pooled resolution, VGG-9's conv3 9·128). "synapses": the node's entries on its
 * own input map (padding taps dropped); "full-kernel": its output size × its weights per output
 * (a conv's (Ci/groups)·KH·KW, an Affine's in_features). Otherwise:
 *   otherwise        post.size × (the projection's largest number of synapses onto one neuron), i.e. a
 *                    NIR conv's interior neuron's kernel at every position; a map too small to have an
 *                    interior neuron (3×3 padding 1 on 1×1) counts what its best-connected neuron has.
 * The best-connected rule would be wrong for a transposed conv with stride > 1: its output neurons see
 * different numbers of taps, and the best one's fan-in at every output over-counts (the autoencoder's
 * stride-2 decoder: 16 × 64 = 1,024 against 4·4·4 inputs × 1·3·3 taps = 576 weight uses, 484 synapses).
 * Readouts (`readouts`, default: the non-spiking populations, modelReadouts) get role "readout", so
 * the rule's readout cost applies to them as to the built-in tables' readouts. `feedForward` lists the
 * synapses (counted as above) arriving from each other neuron population, for the BP signal cost.
 */
export function layersFromModelGraph(graph: ModelGraph, fanIn: FanInConvention = "synapses", readouts?: readonly string[]): LayerShape[] {
  const incoming = new Map<string, number>();
  // Per post layer: synapses from each other neuron layer (not inputs, not its own recurrent ones), for --signal bp.
  const fromLayers = new Map<string, Map<string, number>>();
  const sizeOf = new Map(graph.populations.map((p) => [p.name, p.size]));
  const kindOf = new Map(graph.populations.map((p) => [p.name, p.kind]));
  const readout = modelReadouts(graph, readouts);
  for (const p of graph.projections) {
    if (isHelper(p.pre)) continue; // a bias drive, not a synapse between layers
    let count = p.preIndex.length;
    if (p.unfolded !== undefined) {
      // A NIR projection through one weighted node: that node's own counts, the pools on its path left
      // out (they are layers without neurons or weights in the paper's tables, papers.md §1.4).
      count = fanIn === "full-kernel" ? p.unfolded.weightUses : p.unfolded.synapses;
    } else if (fanIn === "full-kernel" && p.kernel !== undefined) {
      const anchor = p.kernel.kind === "convTranspose2d" ? p.pre : p.post;
      count = (sizeOf.get(anchor) ?? 0) * p.kernel.tapsPerNeuron;
    } else if (fanIn === "full-kernel" && count > 0) {
      const perPost = new Uint32Array(sizeOf.get(p.post) ?? 0);
      let most = 0;
      for (let i = 0; i < p.postIndex.length; i++) { const c = ++perPost[p.postIndex[i]]; if (c > most) most = c; }
      count = most * perPost.length;
    }
    incoming.set(p.post, (incoming.get(p.post) ?? 0) + count);
    if (kindOf.get(p.pre) === "neuron" && p.pre !== p.post) {
      const m = fromLayers.get(p.post) ?? new Map<string, number>();
      m.set(p.pre, (m.get(p.pre) ?? 0) + count);
      fromLayers.set(p.post, m);
    }
  }
  return graph.populations
    .filter((p) => p.kind === "neuron" && !isHelper(p.name))
    .map((p) => ({
      name: p.name, neurons: p.size, fanIn: p.size === 0 ? 0 : (incoming.get(p.name) ?? 0) / p.size,
      ...(readout.has(p.name) ? { role: "readout" as const } : {}),
      feedForward: [...(fromLayers.get(p.name) ?? new Map<string, number>())].map(([from, synapses]) => ({ from, synapses })),
    }));
}

/** Paper value ÷ formula value for each printed quantity (how far the paper's normalisation is from the raw counts). */
export interface PaperScale {
  readonly macsBptt: number;
  readonly macsRule: number;
  /** Bytes per value implied by the printed MB (10⁶ bytes). */
  readonly bytesPerValueBptt: number;
  readonly bytesPerValueRule: number;
}

export function paperScale(report: LearningCostReport, paper: PaperCostRow): PaperScale {
  const t = report.totals;
  return {
    macsBptt: (paper.macsBpttG * 1e9) / t.macsBptt,
    macsRule: (paper.macsRuleG * 1e9) / t.macsRule,
    bytesPerValueBptt: (paper.memoryBpttMb * 1e6) / t.memoryBpttValues,
    bytesPerValueRule: (paper.memoryRuleMb * 1e6) / t.memoryRuleValues,
  };
}

/** The report for a built-in table (by id), with its T and T_l unless overridden. */
export function learningCostForTable(
  id: string, options: Partial<LearningCostOptions> = {},
): { readonly table: LearningShapeTable; readonly report: LearningCostReport } {
  const table = LEARNING_SHAPE_TABLES[id];
  if (table === undefined) {
    throw new AerchipError("E_LEARNING_COST", `learning cost: no built-in shape table '${id}'`, {
      field: "table", hint: `use one of ${Object.keys(LEARNING_SHAPE_TABLES).join(", ")}`,
    });
  }
  const fanIn = options.fanIn ?? "full-kernel";
  const layers = fanIn === "synapses" && table.vgg9 !== undefined ? vgg9Layers(table.vgg9, "synapses") : table.layers;
  const report = learningCostFromLayers(layers, { ...options, fanIn, T: options.T ?? table.T, Tl: options.Tl ?? table.Tl });
  return { table: { ...table, layers }, report };
}

/** A built-in table rendered, with the paper's printed values and their ratio to the formulas. */
export function renderLearningCostTable(id: string, format: "text" | "markdown" = "text", options: Partial<LearningCostOptions> = {}): string {
  const { table, report } = learningCostForTable(id, options);
  const out = [renderLearningCost(report, format, table.title)];
  const p = table.paper;
  // The paper's values are per sample: set beside a per-batch report they would read N× off.
  if (p !== undefined && report.batch !== undefined) {
    out.push("", `${format === "markdown" ? "- " : ""}paper values (per sample) not compared: this report is per batch of ${report.batch} samples (drop --batch to compare)`);
  } else if (p !== undefined && report.T === table.T && report.Tl === table.Tl) {
    // The paper's figures set beside the formulas (the counts of this report, under its fan-in convention).
    const k = paperScale(report, p);
    const bullet = format === "markdown" ? "- " : "";
    out.push(
      "",
      `${bullet}paper prints (Apolinario & Roy, arXiv 2306.15220, results table, via a secondary summary [S]): MACs BPTT ${p.macsBpttG}e9 (${k.macsBptt.toFixed(3)} × formula ${formatCount(report.totals.macsBptt)}), ` +
        `${report.rule.name} ${p.macsRuleG}e9 (${k.macsRule.toFixed(3)} × ${formatCount(report.totals.macsRule)}); paper MAC ratio ${(p.macsBpttG / p.macsRuleG).toFixed(3)}`,
      `${bullet}paper memory: BPTT ${p.memoryBpttMb} MB (${k.bytesPerValueBptt.toFixed(2)} bytes/value), ${report.rule.name} ${p.memoryRuleMb} MB (${k.bytesPerValueRule.toFixed(2)} bytes/value); paper memory ratio ${(p.memoryBpttMb / p.memoryRuleMb).toFixed(2)}`,
      `${bullet}source of the shapes: ${table.source}`,
    );
  }
  return out.join("\n");
}
