/**
 * SANA-FE network YAML → a plain description (groups, per-neuron attributes, edges, mappings). No
 * architecture is needed here; `snn.ts` lowers the description onto an architecture.
 *
 * Semantics follow SANA-FE v2.2.1 (src/yaml_snn.cpp, src/network.cpp at commit 8951ab0):
 *  - a group's size is the number of neurons its `neurons:` list names (a range `a..b` names
 *    b − a + 1); neuron ids index 0..size−1;
 *  - neuron attributes: the group's `attributes` are defaults; each neuron entry's attributes are
 *    merged over them. Keys other than the reserved ones (soma_hw_name, synapse_hw_name,
 *    dendrite_hw_name, log_spikes, log_potential) go to both dendrite and soma; a `soma:` /
 *    `dendrite:` sub-map goes only to that unit. A list of maps is applied in order;
 *  - edges `g.i -> h.j` connect two neurons; edges `g -> h` are hyper-edges of `type` conv2d, dense
 *    or sparse. Only `weight` (or `w`) reaches the current-based synapse; for hyper-edges it is a
 *    list indexed like SANA-FE does (conv2d: filter [y][x][c_in][c_out]; dense: src·|h| + dst;
 *    sparse: pair order). A `synapse:`/`dendrite:` sub-map inside a hyper-edge is ignored, as in
 *    SANA-FE;
 *  - mappings: each list entry maps `g`, `g.i` or `g.a..b` to `core: tile.core` (and optionally
 *    `soma:`, `dendrite:`, `synapse:` unit names). Neurons take a mapping order as they are mapped.
 */
import { basename } from "node:path";
import { child, parseYamlTree, readSanafeText, type YamlLimits, type YNode } from "./yaml-tree.ts";
import { AttrReader, nodeAttr, parseRange, type Attr } from "./scalars.ts";

/** Largest group or hyper-edge expansion accepted (protects allocation). */
export const MAX_SANAFE_NEURONS_PER_GROUP = 1 << 24;
export const MAX_SANAFE_SYNAPSES = 1 << 28;

export interface AttrEntry {
  readonly a: Attr;
  readonly toDendrite: boolean;
  readonly toSoma: boolean;
}

export interface NeuronConfig {
  readonly attrs: ReadonlyMap<string, AttrEntry>;
  readonly somaHw?: string;
  readonly synapseHw?: string;
  readonly dendriteHw?: string;
}

export interface SanafeGroup {
  readonly name: string;
  readonly size: number;
  readonly line: number;
  /** One config per neuron; neurons without their own entry share the group's default object. */
  readonly configs: readonly NeuronConfig[];
}

export interface Conv2dParams {
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly inputChannels: number;
  readonly kernelWidth: number;
  readonly kernelHeight: number;
  readonly kernelCount: number;
  readonly strideWidth: number;
  readonly strideHeight: number;
}

export type SanafeEdge =
  | { readonly kind: "neurons"; readonly pre: string; readonly post: string; readonly preIndex: Uint32Array; readonly postIndex: Uint32Array; readonly weight: Float64Array; readonly line: number }
  | { readonly kind: "conv2d"; readonly pre: string; readonly post: string; readonly conv: Conv2dParams; readonly weights: readonly Attr[] | undefined; readonly line: number }
  | { readonly kind: "dense"; readonly pre: string; readonly post: string; readonly weights: readonly Attr[] | undefined; readonly line: number }
  | { readonly kind: "sparse"; readonly pre: string; readonly post: string; readonly pairs: Uint32Array; readonly weights: readonly Attr[] | undefined; readonly line: number };

export interface SanafeMapping {
  readonly group: string;
  /** Inclusive neuron range. */
  readonly first: number;
  readonly last: number;
  readonly tile: number;
  readonly coreOffset: number;
  readonly somaHw?: string;
  readonly dendriteHw?: string;
  readonly synapseHw?: string;
  readonly line: number;
}

export interface SanafeNetwork {
  readonly file: string;
  readonly name: string;
  readonly groups: readonly SanafeGroup[];
  /** Edges in file order (single-neuron edges between the same two groups are gathered into one entry). */
  readonly edges: readonly SanafeEdge[];
  readonly mappings: readonly SanafeMapping[];
}

