/**
 * Lowers a parsed SANA-FE network onto a SANA-FE architecture: graph IR (one population per group,
 * one projection per edge entry and synapse encoding) plus SANA-FE's own placement.
 *
 * Unit selection (src/core.cpp, src/chip.cpp at 8951ab0), per neuron:
 *  - soma unit: the mapping's `soma:` name, else the neuron's `soma_hw_name`, else the core's first soma;
 *  - dendrite unit: likewise with `dendrite:` / `dendrite_hw_name`, else the first dendrite;
 *  - synapse unit of a connection: the target neuron's `synapse_hw_name` (attributes), else the
 *    target's mapping `synapse:` name, else the core's first synapse unit. The unit's encoding key
 *    (arch.ts) becomes the projection's `encoding`.
 * Placement: neurons are sorted by the order in which mappings name them (a neuron mapped twice keeps
 * the later place), and each core holds its neurons in that order: `orderInCore` is the index SANA-FE
 * processes the neuron at, which the detailed timing model depends on.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { ModelGraph, NeuronParamsIR, PopulationIR, ProjectionIR } from "../../ir/types.ts";
import { NeuronDynamics, ThresholdOp } from "../../../chip/program/types.ts";
import type { SanafeArch, SanafeSomaUnit, UnitModelAt } from "./arch.ts";
import { AttrReader, type Attr } from "./scalars.ts";
import type { SanafeEdge, SanafeGroup, SanafeNetwork } from "./snn-parse.ts";
import { inputParams, lifParams, SANAFE_LOIHI_TRUNC_SCALE, type InputParams } from "./soma.ts";

/** SANA-FE has no step count in its files; its examples and the DVS reference run use 1000. */
export const SANAFE_DEFAULT_STEPS = 1000;

export interface SanafePlacement {
  /** Per group: aerchip global core id of each neuron. */
  readonly coreOf: ReadonlyMap<string, Uint32Array>;
  /** Per group: index of each neuron within its core, in SANA-FE's processing order. */
  readonly orderInCore: ReadonlyMap<string, Uint32Array>;
  /** Tiles holding at least one neuron (SANA-FE's sync-table key). */
  readonly mappedTiles: number;
  /** aerchip core ids holding at least one neuron, ascending. */
  readonly coresUsed: readonly number[];
}

/** One `input` soma unit instance (per core) with the neurons that share it, in processing order. */
export interface SanafeInputUnit {
  readonly coreId: number;
  readonly unitName: string;
  /** mt19937 seed SANA-FE gives this unit: its construction index (1-based) among input units. */
  readonly seed: number;
  readonly params: InputParams;
  /** (group, neuron) of each neuron on the unit, in processing order. */
  readonly neurons: ReadonlyArray<{ readonly group: string; readonly index: number }>;
}

export interface SanafeLowered {
  readonly graph: ModelGraph;
  readonly placement: SanafePlacement;
  readonly inputUnits: readonly SanafeInputUnit[];
  readonly warnings: readonly string[];
}

export function lowerSanafeNetwork(net: SanafeNetwork, arch: SanafeArch): SanafeLowered {
  try {
    return lowerUnchecked(net, arch);
  } catch (e) {
    // Typed-array allocation is the one raw failure left (a network too large for this machine).
    if (e instanceof RangeError) {
      throw new AerchipError("E_SANAFE_TOO_LARGE", `the network does not fit in memory: ${e.message}`, { file: net.file, hint: "simulate a smaller network or give Node more memory (--max-old-space-size)", cause: e });
    }
    throw e;
  }
}

