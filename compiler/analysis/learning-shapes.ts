/**
 * Layer shapes for the learning-cost report: built-in tables for the S-TLLR networks, and shapes read
 * from a compiled model graph.
 *
 * VGG-9 follows the authors' code (papers.md §1.3 [C]): 3×3 convolutions (stride 1, padding 1)
 *   64, 128, pool/2, 256, 256, pool/2, 512, 512, pool/2, 512, 512, global average pool, FC(classes);
 * a convolution neuron's fan-in is 9·C_in; pooling layers hold no neurons; the input channels are not
 * neurons. Cross-check (papers.md §1.4, own arithmetic there): DVS Gesture at 32×32×2 gives
 * ΣN = 409,611 and Σ N·fan-in ≈ 6.05·10⁸; DVS-CIFAR10 at 48×48×2 gives 921,610 and ≈ 1.36·10⁹.
 * The SHD network is 700 input channels → 450 recurrent LIF → 20 leaky-integrator readout (papers.md
 * §1.3 [C][S]); the recurrent layer's fan-in counts its 700 feed-forward and 450 recurrent inputs.
 */
import type { ModelGraph } from "../ir/types.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import {
  formatCount, learningCostFromLayers, renderLearningCost,
  type LayerShape, type LearningCostOptions, type LearningCostReport,
} from "./learning-cost.ts";

export interface Vgg9Input {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
}

/** VGG-9 layer shapes for an input of height × width × channels (see the header). */
export function vgg9Layers(input: Vgg9Input): LayerShape[] {
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
    layers.push({ name: `conv${i + 1} ${cOut}@${h}×${w}`, neurons: cOut * h * w, fanIn: 9 * cIn });
    cIn = cOut;
  });
  layers.push({ name: `fc ${input.classes}`, neurons: input.classes, fanIn: cIn });
  return layers;
}

/** The SHD recurrent network: inputs → hidden (recurrent) → readout. */
export function rsnnLayers(inputs: number, hidden: number, outputs: number, recurrent = true): LayerShape[] {
  return [
    { name: `hidden ${hidden}${recurrent ? " (recurrent)" : ""}`, neurons: hidden, fanIn: inputs + (recurrent ? hidden : 0) },
    { name: `readout ${outputs}`, neurons: outputs, fanIn: hidden },
  ];
}

/** Values the paper's table prints for a row (papers.md §1.4 [S]): MACs in 10⁹, memory in MB. */
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
  readonly layers: readonly LayerShape[];
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
    source: "papers.md §1.3 (network, frames resized to 32×32, 2 polarities) and §1.4 (T = 20, T_l = 15)",
    paper: { macsBpttG: 6.06, macsRuleG: 2.27, memoryBpttMb: 16.13, memoryRuleMb: 1.61 },
  },
  "vgg9-dvs-cifar10": {
    id: "vgg9-dvs-cifar10",
    title: "VGG-9 on DVS-CIFAR10 (48×48×2, 10 classes)",
    T: 10, Tl: 5,
    layers: vgg9Layers({ height: 48, width: 48, channels: 2, classes: 10 }),
    source: "papers.md §1.3 (10 bins, 48×48) and §1.4 (T = 10, T_l = 5)",
    paper: { macsBpttG: 6.82, macsRuleG: 5.12, memoryBpttMb: 18.12, memoryRuleMb: 3.62 },
  },
  "shd-rsnn": {
    id: "shd-rsnn",
    title: "SHD recurrent SNN (700-450-20)",
    T: 100, Tl: 10,
    layers: rsnnLayers(700, 450, 20, true),
    source: "papers.md §1.3 (700 → 450 recurrent LIF → 20 readout, T = 100) and §1.2 (T − T_l = 90)",
    paper: { macsBpttG: 0.054, macsRuleG: 0.096, memoryBpttMb: 0.961, memoryRuleMb: 0.019 },
  },
};

/**
 * One layer per non-input population: neurons = its size, fan-in = synapses arriving from every
 * projection into it ÷ its size (so Σ N·fan-in is the exact synapse count of the graph).
 */
export function layersFromModelGraph(graph: ModelGraph): LayerShape[] {
  const incoming = new Map<string, number>();
  for (const p of graph.projections) incoming.set(p.post, (incoming.get(p.post) ?? 0) + p.preIndex.length);
  return graph.populations
    .filter((p) => p.kind === "neuron")
    .map((p) => ({ name: p.name, neurons: p.size, fanIn: p.size === 0 ? 0 : (incoming.get(p.name) ?? 0) / p.size }));
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
  const report = learningCostFromLayers(table.layers, { ...options, T: options.T ?? table.T, Tl: options.Tl ?? table.Tl });
  return { table, report };
}

/** A built-in table rendered, with the paper's printed values and their ratio to the formulas. */
export function renderLearningCostTable(id: string, format: "text" | "markdown" = "text", options: Partial<LearningCostOptions> = {}): string {
  const { table, report } = learningCostForTable(id, options);
  const out = [renderLearningCost(report, format, table.title)];
  const p = table.paper;
  if (p !== undefined && report.T === table.T && report.Tl === table.Tl) {
    const k = paperScale(report, p);
    const bullet = format === "markdown" ? "- " : "";
    out.push(
      "",
      `${bullet}paper prints (papers.md §1.4 [S]): MACs BPTT ${p.macsBpttG}e9 (${k.macsBptt.toFixed(3)} × formula ${formatCount(report.totals.macsBptt)}), ` +
        `${report.rule.name} ${p.macsRuleG}e9 (${k.macsRule.toFixed(3)} × ${formatCount(report.totals.macsRule)}); paper MAC ratio ${(p.macsBpttG / p.macsRuleG).toFixed(3)}`,
      `${bullet}paper memory: BPTT ${p.memoryBpttMb} MB (${k.bytesPerValueBptt.toFixed(2)} bytes/value), ${report.rule.name} ${p.memoryRuleMb} MB (${k.bytesPerValueRule.toFixed(2)} bytes/value); paper memory ratio ${(p.memoryBpttMb / p.memoryRuleMb).toFixed(2)}`,
      `${bullet}source of the shapes: ${table.source}`,
    );
  }
  return out.join("\n");
}