/** Attribute keys SANA-FE keeps away from the models (yaml_common.cpp skip_keys). */
const SKIP_KEYS = new Set(["soma_hw_name", "default_synapse_hw_name", "dendrite_hw_name", "log_spikes", "log_potential", "synapse", "dendrite", "soma"]);
const CONV_KEYS: ReadonlyArray<readonly [string, keyof Conv2dParams]> = [
  ["input_width", "inputWidth"], ["input_height", "inputHeight"], ["input_channels", "inputChannels"],
  ["kernel_width", "kernelWidth"], ["kernel_height", "kernelHeight"], ["kernel_count", "kernelCount"],
  ["stride_width", "strideWidth"], ["stride_height", "strideHeight"],
];

export function loadSanafeNetwork(path: string, limits: YamlLimits = {}): SanafeNetwork {
  return parseSanafeNetwork(readSanafeText(path), path, limits);
}

export function parseSanafeNetwork(text: string, file: string, limits: YamlLimits = {}): SanafeNetwork {
  const r: AttrReader = new AttrReader(file);
  const root = parseYamlTree(text, file, limits);
  const net = child(root, "network");
  if (net === undefined || net.kind !== "map") {
    return r.fail("network", root.line, "no top-level `network` section", "a SANA-FE network file starts with `network:` (is this an architecture file?)", "E_SANAFE_NETWORK");
  }
  const nameNode = child(net, "name");
  const name = nameNode !== undefined && nameNode.kind === "scalar" && nameNode.value !== "" ? nameNode.value : basename(file);
  const groupsNode = child(net, "groups");
  if (groupsNode === undefined || groupsNode.kind !== "seq") r.fail("network.groups", net.line, "`network.groups` must be a list of groups", "list the neuron groups under `groups:`", "E_SANAFE_NETWORK");
  const edgesNode = child(net, "edges");
  if (edgesNode === undefined || (edgesNode.kind !== "seq" && !(edgesNode.kind === "scalar" && edgesNode.value === ""))) {
    r.fail("network.edges", net.line, "`network.edges` must be a list of edges", "list the edges under `edges:` (an empty list is allowed)", "E_SANAFE_NETWORK");
  }
  const groups: SanafeGroup[] = [];
  const byName = new Map<string, SanafeGroup>();
  groupsNode.items.forEach((g, gi) => {
    const grp = parseGroup(r, g, `network.groups[${gi}]`);
    if (byName.has(grp.name)) r.fail(`network.groups[${gi}].name`, g.line, `group "${grp.name}" is defined twice`, "give every group a unique name", "E_SANAFE_NETWORK");
    byName.set(grp.name, grp);
    groups.push(grp);
  });
  const edges = edgesNode.kind === "seq" ? parseEdges(r, edgesNode, byName) : [];
  const mapNode = child(root, "mappings");
  if (mapNode === undefined) r.fail("mappings", root.line, "no `mappings` section", "map every neuron to a core: `mappings: [{G: {core: 0.0}}]`", "E_SANAFE_MAPPING");
  const mappings = parseMappings(r, mapNode, byName);
  return { file, name, groups, edges, mappings };
}

// ---------------------------------------------------------------------------------------------
// Groups and neuron attributes

interface MutableConfig {
  attrs: Map<string, AttrEntry>;
  somaHw?: string;
  synapseHw?: string;
  dendriteHw?: string;
}