function lowerUnchecked(net: SanafeNetwork, arch: SanafeArch): SanafeLowered {
  const r: AttrReader = new AttrReader(net.file);
  const warnings: string[] = [];
  const fail: (message: string, hint: string, code?: string, field?: string) => never = (message, hint, code = "E_SANAFE_MAPPING", field) => {
    throw new AerchipError(code, message, { file: net.file, hint, ...(field === undefined ? {} : { field }) });
  };
  // A unit's model is set in the architecture file, so its refusal names that file, the field and the line
  // (the network only names the unit; the neuron that uses it is in the message).
  const unsupportedModel = (u: { readonly modelAt: UnitModelAt }, message: string, hint: string): never => {
    throw new AerchipError("E_SANAFE_UNSUPPORTED", `${message} (line ${u.modelAt.line})`, { file: u.modelAt.file, field: u.modelAt.field, hint });
  };
  const somaByName = new Map(arch.somaUnits.map((u) => [u.name, u]));
  const dendByName = new Map(arch.dendriteUnits.map((u) => [u.name, u]));
  const synByName = new Map(arch.synapseUnits.map((u) => [u.name, u]));
  const coresPerTile = arch.spec.mesh.coresPerTile;

  // 1. Mappings → per neuron core, mapping order and unit overrides.
  const gIndex = new Map(net.groups.map((g, i) => [g.name, i]));
  const tileOf = net.groups.map((g) => new Int32Array(g.size).fill(-1));
  const offOf = net.groups.map((g) => new Int32Array(g.size));
  const orderOf = net.groups.map((g) => new Float64Array(g.size));
  const somaOver = net.groups.map(() => new Map<number, string>());
  const dendOver = net.groups.map(() => new Map<number, string>());
  const synOver = net.groups.map(() => new Map<number, string>());
  let mappingCount = 0;
  for (const m of net.mappings) {
    const gi = gIndex.get(m.group) as number;
    if (m.tile >= arch.tiles.length) fail(`mapping of ${m.group} (line ${m.line}) names tile ${m.tile}; the architecture has ${arch.tiles.length}`, "use a tile id below the tile count", "E_SANAFE_MAPPING", `mappings (line ${m.line})`);
    if (m.coreOffset >= arch.tiles[m.tile].coreCount) fail(`mapping of ${m.group} (line ${m.line}) names core ${m.tile}.${m.coreOffset}; tile ${m.tile} has ${arch.tiles[m.tile].coreCount} cores`, "use a core offset below the tile's core count", "E_SANAFE_MAPPING", `mappings (line ${m.line})`);
    for (let i = m.first; i <= m.last; i++) {
      tileOf[gi][i] = m.tile;
      offOf[gi][i] = m.coreOffset;
      orderOf[gi][i] = ++mappingCount;
      if (m.somaHw !== undefined) somaOver[gi].set(i, m.somaHw);
      if (m.dendriteHw !== undefined) dendOver[gi].set(i, m.dendriteHw);
      if (m.synapseHw !== undefined) synOver[gi].set(i, m.synapseHw);
    }
  }
  net.groups.forEach((g, gi) => {
    const i = tileOf[gi].indexOf(-1);
    if (i >= 0) fail(`neuron ${g.name}.${i} is not mapped to a core`, "map every neuron in the `mappings` section (a bare group name maps the whole group)");
  });

  // 2. Units per neuron.
  const somaOf = net.groups.map((g, gi) => {
    const out = new Array<SanafeSomaUnit>(g.size);
    for (let i = 0; i < g.size; i++) {
      const name = somaOver[gi].get(i) ?? g.configs[i].somaHw;
      const u = name === undefined || name === "" ? arch.somaUnits[0] : somaByName.get(name);
      if (u === undefined) fail(`neuron ${g.name}.${i} asks for soma unit "${name}", which the architecture does not define`, `use one of: ${arch.somaUnits.slice(0, 8).map((s) => s.name).join(", ")}${arch.somaUnits.length > 8 ? ", …" : ""}`);
      out[i] = u;
    }
    return out;
  });
  net.groups.forEach((g, gi) => {
    for (let i = 0; i < g.size; i++) {
      const name = dendOver[gi].get(i) ?? g.configs[i].dendriteHw;
      const u = name === undefined || name === "" ? arch.dendriteUnits[0] : dendByName.get(name);
      if (u === undefined) fail(`neuron ${g.name}.${i} asks for dendrite unit "${name}", which the architecture does not define`, `use one of: ${arch.dendriteUnits.map((s) => s.name).join(", ")}`);
      if (u.model !== "accumulator") {
        unsupportedModel(u, `dendrite unit "${u.name}" has model ${u.model} (used by neuron ${g.name}.${i}), which aerchip does not reproduce`, "use an `accumulator` dendrite (SANA-FE's accumulator_with_delay and taps models depend on message arrival order)");
      }
    }
  });
  const encodings = [...new Set(arch.synapseUnits.map((s) => s.encoding))];
  const encOfNeuron = net.groups.map((g, gi) => {
    const out = new Uint16Array(g.size);
    for (let i = 0; i < g.size; i++) {
      const name = g.configs[i].synapseHw ?? synOver[gi].get(i);
      const u = name === undefined || name === "" ? arch.synapseUnits[0] : synByName.get(name);
      if (u === undefined) fail(`neuron ${g.name}.${i} asks for synapse unit "${name}", which the architecture does not define`, `use one of: ${arch.synapseUnits.map((s) => s.name).join(", ")}`);
      if (u.model !== "current_based") unsupportedModel(u, `synapse unit "${u.name}" has model ${u.model} (used by neuron ${g.name}.${i}), which aerchip does not reproduce`, "use model current_based: aerchip reproduces SANA-FE's current_based synapse");
      out[i] = encodings.indexOf(u.encoding);
    }
    return out;
  });

  // 3. Placement: SANA-FE order within each core, capacity check.
  const total = net.groups.reduce((s, g) => s + g.size, 0);
  const allG = new Uint32Array(total);
  const allI = new Uint32Array(total);
  const allOrder = new Float64Array(total);
  {
    let k = 0;
    net.groups.forEach((g, gi) => {
      for (let i = 0; i < g.size; i++, k++) {
        allG[k] = gi;
        allI[k] = i;
        allOrder[k] = orderOf[gi][i];
      }
    });
  }
  const sorted = Uint32Array.from({ length: total }, (_, k) => k).sort((a, b) => allOrder[a] - allOrder[b]);
  const coreOf = net.groups.map((g) => new Uint32Array(g.size));
  const orderInCore = net.groups.map((g) => new Uint32Array(g.size));
  const fill = new Map<number, number>();
  const tilesUsed = new Set<number>();
  const maxNeurons = arch.spec.core.maxNeurons;
  for (const k of sorted) {
    const gi = allG[k];
    const i = allI[k];
    const tile = arch.tiles[tileOf[gi][i]];
    const coreId = (tile.y * arch.spec.mesh.widthTiles + tile.x) * coresPerTile + offOf[gi][i];
    const n = fill.get(coreId) ?? 0;
    if (n >= maxNeurons) fail(`core ${tile.id}.${offOf[gi][i]} gets more than ${maxNeurons} neurons (at ${net.groups[gi].name}.${i})`, "spread the neurons over more cores (max_neurons_supported)", "E_SANAFE_MAPPING");
    fill.set(coreId, n + 1);
    coreOf[gi][i] = coreId;
    orderInCore[gi][i] = n;
    tilesUsed.add(tile.id);
  }

  // 4. Populations.
  const populations: PopulationIR[] = [];
  const isInput = net.groups.map((g, gi) => {
    let inputs = 0;
    for (let i = 0; i < g.size; i++) {
      const m = somaOf[gi][i].model;
      if (m === "input") inputs++;
      else if (m !== "leaky_integrate_fire") unsupportedModel(somaOf[gi][i], `soma unit "${somaOf[gi][i].name}" has model ${m} (used by neuron ${g.name}.${i}), which aerchip does not reproduce`, "use model leaky_integrate_fire or input");
    }
    if (inputs !== 0 && inputs !== g.size) fail(`group "${g.name}" mixes input and leaky_integrate_fire somas`, "put input neurons in a group of their own", "E_SANAFE_UNSUPPORTED");
    return inputs === g.size && g.size > 0;
  });
  net.groups.forEach((g, gi) => {
    if (isInput[gi]) {
      populations.push({ name: g.name, kind: "input", size: g.size, shape: [g.size], spiking: true });
      return;
    }
    populations.push({ name: g.name, kind: "neuron", size: g.size, shape: [g.size], spiking: true, params: lifArrays(r, g) });
    for (const u of new Set(somaOf[gi])) {
      if (u.model === "leaky_integrate_fire" && u.hwAttributes.has("noise")) fail(`soma "${u.name}" reads a noise stream`, "aerchip does not replay SANA-FE noise files; remove `noise` from the soma", "E_SANAFE_UNSUPPORTED");
      const ref = arch.spec.costs;
      if (u.accessEnergyPj !== ref.energyNeuronAccessPj?.value || u.updateEnergyPj !== ref.energyNeuronUpdatePj?.value || u.spikeEnergyPj !== ref.energySpikeOutPj?.value ||
          u.accessLatencyNs !== ref.latencyNeuronAccessNs?.value || u.updateLatencyNs !== ref.latencyNeuronUpdateNs?.value || u.spikeLatencyNs !== ref.latencySpikeOutNs?.value) {
        warnings.push(`group "${g.name}" uses soma "${u.name}", whose costs differ from the chip's neuron costs (taken from the first leaky_integrate_fire soma); aerchip bills the chip's`);
      }
    }
  });
  for (const u of arch.somaUnits) {
    if (u.model === "input" && (u.accessEnergyPj !== 0 || u.updateEnergyPj !== 0 || u.spikeEnergyPj !== 0 || u.accessLatencyNs !== 0 || u.updateLatencyNs !== 0 || u.spikeLatencyNs !== 0)) {
      if (somaOf.some((units) => units.includes(u))) warnings.push(`input soma "${u.name}" has nonzero costs; aerchip does not bill input neurons`);
    }
  }

  // 5. Projections.
  const projections: ProjectionIR[] = [];
  const names = new Set<string>();
  const uniqueName = (base: string): string => {
    let n = base;
    for (let k = 2; names.has(n); k++) n = `${base}#${k}`;
    names.add(n);
    return n;
  };
  for (const e of net.edges) {
    const pi = gIndex.get(e.pre) as number;
    const qi = gIndex.get(e.post) as number;
    if (isInput[qi]) fail(`edge ${e.pre} -> ${e.post} (line ${e.line}) targets input neurons`, "SANA-FE's input soma rejects synaptic current; remove the edge", "E_SANAFE_UNSUPPORTED");
    const coo = expandEdge(r, e, net.groups[pi], net.groups[qi]);
    const enc = encOfNeuron[qi];
    const counts = encodingCounts(coo.post, enc, encodings.length);
    const used = [...counts.keys()].filter((k) => counts[k] > 0);
    const base = `${e.pre}->${e.post}`;
    if (used.length <= 1) {
      projections.push({
        name: uniqueName(base), pre: e.pre, post: e.post, encoding: encodings[used[0] ?? enc[0] ?? 0],
        preIndex: coo.pre, postIndex: coo.post, weight: coo.weight, delayTicks: new Uint16Array(coo.pre.length).fill(1),
      });
      continue;
    }
    for (const k of used) {
      const pre = new Uint32Array(counts[k]);
      const post = new Uint32Array(counts[k]);
      const weight = new Float64Array(counts[k]);
      let at = 0;
      for (let s = 0; s < coo.post.length; s++) {
        if (enc[coo.post[s]] !== k) continue;
        pre[at] = coo.pre[s];
        post[at] = coo.post[s];
        weight[at++] = coo.weight[s];
      }
      projections.push({ name: uniqueName(`${base}[${encodings[k]}]`), pre: e.pre, post: e.post, encoding: encodings[k], preIndex: pre, postIndex: post, weight, delayTicks: new Uint16Array(pre.length).fill(1) });
    }
  }

  // 6. Input units: one per (core, unit), neurons in processing order; seeds by construction index.
  const inputUnits = collectInputUnits(net, arch, somaOf, coreOf, orderInCore, isInput, r);

  const placement: SanafePlacement = {
    coreOf: new Map(net.groups.map((g, gi) => [g.name, coreOf[gi]])),
    orderInCore: new Map(net.groups.map((g, gi) => [g.name, orderInCore[gi]])),
    mappedTiles: tilesUsed.size,
    coresUsed: [...fill.keys()].sort((a, b) => a - b),
  };
  const graph: ModelGraph = { name: net.name, defaultSteps: SANAFE_DEFAULT_STEPS, populations, projections };
  return { graph, placement, inputUnits, warnings };
}

