/**
 * Graph structure of a parsed NIR document: nested NIRGraphs flattened into one graph with dotted
 * names, edge names resolved, cycles classified.
 *
 * Name resolution (nir-notes §3): an edge endpoint is first looked up as an exact node name in its
 * graph (flattened exports use dotted names such as "lif1.w_rec" at the top level); only then is
 * "g.rest" read as node `rest` inside subgraph `g`. A bare subgraph name means its single Input
 * (as a destination) or its single Output (as a source). A subgraph's Input/Output nodes become
 * pass-through (Identity) nodes.
 *
 * Time (nir-notes §3): edges carry values within a time step, except where a cycle closes. Edges are
 * classified by a depth-first search from the graph's Input nodes: an edge into a node that is still
 * on the search stack is a *back edge*, and carries the previous step's value (nirtorch executes a
 * node as soon as its non-recurrent inputs exist and takes the recurrent one from the last step).
 */
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import type { NirDocument, NirGraph, NirNode } from "./types.ts";

export interface FlatEdge {
  readonly src: string;
  readonly dst: string;
  /** Where the edge is stored in the file (`node/edges[3]`). */
  readonly field: string;
  /** True when the edge closes a cycle: it carries the value of the previous step. */
  readonly back: boolean;
}

export interface FlatGraph {
  readonly file: string;
  /** Leaf nodes by global (dotted) name, in file order. */
  readonly nodes: ReadonlyMap<string, NirNode>;
  readonly edges: readonly FlatEdge[];
  /** Top-level Input / Output node names. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Every node, in an order where each forward edge goes from an earlier to a later node. */
  readonly order: readonly string[];
  /** Incoming / outgoing edge indices per node. */
  readonly inEdges: ReadonlyMap<string, readonly number[]>;
  readonly outEdges: ReadonlyMap<string, readonly number[]>;
}

interface Flattened {
  /** Local name → global name of a leaf, or the subgraph's flattening. */
  readonly local: Map<string, string | Flattened>;
  readonly name: string;
  readonly entry: string | null;
  readonly exit: string | null;
}

function graphLabel(g: NirGraph): string {
  return g.name === "" ? "the top-level graph" : `subgraph "${g.name}"`;
}