function parseGroup(r: AttrReader, g: YNode, field: string): SanafeGroup {
  const nameNode = child(g, "name");
  if (nameNode === undefined || nameNode.kind !== "scalar" || nameNode.value === "") r.fail(`${field}.name`, g.line, `${field}.name is required`, "name the group", "E_SANAFE_NETWORK");
  const name = nameNode.value;
  const neurons = child(g, "neurons");
  if (neurons === undefined) r.fail(`${field}.neurons`, g.line, `group "${name}" has no neurons section`, "list the group's neurons, e.g. `neurons: [0..99]`", "E_SANAFE_NETWORK");
  if (neurons.kind !== "seq") r.fail(`${field}.neurons`, neurons.line, `group "${name}": neurons must be a list`, "write `neurons:` as a YAML list", "E_SANAFE_NETWORK");
  // Size: every id or range named in the list (description_count_neurons).
  let size = 0;
  const idOf = (key: string, line: number): { first: number; last: number } => {
    const range = parseRange(key);
    if (range !== undefined) {
      if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || range.first > range.last) {
        r.fail(`${field}.neurons`, line, `invalid neuron range "${key}"`, "write ranges as first..last with first <= last", "E_SANAFE_NETWORK");
      }
      return range;
    }
    if (!/^\s*\d+\s*$/.test(key)) r.fail(`${field}.neurons`, line, `neuron id "${key}" is not a whole number`, "neuron ids are 0, 1, 2, … or ranges a..b", "E_SANAFE_NETWORK");
    const id = Number(key.trim());
    return { first: id, last: id };
  };
  const entries: Array<{ key: string; value: YNode | undefined; line: number }> = [];
  for (const e of neurons.items) {
    if (e.kind === "map") for (const [k, v] of e.entries) entries.push({ key: k, value: v, line: e.line });
    else if (e.kind === "scalar") entries.push({ key: e.value, value: undefined, line: e.line });
    else r.fail(`${field}.neurons`, e.line, `group "${name}": a neuron entry is a nested list`, "write `- 0..9: {attributes}` or `- 0..9`", "E_SANAFE_NETWORK");
  }
  for (const e of entries) {
    const { first, last } = idOf(e.key, e.line);
    size += last - first + 1;
    if (size > MAX_SANAFE_NEURONS_PER_GROUP) r.fail(`${field}.neurons`, e.line, `group "${name}" has more than ${MAX_SANAFE_NEURONS_PER_GROUP} neurons`, "split the group", "E_SANAFE_TOO_LARGE");
  }
  const defaults: MutableConfig = { attrs: new Map() };
  const gattrs = child(g, "attributes");
  if (gattrs !== undefined) applyNeuronAttrs(r, gattrs, defaults, `${field}.attributes`);
  const configs: NeuronConfig[] = new Array<NeuronConfig>(size).fill(defaults);
  for (const e of entries) {
    if (e.value === undefined) continue;
    const { first, last } = idOf(e.key, e.line);
    if (last >= size) r.fail(`${field}.neurons`, e.line, `group "${name}" names neuron ${last} but has ${size} neurons`, "neuron ids run from 0 to the group size − 1", "E_SANAFE_NETWORK");
    const own: MutableConfig = { attrs: new Map(defaults.attrs), ...hwNames(defaults) };
    applyNeuronAttrs(r, e.value, own, `${field}.neurons.${e.key}`);
    for (let i = first; i <= last; i++) {
      const prev = configs[i];
      if (prev === defaults) configs[i] = own;
      else {
        // A neuron named twice: the later entry's keys overwrite (Neuron::set_attributes).
        const merged: MutableConfig = { attrs: new Map(prev.attrs), ...hwNames(prev) };
        for (const [k, v] of own.attrs) merged.attrs.set(k, v);
        if (own.somaHw !== undefined) merged.somaHw = own.somaHw;
        if (own.synapseHw !== undefined) merged.synapseHw = own.synapseHw;
        if (own.dendriteHw !== undefined) merged.dendriteHw = own.dendriteHw;
        configs[i] = merged;
      }
    }
  }
  return { name, size, line: g.line, configs };
}

function hwNames(c: NeuronConfig): { somaHw?: string; synapseHw?: string; dendriteHw?: string } {
  return {
    ...(c.somaHw === undefined ? {} : { somaHw: c.somaHw }),
    ...(c.synapseHw === undefined ? {} : { synapseHw: c.synapseHw }),
    ...(c.dendriteHw === undefined ? {} : { dendriteHw: c.dendriteHw }),
  };
}