/** Synapses per encoding (the target neuron's synapse unit); with one encoding, all of them. */
function encodingCounts(post: Uint32Array, enc: Uint16Array, encodingCount: number): Uint32Array {
  const counts = new Uint32Array(encodingCount);
  if (encodingCount === 1) {
    counts[0] = post.length;
    return counts;
  }
  for (let s = 0; s < post.length; s++) counts[enc[post[s]]]++;
  return counts;
}

function lifArrays(r: AttrReader, g: SanafeGroup): NeuronParamsIR {
  const n = g.size;
  const p = {
    voltageDecay: new Float64Array(n), currentDecay: new Float64Array(n), inputGain: new Float64Array(n).fill(1),
    bias: new Float64Array(n), vThreshold: new Float64Array(n), vReset: new Float64Array(n), vInit: new Float64Array(n),
    resetMode: new Uint8Array(n), thresholdOp: new Uint8Array(n).fill(ThresholdOp.gt), refractoryTicks: new Uint32Array(n),
    dynamics: new Uint8Array(n).fill(NeuronDynamics.sanafeLif), vTruncScale: new Float64Array(n).fill(SANAFE_LOIHI_TRUNC_SCALE),
    vReverseThreshold: new Float64Array(n), reverseResetMode: new Uint8Array(n), vReverseReset: new Float64Array(n), forceUpdate: new Uint8Array(n),
  };
  let last: (typeof g.configs)[number] | undefined;
  let lp: ReturnType<typeof lifParams> | undefined;
  for (let i = 0; i < n; i++) {
    const cfg = g.configs[i];
    if (cfg !== last || lp === undefined) {
      lp = lifParams(r, cfg, `network.groups "${g.name}" neuron ${i}`);
      last = cfg;
    }
    p.voltageDecay[i] = lp.voltageDecay;
    p.currentDecay[i] = lp.currentDecay;
    p.bias[i] = lp.bias;
    p.vThreshold[i] = lp.vThreshold;
    p.vReset[i] = lp.vReset;
    p.vInit[i] = lp.vInit;
    p.resetMode[i] = lp.resetMode;
    p.refractoryTicks[i] = lp.refractoryTicks;
    p.vReverseThreshold[i] = lp.vReverseThreshold;
    p.reverseResetMode[i] = lp.reverseResetMode;
    p.vReverseReset[i] = lp.vReverseReset;
    p.forceUpdate[i] = lp.forceUpdate;
  }
  return p;
}