export function flattenNir(doc: NirDocument, warnings: Diagnostic[]): FlatGraph {
  const file = doc.file;
  const nodes = new Map<string, NirNode>();
  const rawEdges: Array<{ src: string; dst: string; field: string }> = [];

  function flatten(g: NirGraph, prefix: string, top: boolean): Flattened {
    const local = new Map<string, string | Flattened>();
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (const [name, node] of g.nodes) {
      if (node.type === "NIRGraph") {
        local.set(name, flatten(node, `${prefix}${name}.`, false));
        continue;
      }
      const global = `${prefix}${name}`;
      if (nodes.has(global)) {
        throw new AerchipError("E_NIR_NAME_CONFLICT", `node name "${global}" is used twice once nested graphs are flattened`, {
          file, field: node.path, hint: "rename the dotted top-level node or the subgraph node",
        });
      }
      if (!top && (node.type === "Input" || node.type === "Output")) {
        nodes.set(global, { type: "Identity", name: global, path: node.path });
        (node.type === "Input" ? inputs : outputs).push(global);
      } else {
        nodes.set(global, node.name === global ? node : { ...node, name: global });
      }
      local.set(name, global);
    }
    const self: Flattened = { local, name: g.name, entry: inputs.length === 1 ? inputs[0] : null, exit: outputs.length === 1 ? outputs[0] : null };
    const resolveIn = (f: Flattened, name: string, asSource: boolean): string | null => {
      const hit = f.local.get(name);
      if (typeof hit === "string") return hit;
      if (hit !== undefined) {
        const end = asSource ? hit.exit : hit.entry;
        if (end === null) {
          throw new AerchipError("E_NIR_EDGE", `subgraph "${hit.name}" is used as an edge ${asSource ? "source" : "destination"} but has ${asSource ? "no single Output" : "no single Input"} node`, {
            file, field: g.path, hint: `connect to a node inside it as "${name}.<node>"`,
          });
        }
        return end;
      }
      for (let i = name.indexOf("."); i > 0; i = name.indexOf(".", i + 1)) {
        const sub = f.local.get(name.slice(0, i));
        if (sub !== undefined && typeof sub !== "string") {
          const r = resolveIn(sub, name.slice(i + 1), asSource);
          if (r !== null) return r;
        }
      }
      return null;
    };
    for (const e of g.edges) {
      const src = resolveIn(self, e.src, true);
      const dst = resolveIn(self, e.dst, false);
      if (src === null || dst === null) {
        const missing = src === null ? e.src : e.dst;
        throw new AerchipError("E_NIR_DANGLING_EDGE", `${graphLabel(g)}: edge ${JSON.stringify(e.src)} → ${JSON.stringify(e.dst)} names node ${JSON.stringify(missing)}, which ${g.name === "" ? "the graph" : "the subgraph"} does not have (its nodes: ${[...g.nodes.keys()].join(", ")})`, {
          file, field: e.field, hint: "fix the edge or the node name; the file is malformed (nir.read rejects it too)",
        });
      }
      rawEdges.push({ src, dst, field: e.field });
    }
    return self;
  }

  flatten(doc.graph, "", true);

  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const [name, n] of nodes) {
    if (n.type === "Input") inputs.push(name);
    if (n.type === "Output") outputs.push(name);
  }
  // Duplicate edges: nirtorch collects edges in a set, so a repeated edge counts once.
  const seen = new Set<string>();
  const edges0: Array<{ src: string; dst: string; field: string }> = [];
  for (const e of rawEdges) {
    const key = `${e.src}\u0000${e.dst}`;
    if (seen.has(key)) {
      warnings.push({ code: "W_NIR_DUPLICATE_EDGE", severity: "warning", file, field: e.field, message: `edge ${e.src} → ${e.dst} appears more than once; counted once`, hint: "remove the repeated edge" });
      continue;
    }
    seen.add(key);
    const s = nodes.get(e.src)!;
    const d = nodes.get(e.dst)!;
    if (d.type === "Input") throw new AerchipError("E_NIR_EDGE", `edge ${e.src} → ${e.dst} ends on an Input node`, { file, field: e.field, hint: "Input nodes are graph entries and take no edges" });
    if (s.type === "Output") throw new AerchipError("E_NIR_EDGE", `edge ${e.src} → ${e.dst} starts at an Output node`, { file, field: e.field, hint: "Output nodes are graph exits" });
    edges0.push(e);
  }

  const names = [...nodes.keys()];
  const outAdj = new Map<string, number[]>(names.map((n) => [n, []]));
  const inAdj = new Map<string, number[]>(names.map((n) => [n, []]));
  edges0.forEach((e, i) => {
    outAdj.get(e.src)!.push(i);
    inAdj.get(e.dst)!.push(i);
  });

  // Iterative DFS from the Inputs, then from every node not reached yet (roots first).
  const back = new Uint8Array(edges0.length);
  const state = new Map<string, 0 | 1 | 2>(names.map((n) => [n, 0])); // 0 new, 1 on stack, 2 done
  const dfs = (start: string): void => {
    if (state.get(start) !== 0) return;
    const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const outs = outAdj.get(top.node)!;
      if (top.next >= outs.length) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const ei = outs[top.next++];
      const dst = edges0[ei].dst;
      const st = state.get(dst);
      if (st === 1) back[ei] = 1;
      else if (st === 0) {
        state.set(dst, 1);
        stack.push({ node: dst, next: 0 });
      }
    }
  };
  for (const n of inputs) dfs(n);
  for (const n of names) if (inAdj.get(n)!.length === 0) dfs(n);
  for (const n of names) dfs(n);

  const edges: FlatEdge[] = edges0.map((e, i) => ({ ...e, back: back[i] === 1 }));
  // Kahn's order over forward edges (a DAG once the DFS back edges are removed).
  const indeg = new Map<string, number>(names.map((n) => [n, 0]));
  for (const e of edges) if (!e.back) indeg.set(e.dst, indeg.get(e.dst)! + 1);
  const order: string[] = [];
  const queue = names.filter((n) => indeg.get(n) === 0);
  while (queue.length > 0) {
    const n = queue.shift()!;
    order.push(n);
    for (const ei of outAdj.get(n)!) {
      if (edges[ei].back) continue;
      const d = edges[ei].dst;
      indeg.set(d, indeg.get(d)! - 1);
      if (indeg.get(d) === 0) queue.push(d);
    }
  }
  return { file, nodes, edges, inputs, outputs, order, inEdges: inAdj, outEdges: outAdj };
}