/** yaml_parse_neuron_attributes: lists apply in order; maps set hw names and model attributes. */
function applyNeuronAttrs(r: AttrReader, n: YNode, cfg: MutableConfig, field: string): void {
  if (n.kind === "seq") {
    for (const it of n.items) applyNeuronAttrs(r, it, cfg, field);
    return;
  }
  if (n.kind === "scalar") {
    if (n.value === "") return;
    r.fail(field, n.line, `${field} must be a mapping of attributes, got "${n.value}"`, "write attributes as {name: value}", "E_SANAFE_NETWORK");
  }
  const str = (k: string): string | undefined => {
    const v = child(n, k);
    return v === undefined ? undefined : r.string(nodeAttr(v), `${field}.${k}`);
  };
  const soma = str("soma_hw_name");
  if (soma !== undefined) cfg.somaHw = soma;
  const syn = str("synapse_hw_name");
  if (syn !== undefined) cfg.synapseHw = syn;
  const den = str("dendrite_hw_name");
  if (den !== undefined) cfg.dendriteHw = den;
  for (const [k, v] of n.entries) {
    if (SKIP_KEYS.has(k)) continue;
    cfg.attrs.set(k, { a: nodeAttr(v, k), toDendrite: true, toSoma: true });
  }
  const dsec = child(n, "dendrite");
  if (dsec !== undefined) for (const [k, a] of sectionAttrs(r, dsec, `${field}.dendrite`)) cfg.attrs.set(k, { a, toDendrite: true, toSoma: false });
  const ssec = child(n, "soma");
  if (ssec !== undefined) for (const [k, a] of sectionAttrs(r, ssec, `${field}.soma`)) cfg.attrs.set(k, { a, toDendrite: false, toSoma: true });
}