interface Coo {
  readonly pre: Uint32Array;
  readonly post: Uint32Array;
  readonly weight: Float64Array;
}

/** Connections of one edge entry in SANA-FE's creation order (network.cpp). */
export function expandEdge(r: AttrReader, e: SanafeEdge, pre: SanafeGroup, post: SanafeGroup): Coo {
  const weightsOf = (list: readonly Attr[] | undefined, field: string): Float64Array | undefined =>
    list === undefined ? undefined : Float64Array.from(list, (a, i) => r.double(a, `${field}[${i}]`));
  const field = `network.edges "${e.pre} -> ${e.post}".weight`;
  if (e.kind === "neurons") return { pre: e.preIndex, post: e.postIndex, weight: e.weight };
  if (e.kind === "sparse") {
    const n = e.pairs.length / 2;
    const w = weightsOf(e.weights, field);
    const out = { pre: new Uint32Array(n), post: new Uint32Array(n), weight: new Float64Array(n) };
    for (let k = 0; k < n; k++) {
      out.pre[k] = e.pairs[2 * k];
      out.post[k] = e.pairs[2 * k + 1];
      out.weight[k] = w === undefined ? 0 : w[k];
    }
    return out;
  }
  if (e.kind === "dense") {
    const P = pre.size;
    const Q = post.size;
    const w = weightsOf(e.weights, field);
    const out = { pre: new Uint32Array(P * Q), post: new Uint32Array(P * Q), weight: new Float64Array(P * Q) };
    let k = 0;
    for (let s = 0; s < P; s++) {
      for (let d = 0; d < Q; d++, k++) {
        out.pre[k] = s;
        out.post[k] = d;
        out.weight[k] = w === undefined ? 0 : w[s * Q + d];
      }
    }
    return out;
  }
  // conv2d: output (c_out, y, x) in C order, then c_in, ky, kx; input channels-first, filter [ky][kx][c_in][c_out].
  const c = e.conv;
  const outW = Math.floor((c.inputWidth - c.kernelWidth) / c.strideWidth) + 1;
  const outH = Math.floor((c.inputHeight - c.kernelHeight) / c.strideHeight) + 1;
  const n = c.kernelCount * outH * outW * c.inputChannels * c.kernelHeight * c.kernelWidth;
  const w = weightsOf(e.weights, field);
  const preIdx = new Uint32Array(n);
  const postIdx = new Uint32Array(n);
  const weight = new Float64Array(n);
  const { kernelCount: KC, inputChannels: CI, kernelHeight: KH, kernelWidth: KW, inputWidth: IW, inputHeight: IH, strideHeight: SH, strideWidth: SW } = c;
  let k = 0;
  for (let co = 0; co < KC; co++) {
    for (let yo = 0; yo < outH; yo++) {
      for (let xo = 0; xo < outW; xo++) {
        const dst = (co * outH + yo) * outW + xo;
        for (let ci = 0; ci < CI; ci++) {
          for (let ky = 0; ky < KH; ky++) {
            const yi = yo * SH + ky;
            for (let kx = 0; kx < KW; kx++, k++) {
              const xi = xo * SW + kx;
              preIdx[k] = ci * IW * IH + yi * IW + xi;
              postIdx[k] = dst;
              const f = ((ky * KW + kx) * CI + ci) * KC + co;
              weight[k] = w === undefined ? 0 : w[f];
            }
          }
        }
      }
    }
  }
  return { pre: preIdx, post: postIdx, weight };
}

