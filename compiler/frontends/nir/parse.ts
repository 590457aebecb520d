/**
 * HDF5 tree (read-hdf5.ts) → typed NIR graph (types.ts), for every file generation NIR has written:
 *   0.0.x  nodes keyed "0","1",… with integer edges, `v_th`/`weights` names, Output without shape
 *   0.1–1.0.1  hand-written writer; no `v_reset` (it means 0), no metadata
 *   1.0.2+  generic writer; optional `metadata`, Flatten `input_type`, Conv `input_shape`
 *   1.0.6+  `v_reset` present; HEAD gzip-compresses NumPy arrays (transparent here)
 * Layout: `/version` (string) and `/node` (the top NIRGraph: `type`, `nodes/`, `edges` (E,2)).
 * Integers arrive as int64 (BigInt) and are converted with a range check; strings are vlen UTF-8.
 */
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import type { H5Dataset, H5Group, H5Value } from "./read-hdf5.ts";
import type {
  NirDocument, NirEdge, NirGraph, NirNode, NirPadding1d, NirPadding2d, NirTensor,
} from "./types.ts";

const SUPPORTED_TYPES = [
  "Input", "Output", "Affine", "Linear", "Scale", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "Flatten",
  "Delay", "Threshold", "I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "NIRGraph", "Identity",
] as const;

/** Datasets/groups a node may carry besides its fields (ignored). */
const IGNORED_KEYS = new Set(["type", "metadata", "input_type", "output_type"]);

class NodeReader {
  readonly group: H5Group;
  readonly name: string;
  readonly type: string;
  readonly file: string;
  private readonly used = new Set<string>(["type"]);

  constructor(group: H5Group, name: string, type: string, file: string) {
    this.group = group;
    this.name = name;
    this.type = type;
    this.file = file;
  }

  fail(field: string, what: string, hint: string): never {
    throw new AerchipError("E_NIR_FIELD", `node "${this.name}" (${this.type}): ${what}`, { file: this.file, field: `${this.group.path}/${field}`, hint });
  }

  private dataset(key: string, aliases: readonly string[] = []): H5Dataset | undefined {
    for (const k of [key, ...aliases]) {
      const c = this.group.children.get(k);
      if (c === undefined) continue;
      this.used.add(k);
      if (c.kind !== "dataset") this.fail(k, `field "${k}" is a group, expected a dataset`, "re-export the model with nir.write");
      return c;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.group.children.has(key);
  }

  private numbers(v: H5Value, key: string): Float64Array {
    if (v.kind === "float") return v.data;
    if (v.kind === "int") {
      const out = new Float64Array(v.data.length);
      for (let i = 0; i < v.data.length; i++) {
        const x = v.data[i];
        if (x > 2n ** 53n || x < -(2n ** 53n)) this.fail(key, `field "${key}" holds ${x}, beyond ±2^53`, "use smaller values");
        out[i] = Number(x);
      }
      return out;
    }
    return this.fail(key, `field "${key}" must be numeric, got ${v.kind === "string" ? "a string" : v.description}`, "re-export the model with nir.write");
  }

  tensor(key: string, aliases: readonly string[] = []): NirTensor {
    const ds = this.dataset(key, aliases);
    if (ds === undefined) this.fail(key, `required field "${key}" is missing`, `a ${this.type} node stores "${key}"`);
    const data = this.numbers(ds.value, key);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) this.fail(key, `field "${key}" element ${i} is ${data[i]}`, "parameters must be finite");
    }
    return { shape: ds.value.shape, data };
  }

  optionalTensor(key: string): NirTensor | null {
    return this.has(key) ? this.tensor(key) : null;
  }

  private ints(key: string, ds: H5Dataset): number[] {
    const data = this.numbers(ds.value, key);
    return Array.from(data, (x, i) => {
      if (!Number.isInteger(x)) this.fail(key, `field "${key}" element ${i} is ${x}, expected an integer`, "give whole numbers");
      return x;
    });
  }

  int(key: string, min: number, fallback?: number): number {
    const ds = this.dataset(key);
    if (ds === undefined) {
      if (fallback !== undefined) return fallback;
      this.fail(key, `required field "${key}" is missing`, `a ${this.type} node stores "${key}"`);
    }
    const v = this.ints(key, ds);
    if (v.length !== 1) this.fail(key, `field "${key}" must be one integer, got ${v.length} values`, "give a single integer");
    if (v[0] < min) this.fail(key, `field "${key}" is ${v[0]}, must be >= ${min}`, `give a value >= ${min}`);
    return v[0];
  }

  /** An int or an int pair (NIR accepts both for 2-d conv/pool parameters). */
  pair(key: string, min: number, fallback?: readonly [number, number]): [number, number] {
    const ds = this.dataset(key);
    if (ds === undefined) {
      if (fallback !== undefined) return [fallback[0], fallback[1]];
      this.fail(key, `required field "${key}" is missing`, `a ${this.type} node stores "${key}"`);
    }
    const v = this.ints(key, ds);
    if (v.length !== 1 && v.length !== 2) this.fail(key, `field "${key}" must be an int or a pair, got ${v.length} values`, "give one or two integers");
    const p: [number, number] = v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
    if (p[0] < min || p[1] < min) this.fail(key, `field "${key}" is (${p.join(", ")}), must be >= ${min}`, `give values >= ${min}`);
    return p;
  }

  private paddingString(key: string, ds: H5Dataset): "same" | "valid" | null {
    if (ds.value.kind !== "string") return null;
    const s = ds.value.data[0];
    if (ds.value.data.length !== 1 || (s !== "same" && s !== "valid")) this.fail(key, `field "${key}" is ${JSON.stringify(ds.value.data)}, expected "same", "valid" or integers`, "give padding as integers or \"same\"/\"valid\"");
    return s;
  }

  padding1d(key: string): NirPadding1d {
    const ds = this.dataset(key);
    if (ds === undefined) return 0;
    return this.paddingString(key, ds) ?? this.int(key, 0);
  }

  padding2d(key: string): NirPadding2d {
    const ds = this.dataset(key);
    if (ds === undefined) return [0, 0];
    return this.paddingString(key, ds) ?? this.pair(key, 0);
  }

  shape(key: string, required: boolean): number[] | null {
    const ds = this.dataset(key);
    if (ds === undefined) {
      if (required) this.fail(key, `required field "${key}" is missing`, `a ${this.type} node stores "${key}"`);
      return null;
    }
    const v = this.ints(key, ds);
    for (const d of v) if (d < 1) this.fail(key, `field "${key}" has dimension ${d}`, "shape dimensions are >= 1");
    return v;
  }

  /** Fields present in the file that the node type does not define. */
  unusedKeys(): string[] {
    return [...this.group.children.keys()].filter((k) => !this.used.has(k) && !IGNORED_KEYS.has(k));
  }
}