/** description_parse_model_attributes_yaml: a map (reserved keys skipped), or a list of them flattened (first key wins). */
function sectionAttrs(r: AttrReader, n: YNode, field: string): Map<string, Attr> {
  const out = new Map<string, Attr>();
  if (n.kind === "seq") {
    for (const it of n.items) for (const [k, a] of sectionAttrs(r, it, field)) if (!out.has(k)) out.set(k, a);
    return out;
  }
  if (n.kind === "scalar") {
    if (n.value === "") return out;
    return r.fail(field, n.line, `${field} must be a mapping of attributes, got "${n.value}"`, "write attributes as {name: value}", "E_SANAFE_NETWORK");
  }
  for (const [k, v] of n.entries) if (!SKIP_KEYS.has(k)) out.set(k, nodeAttr(v, k));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Edges

interface NeuronEdgeAcc {
  pre: string;
  post: string;
  preIndex: number[];
  postIndex: number[];
  weight: number[];
  line: number;
}

function parseEdges(r: AttrReader, edgesNode: YNode & { kind: "seq" }, groups: ReadonlyMap<string, SanafeGroup>): SanafeEdge[] {
  // Single-neuron edges between the same two groups gather into one entry, kept at its first place.
  const order: Array<SanafeEdge | NeuronEdgeAcc> = [];
  const neuronEdges = new Map<string, NeuronEdgeAcc>();
  let total = 0;
  edgesNode.items.forEach((entry, ei) => {
    if (entry.kind !== "map") r.fail(`network.edges[${ei}]`, entry.line, "an edge must be `src -> dst: {attributes}`", "write edges as `- a.0 -> b.1: {weight: 1}` or `- a -> b: {type: dense, ...}`", "E_SANAFE_NETWORK");
    for (const [desc, attrs] of entry.entries) {
      const field = `network.edges[${ei}] "${desc}"`;
      const arrow = desc.indexOf("->");
      if (arrow < 0) r.fail(field, entry.line, `edge "${desc}" has no "->"`, "write edges as `src -> dst`", "E_SANAFE_NETWORK");
      const src = desc.slice(0, arrow).trim();
      const dst = desc.slice(arrow + 2).trim();
      const sd = src.indexOf(".");
      const dd = dst.indexOf(".");
      if ((sd < 0) !== (dd < 0)) r.fail(field, entry.line, `edge "${desc}" names a neuron on one side only`, "connect neuron to neuron (g.i -> h.j) or group to group (g -> h)", "E_SANAFE_NETWORK");
      const preName = sd < 0 ? src : src.slice(0, sd);
      const postName = dd < 0 ? dst : dst.slice(0, dd);
      const pre = groups.get(preName);
      const post = groups.get(postName);
      if (pre === undefined) r.fail(field, entry.line, `edge "${desc}": unknown source group "${preName}"`, "define the group under network.groups", "E_SANAFE_NETWORK");
      if (post === undefined) r.fail(field, entry.line, `edge "${desc}": unknown target group "${postName}"`, "define the group under network.groups", "E_SANAFE_NETWORK");
      if (sd >= 0) {
        const i = neuronId(r, src.slice(sd + 1), pre, field, entry.line);
        const j = neuronId(r, dst.slice(dd + 1), post, field, entry.line);
        const key = `${preName}\u0000${postName}`;
        let acc = neuronEdges.get(key);
        if (acc === undefined) {
          acc = { pre: preName, post: postName, preIndex: [], postIndex: [], weight: [], line: entry.line };
          neuronEdges.set(key, acc);
          order.push(acc);
        }
        acc.preIndex.push(i);
        acc.postIndex.push(j);
        acc.weight.push(singleEdgeWeight(r, attrs, field));
        if (++total > MAX_SANAFE_SYNAPSES) r.fail(field, entry.line, `more than ${MAX_SANAFE_SYNAPSES} synapses`, "split the network", "E_SANAFE_TOO_LARGE");
        continue;
      }
      const e = parseHyperEdge(r, attrs, pre, post, field, entry.line);
      total += hyperSize(e, pre, post);
      if (total > MAX_SANAFE_SYNAPSES) r.fail(field, entry.line, `more than ${MAX_SANAFE_SYNAPSES} synapses`, "split the network", "E_SANAFE_TOO_LARGE");
      order.push(e);
    }
  });
  return order.map((e): SanafeEdge => ("kind" in e ? e : {
    kind: "neurons", pre: e.pre, post: e.post, preIndex: Uint32Array.from(e.preIndex), postIndex: Uint32Array.from(e.postIndex), weight: Float64Array.from(e.weight), line: e.line,
  }));
}

function neuronId(r: AttrReader, s: string, g: SanafeGroup, field: string, line: number): number {
  if (!/^\s*\d+\s*$/.test(s)) r.fail(field, line, `neuron id "${s}" is not a whole number`, "write g.i with i a neuron index", "E_SANAFE_NETWORK");
  const i = Number(s.trim());
  if (i >= g.size) r.fail(field, line, `neuron ${g.name}.${i} does not exist (the group has ${g.size})`, "neuron ids run from 0 to the group size − 1", "E_SANAFE_NETWORK");
  return i;
}

/**
 * description_parse_edge_attributes for one neuron-to-neuron edge: the synapse's weight comes from a
 * `synapse:` sub-map, overridden by a shared `weight`/`w`; lists apply in order; `weight` beats `w`.
 */
function singleEdgeWeight(r: AttrReader, n: YNode, field: string): number {
  const syn = new Map<string, Attr>();
  const visit = (m: YNode): void => {
    if (m.kind === "seq") {
      for (const it of m.items) visit(it);
      return;
    }
    if (m.kind !== "map") {
      if (m.kind === "scalar" && m.value === "") return;
      r.fail(field, m.line, `${field}: edge attributes must be a mapping`, "write `{weight: 1.0}`", "E_SANAFE_NETWORK");
    }
    const s = child(m, "synapse");
    if (s !== undefined) for (const [k, a] of sectionAttrs(r, s, `${field}.synapse`)) syn.set(k, a);
    for (const [k, v] of m.entries) if (k !== "synapse" && k !== "dendrite" && k !== "soma" && !SKIP_KEYS.has(k)) syn.set(k, nodeAttr(v, k));
  };
  visit(n);
  const w = syn.get("weight") ?? syn.get("w");
  return w === undefined ? 0 : r.double(w, `${field}.weight`);
}

function parseHyperEdge(r: AttrReader, n: YNode, pre: SanafeGroup, post: SanafeGroup, field: string, line: number): SanafeEdge {
  // description_parse_model_attributes_yaml on the edge node: a list of maps flattens (first key wins).
  const attrs = sectionAttrs(r, n, field);
  const typeA = attrs.get("type");
  if (typeA === undefined) r.fail(`${field}.type`, line, `hyper-edge "${pre.name} -> ${post.name}" has no type`, "set `type: conv2d`, `dense` or `sparse`", "E_SANAFE_NETWORK");
  const type = r.string(typeA, `${field}.type`);
  const weights = attrs.get("weight") ?? attrs.get("w");
  const weightList = weights === undefined ? undefined : r.list(weights, `${field}.weight`);
  for (const [k, a] of attrs) {
    if (k === "type" || (type === "conv2d" && CONV_KEYS.some(([ck]) => ck === k)) || (type === "sparse" && k === "source_target_pairs")) continue;
    if (a.t !== "list") r.fail(`${field}.${k}`, a.line, `hyper-edge attribute "${k}" must be a list with one entry per connection`, "give a list (SANA-FE applies entry i to connection i)", "E_SANAFE_NETWORK");
  }
  if (type === "conv2d") {
    const p: Record<string, number> = { kernelCount: 1, strideWidth: 1, strideHeight: 1 };
    for (const [key, prop] of CONV_KEYS) {
      const a = attrs.get(key);
      if (a !== undefined) p[prop] = r.int(a, `${field}.${key}`, -(2 ** 31), 2 ** 31 - 1);
    }
    for (const [key, prop] of CONV_KEYS) {
      if (!(p[prop] > 0)) r.fail(`${field}.${key}`, line, `conv2d parameter ${key} must be > 0 (got ${p[prop] ?? "nothing"})`, "give every conv2d dimension as a positive integer", "E_SANAFE_NETWORK");
    }
    const conv = p as unknown as Conv2dParams;
    if (conv.kernelWidth > conv.inputWidth || conv.kernelHeight > conv.inputHeight) {
      r.fail(field, line, `conv2d kernel ${conv.kernelWidth}×${conv.kernelHeight} is larger than the input ${conv.inputWidth}×${conv.inputHeight}`, "SANA-FE's conv2d has no padding; use a smaller kernel", "E_SANAFE_NETWORK");
    }
    const outW = Math.floor((conv.inputWidth - conv.kernelWidth) / conv.strideWidth) + 1;
    const outH = Math.floor((conv.inputHeight - conv.kernelHeight) / conv.strideHeight) + 1;
    const expIn = conv.inputChannels * conv.inputWidth * conv.inputHeight;
    const expOut = conv.kernelCount * outW * outH;
    if (expIn !== pre.size) r.fail(field, line, `conv2d expects ${expIn} neurons in source group "${pre.name}", it has ${pre.size}`, "input_channels × input_width × input_height must equal the source group size", "E_SANAFE_NETWORK");
    if (expOut !== post.size) r.fail(field, line, `conv2d expects ${expOut} neurons in target group "${post.name}", it has ${post.size}`, "kernel_count × output width × output height must equal the target group size", "E_SANAFE_NETWORK");
    const filterSize = conv.kernelHeight * conv.kernelWidth * conv.inputChannels * conv.kernelCount;
    if (weightList !== undefined && weightList.length < filterSize) {
      r.fail(`${field}.weight`, line, `conv2d weight has ${weightList.length} entries, the filter needs ${filterSize}`, "give kernel_height × kernel_width × input_channels × kernel_count weights ([y][x][c_in][c_out])", "E_SANAFE_NETWORK");
    }
    return { kind: "conv2d", pre: pre.name, post: post.name, conv, weights: weightList, line };
  }
  if (type === "dense") {
    if (weightList !== undefined && weightList.length < pre.size * post.size) {
      r.fail(`${field}.weight`, line, `dense weight has ${weightList.length} entries, ${pre.size}×${post.size} connections need ${pre.size * post.size}`, "give one weight per (source, target) pair, source-major", "E_SANAFE_NETWORK");
    }
    return { kind: "dense", pre: pre.name, post: post.name, weights: weightList, line };
  }
  if (type === "sparse") {
    const pa = attrs.get("source_target_pairs");
    const list = pa === undefined ? [] : r.list(pa, `${field}.source_target_pairs`);
    const pairs = new Uint32Array(list.length * 2);
    list.forEach((pp, k) => {
      const two = r.list(pp, `${field}.source_target_pairs[${k}]`);
      if (two.length !== 2) r.fail(`${field}.source_target_pairs[${k}]`, pp.line, "each pair must be [source, target]", "write pairs as [[0, 1], [2, 3]]", "E_SANAFE_NETWORK");
      pairs[2 * k] = r.int(two[0], `${field}.source_target_pairs[${k}][0]`, 0, pre.size - 1);
      pairs[2 * k + 1] = r.int(two[1], `${field}.source_target_pairs[${k}][1]`, 0, post.size - 1);
    });
    for (const [k, a] of attrs) {
      if (k === "type" || k === "source_target_pairs" || a.t !== "list") continue;
      if (a.items.length !== list.length) r.fail(`${field}.${k}`, a.line, `sparse attribute "${k}" has ${a.items.length} entries for ${list.length} pairs`, "give one entry per source/target pair", "E_SANAFE_NETWORK");
    }
    return { kind: "sparse", pre: pre.name, post: post.name, pairs, weights: weightList, line };
  }
  return r.fail(`${field}.type`, line, `unknown hyper-edge type "${type}"`, "use conv2d, dense or sparse", "E_SANAFE_NETWORK");
}

function hyperSize(e: SanafeEdge, pre: SanafeGroup, post: SanafeGroup): number {
  if (e.kind === "dense") return pre.size * post.size;
  if (e.kind === "sparse") return e.pairs.length / 2;
  if (e.kind === "conv2d") return post.size * e.conv.inputChannels * e.conv.kernelHeight * e.conv.kernelWidth;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Mappings

function parseMappings(r: AttrReader, n: YNode, groups: ReadonlyMap<string, SanafeGroup>): SanafeMapping[] {
  if (n.kind !== "seq") r.fail("mappings", n.line, "mappings must be a list", "write `mappings:` as a list of `- G.n: {core: tile.core}`", "E_SANAFE_MAPPING");
  const out: SanafeMapping[] = [];
  n.items.forEach((m, mi) => {
    const field = `mappings[${mi}]`;
    if (m.kind !== "map") r.fail(field, m.line, "each mapping must be `<group>.<neuron>: {core: tile.core}`", "write `- G.0: {core: 0.0}`", "E_SANAFE_MAPPING");
    if (m.entries.length !== 1) r.fail(field, m.line, "each mapping list entry must hold exactly one neuron address", "write one `- G.n: {...}` per list entry", "E_SANAFE_MAPPING");
    const [addr, info] = m.entries[0];
    const dot = addr.indexOf(".");
    const gname = dot < 0 ? addr : addr.slice(0, dot);
    const g = groups.get(gname);
    if (g === undefined) r.fail(field, m.line, `mapping names unknown group "${gname}"`, "map neurons of groups defined under network.groups", "E_SANAFE_MAPPING");
    let first = 0;
    let last = g.size - 1;
    if (dot >= 0) {
      const ns = addr.slice(dot + 1);
      const range = parseRange(ns);
      if (range !== undefined) {
        if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || range.first > range.last) r.fail(field, m.line, `invalid neuron range "${ns}"`, "write ranges as first..last", "E_SANAFE_MAPPING");
        first = range.first;
        last = range.last;
      } else {
        if (!/^\s*\d+\s*$/.test(ns)) r.fail(field, m.line, `neuron id "${ns}" is not a whole number`, "write G.n or G.a..b", "E_SANAFE_MAPPING");
        first = last = Number(ns.trim());
      }
      if (last >= g.size) r.fail(field, m.line, `neuron ${gname}.${last} does not exist (the group has ${g.size})`, "map existing neurons", "E_SANAFE_MAPPING");
    }
    const hw: { core?: string; soma?: string; dendrite?: string; synapse?: string } = {};
    const visit = (x: YNode): void => {
      if (x.kind === "seq") {
        for (const it of x.items) visit(it);
        return;
      }
      if (x.kind !== "map") r.fail(field, x.line, "mapping attributes must be a mapping", "write `{core: 0.0}`", "E_SANAFE_MAPPING");
      for (const key of ["core", "soma", "dendrite", "synapse"] as const) {
        const v = child(x, key);
        if (v !== undefined) {
          if (v.kind !== "scalar") r.fail(`${field}.${key}`, v.line, `${key} must be a single value`, "write e.g. `core: 0.1`", "E_SANAFE_MAPPING");
          hw[key] = v.value.trim();
        }
      }
    };
    visit(info);
    if (hw.core === undefined) r.fail(`${field}.core`, m.line, `mapping of "${addr}" has no core`, "give `core: tile.core`, e.g. `core: 0.1`", "E_SANAFE_MAPPING");
    const cm = /^(\d+)\.(\d+)$/.exec(hw.core);
    if (cm === null) r.fail(`${field}.core`, m.line, `core address "${hw.core}" is not tile.core`, "write the core as tile.core, e.g. 3.1 (quote it if needed: '3.10')", "E_SANAFE_MAPPING");
    out.push({
      group: gname, first, last, tile: Number(cm[1]), coreOffset: Number(cm[2]),
      ...(hw.soma === undefined ? {} : { somaHw: hw.soma }),
      ...(hw.dendrite === undefined ? {} : { dendriteHw: hw.dendrite }),
      ...(hw.synapse === undefined ? {} : { synapseHw: hw.synapse }),
      line: m.line,
    });
  });
  return out;
}