function collectInputUnits(
  net: SanafeNetwork, arch: SanafeArch, somaOf: ReadonlyArray<readonly SanafeSomaUnit[]>,
  coreOf: readonly Uint32Array[], orderInCore: readonly Uint32Array[], isInput: readonly boolean[], r: AttrReader,
): SanafeInputUnit[] {
  // Seeds: InputModel instances are built tile by tile, core by core, in the core's unit order.
  const inputUnitNames = arch.somaUnits.filter((u) => u.model === "input").map((u) => u.name);
  if (inputUnitNames.length === 0 || !isInput.some((x) => x)) return [];
  const sanafeIdOfCore = new Map(arch.cores.map((c) => [c.coreId, c.sanafeId]));
  const units = new Map<string, { coreId: number; unit: string; members: Array<{ order: number; group: string; index: number; cfg: number }> }>();
  net.groups.forEach((g, gi) => {
    if (!isInput[gi]) return;
    for (let i = 0; i < g.size; i++) {
      const key = `${coreOf[gi][i]}\u0000${somaOf[gi][i].name}`;
      let u = units.get(key);
      if (u === undefined) {
        u = { coreId: coreOf[gi][i], unit: somaOf[gi][i].name, members: [] };
        units.set(key, u);
      }
      u.members.push({ order: orderInCore[gi][i], group: g.name, index: i, cfg: gi });
    }
  });
  const out: SanafeInputUnit[] = [];
  for (const u of units.values()) {
    u.members.sort((a, b) => a.order - b.order);
    // Attributes are set neuron by neuron in mapping order; the unit keeps the last value of each.
    let spikes: readonly boolean[] | undefined;
    let rate = 0;
    let poisson = 0;
    for (const m of u.members) {
      const g = net.groups[m.cfg];
      const cfg = g.configs[m.index];
      const p = inputParams(r, cfg, `network.groups "${g.name}" neuron ${m.index}`);
      if (cfg.attrs.has("spikes")) spikes = p.spikes;
      if (cfg.attrs.has("rate")) rate = p.rate;
      if (cfg.attrs.has("poisson")) poisson = p.poisson;
    }
    const sanafeId = sanafeIdOfCore.get(u.coreId) as number;
    const seed = sanafeId * inputUnitNames.length + inputUnitNames.indexOf(u.unit) + 1;
    out.push({ coreId: u.coreId, unitName: u.unit, seed, params: { spikes, rate, poisson }, neurons: u.members.map((m) => ({ group: m.group, index: m.index })) });
  }
  return out.sort((a, b) => a.coreId - b.coreId || a.unitName.localeCompare(b.unitName));
}