function readString(g: H5Group, key: string): string | undefined {
  const c = g.children.get(key);
  if (c === undefined || c.kind !== "dataset" || c.value.kind !== "string" || c.value.data.length !== 1) return undefined;
  return c.value.data[0];
}

function zerosLike(t: NirTensor): NirTensor {
  return { shape: t.shape, data: new Float64Array(t.data.length) };
}
function onesLike(t: NirTensor): NirTensor {
  return { shape: t.shape, data: new Float64Array(t.data.length).fill(1) };
}

interface ParseContext {
  readonly file: string;
  readonly warnings: Diagnostic[];
}

function graphLabel(name: string): string {
  return name === "" ? "the top-level graph" : `graph "${name}"`;
}

function parseEdges(g: H5Group, graphName: string, ctx: ParseContext): NirEdge[] {
  const c = g.children.get("edges");
  const field = `${g.path}/edges`;
  if (c === undefined) return [];
  if (c.kind !== "dataset") throw new AerchipError("E_NIR_FIELD", `${graphLabel(graphName)}: "edges" is a group, expected an (E, 2) dataset`, { file: ctx.file, field, hint: "re-export the model with nir.write" });
  const v = c.value;
  let flat: string[];
  if (v.kind === "string") flat = [...v.data];
  else if (v.kind === "int") flat = Array.from(v.data, (x) => String(x)); // NIR 0.0.x: edges index the node list
  else if (v.kind === "float" && v.data.length === 0) return []; // nir.write stores an empty edge list as float64 (0,)
  else throw new AerchipError("E_NIR_FIELD", `${graphLabel(graphName)}: "edges" must hold node names`, { file: ctx.file, field, hint: "edges are an (E, 2) array of node names" });
  if (flat.length % 2 !== 0 || (v.shape.length > 0 && v.shape[v.shape.length - 1] !== 2 && flat.length > 0)) {
    throw new AerchipError("E_NIR_FIELD", `${graphLabel(graphName)}: "edges" has shape (${v.shape.join(", ")}), expected (E, 2)`, { file: ctx.file, field, hint: "each edge is a (source, destination) pair" });
  }
  const edges: NirEdge[] = [];
  for (let i = 0; i < flat.length; i += 2) edges.push({ src: flat[i], dst: flat[i + 1], field: `${field}[${i / 2}]` });
  return edges;
}

function parseGraph(g: H5Group, name: string, ctx: ParseContext): NirGraph {
  const nodesGroup = g.children.get("nodes");
  if (nodesGroup === undefined || nodesGroup.kind !== "group") {
    throw new AerchipError("E_NIR_FIELD", `${graphLabel(name)} has no "nodes" group`, { file: ctx.file, field: `${g.path}/nodes`, hint: "a NIRGraph stores its nodes under nodes/<name>" });
  }
  const nodes = new Map<string, NirNode>();
  for (const [key, child] of nodesGroup.children) {
    if (child.kind !== "group") {
      throw new AerchipError("E_NIR_FIELD", `${graphLabel(name)}: nodes/${key} is a dataset, expected a node group`, { file: ctx.file, field: child.path, hint: "each node is a group with a type dataset" });
    }
    nodes.set(key, parseNode(child, key, ctx));
  }
  return { type: "NIRGraph", name, path: g.path, nodes, edges: parseEdges(g, name, ctx) };
}

function parseNode(g: H5Group, name: string, ctx: ParseContext): NirNode {
  let type = readString(g, "type");
  if (type === undefined) {
    if (g.children.has("nodes")) type = "NIRGraph";
    else {
      throw new AerchipError("E_NIR_FIELD", `node "${name}" has no "type" string`, { file: ctx.file, field: `${g.path}/type`, hint: "every NIR node group stores its class name in a type dataset" });
    }
  }
  if (type === "NIRGraph") return parseGraph(g, name, ctx);
  const r = new NodeReader(g, name, type, ctx.file);
  const base = { name, path: g.path };
  let node: NirNode;
  switch (type) {
    case "Input": {
      const shape = r.shape("shape", true)!;
      node = { ...base, type, shape };
      break;
    }
    case "Output":
      node = { ...base, type, shape: r.shape("shape", false) };
      break;
    case "Affine":
      node = { ...base, type, weight: r.tensor("weight", ["weights"]), bias: r.tensor("bias") };
      break;
    case "Linear": {
      const weight = r.tensor("weight", ["weights"]);
      // NIR 0.0.x "Linear" carried a bias: that is today's Affine.
      node = r.has("bias") ? { ...base, type: "Affine", weight, bias: r.tensor("bias") } : { ...base, type, weight };
      break;
    }
    case "Scale":
      node = { ...base, type, scale: r.tensor("scale") };
      break;
    case "Conv1d": {
      const inputShape = r.shape("input_shape", false);
      if (inputShape !== null && inputShape.length !== 1) r.fail("input_shape", `field "input_shape" must be one integer for Conv1d`, "give the input length N");
      node = {
        ...base, type, weight: r.tensor("weight", ["weights"]), stride: r.int("stride", 1, 1), padding: r.padding1d("padding"),
        dilation: r.int("dilation", 1, 1), groups: r.int("groups", 1, 1), bias: r.tensor("bias"), inputShape: inputShape === null ? null : inputShape[0],
      };
      break;
    }
    case "Conv2d": {
      const inputShape = r.shape("input_shape", false);
      if (inputShape !== null && inputShape.length !== 2) r.fail("input_shape", `field "input_shape" must be two integers for Conv2d`, "give (H, W)");
      node = {
        ...base, type, weight: r.tensor("weight", ["weights"]), stride: r.pair("stride", 1, [1, 1]), padding: r.padding2d("padding"),
        dilation: r.pair("dilation", 1, [1, 1]), groups: r.int("groups", 1, 1), bias: r.tensor("bias"),
        inputShape: inputShape === null ? null : [inputShape[0], inputShape[1]],
      };
      break;
    }
    case "SumPool2d":
    case "AvgPool2d": {
      const kernelSize = r.pair("kernel_size", 1);
      node = { ...base, type, kernelSize, stride: r.pair("stride", 1, kernelSize), padding: r.pair("padding", 0, [0, 0]) };
      break;
    }
    case "Flatten": {
      // NIR's default is start_dim = 1, end_dim = -1 (over the batch-free shape).
      const startDim = r.int("start_dim", -64, 1);
      const endDim = r.int("end_dim", -64, -1);
      node = { ...base, type, startDim, endDim, inputType: r.shape("input_type", false) };
      break;
    }
    case "Delay":
      node = { ...base, type, delay: r.tensor("delay") };
      break;
    case "Threshold":
      node = { ...base, type, threshold: r.tensor("threshold") };
      break;
    case "Identity":
      node = { ...base, type };
      break;
    case "I":
      node = { ...base, type, r: r.tensor("r") };
      break;
    case "IF": {
      const vThreshold = r.tensor("v_threshold", ["v_th"]);
      node = { ...base, type, r: r.tensor("r"), vThreshold, vReset: r.optionalTensor("v_reset") ?? zerosLike(vThreshold) };
      break;
    }
    case "LI":
      node = { ...base, type, tau: r.tensor("tau"), r: r.tensor("r"), vLeak: r.tensor("v_leak") };
      break;
    case "LIF": {
      const vThreshold = r.tensor("v_threshold", ["v_th"]);
      node = {
        ...base, type, tau: r.tensor("tau"), r: r.tensor("r"), vLeak: r.tensor("v_leak"), vThreshold,
        vReset: r.optionalTensor("v_reset") ?? zerosLike(vThreshold),
      };
      break;
    }
    case "CubaLI": {
      const tauMem = r.tensor("tau_mem");
      node = { ...base, type, tauSyn: r.tensor("tau_syn"), tauMem, r: r.tensor("r"), vLeak: r.tensor("v_leak"), wIn: r.optionalTensor("w_in") ?? onesLike(tauMem) };
      break;
    }
    case "CubaLIF": {
      const vThreshold = r.tensor("v_threshold", ["v_th"]);
      node = {
        ...base, type, tauSyn: r.tensor("tau_syn"), tauMem: r.tensor("tau_mem"), r: r.tensor("r"), vLeak: r.tensor("v_leak"), vThreshold,
        vReset: r.optionalTensor("v_reset") ?? zerosLike(vThreshold),
        // NIR ≤ 0.2 had no w_in; its default is 1.
        wIn: r.optionalTensor("w_in") ?? onesLike(vThreshold),
      };
      break;
    }
    default:
      throw new AerchipError("E_NIR_UNKNOWN_NODE", `node "${name}" has unknown type ${JSON.stringify(type)}`, {
        file: ctx.file, field: `${g.path}/type`, hint: `aerchip reads NIR node types ${SUPPORTED_TYPES.join(", ")}`,
      });
  }
  const extra = r.unusedKeys();
  if (extra.length > 0) {
    ctx.warnings.push({
      code: "W_NIR_EXTRA_FIELD", severity: "warning", file: ctx.file, field: g.path,
      message: `node "${name}" (${type}) has fields NIR does not define for this type, ignored: ${extra.join(", ")}`,
      hint: "check that the exporter and aerchip agree on the node's meaning",
    });
  }
  return node;
}

/** Parses the HDF5 tree of a NIR file. */
export function parseNirTree(root: H5Group, file: string): { doc: NirDocument; warnings: Diagnostic[] } {
  const ctx: ParseContext = { file, warnings: [] };
  const version = readString(root, "version") ?? "unknown";
  const major = /^(\d+)\./.exec(version);
  if (major !== null && Number(major[1]) >= 2) {
    ctx.warnings.push({ code: "W_NIR_VERSION", severity: "warning", file, field: "version", message: `NIR file version ${version} is newer than the versions aerchip knows (0.x–1.0.x)`, hint: "the file is read with NIR 1.0 semantics" });
  }
  const top = root.children.get("node");
  let graphGroup: H5Group;
  if (top !== undefined && top.kind === "group") graphGroup = top;
  else if (root.children.has("nodes")) graphGroup = root; // NIR 0.0.x wrote the graph at the root
  else {
    throw new AerchipError("E_NIR_STRUCTURE", `no NIR graph in the file: it has no "node" group`, { file, field: "node", hint: "a NIR file holds its graph under /node (written by nir.write)" });
  }
  const type = readString(graphGroup, "type");
  if (type !== undefined && type !== "NIRGraph") {
    throw new AerchipError("E_NIR_STRUCTURE", `the top-level node is a ${type}, expected a NIRGraph`, { file, field: `${graphGroup.path}/type`, hint: "wrap the node in a NIRGraph with Input and Output nodes" });
  }
  const graph = parseGraph(graphGroup, "", ctx);
  return { doc: { file, version, graph }, warnings: ctx.warnings };
}
