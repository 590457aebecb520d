/**
 * Shape inference over a flattened NIR graph (NIR's own `infer_types`, redone here because files
 * store shapes only for Input/Output, Flatten `input_type` and Conv `input_shape`).
 *
 * Forward in topological order: a node's input shape is the output shape of its forward
 * predecessors (several edges into one node are summed, so their shapes must agree). Rules:
 *   Affine/Linear W [out, in]: x [..., in] → [..., out]
 *   Conv2d [Ci, H, W] → [Co, ⌊(H + 2p − d(k−1) − 1)/s⌋ + 1, …] ("same": H, needs stride 1)
 *   Conv1d [Ci, N] → [Co, N']      Sum/AvgPool2d [C, H, W] → [C, ⌊(H + 2p − k)/s⌋ + 1, …]
 *   Flatten(start, end) merges dims start…end of the batch-free shape
 *   neurons, Scale, Delay, Threshold: the parameter shape (size-1 parameters broadcast)
 * Then every edge (including cycle edges) is checked. A mismatch in element count is an error; the
 * same count with different dimensions is an error unless `lenient` (then a warning), which is how
 * NIR's `read(type_check=False)` loads `lif_rockpool.nir` (Output [1,1,1] after a LIF of [1]).
 */
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import type { FlatGraph } from "./graph.ts";
import type { NirNode, NirTensor } from "./types.ts";

export interface NodeShape {
  /** Shape of the (summed) input, null for Input nodes and nodes fed by nothing. */
  readonly input: readonly number[] | null;
  readonly output: readonly number[];
}

export function shapeSize(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmt(s: readonly number[] | null): string {
  return s === null ? "unknown" : `[${s.join(", ")}]`;
}

/** Weight matrix of Affine/Linear as [out, in]; leading dimensions of size 1 are dropped. */
export function matrixDims(w: NirTensor): [number, number] | null {
  const s = w.shape;
  if (s.length < 2) return null;
  for (let i = 0; i < s.length - 2; i++) if (s[i] !== 1) return null;
  return [s[s.length - 2], s[s.length - 1]];
}

/** Parameter tensors of neuron-like nodes (whose shape is the node's shape). */
export function elementwiseParams(n: NirNode): Array<[string, NirTensor]> {
  switch (n.type) {
    case "Scale": return [["scale", n.scale]];
    case "Delay": return [["delay", n.delay]];
    case "Threshold": return [["threshold", n.threshold]];
    case "I": return [["r", n.r]];
    case "IF": return [["r", n.r], ["v_threshold", n.vThreshold], ["v_reset", n.vReset]];
    case "LI": return [["tau", n.tau], ["r", n.r], ["v_leak", n.vLeak]];
    case "LIF": return [["tau", n.tau], ["r", n.r], ["v_leak", n.vLeak], ["v_threshold", n.vThreshold], ["v_reset", n.vReset]];
    case "CubaLI": return [["tau_syn", n.tauSyn], ["tau_mem", n.tauMem], ["r", n.r], ["v_leak", n.vLeak], ["w_in", n.wIn]];
    case "CubaLIF": return [["tau_syn", n.tauSyn], ["tau_mem", n.tauMem], ["r", n.r], ["v_leak", n.vLeak], ["v_threshold", n.vThreshold], ["v_reset", n.vReset], ["w_in", n.wIn]];
    default: return [];
  }
}

/** Output length of a convolution/pooling along one axis (PyTorch's formula). */
export function convOutLength(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** PyTorch "same" padding: total d·(k−1), the smaller half on the left. */
export function samePadding(k: number, d: number): number {
  return Math.floor((d * (k - 1)) / 2);
}

export function inferShapes(g: FlatGraph, lenient: boolean, warnings: Diagnostic[]): Map<string, NodeShape> {
  const file = g.file;
  const shapes = new Map<string, NodeShape>();
  const mismatch: (what: string, field: string, a: readonly number[] | null, b: readonly number[] | null, hint: string) => void = (what, field, a, b, hint) => {
    if (a !== null && b !== null && shapeSize(a) === shapeSize(b)) {
      if (lenient) {
        warnings.push({ code: "W_NIR_SHAPE", severity: "warning", file, field, message: `${what}: ${fmt(a)} vs ${fmt(b)} (same element count; reshaped in C order because lenient is on)`, hint });
        return;
      }
      throw new AerchipError("E_NIR_SHAPE_MISMATCH", `${what}: ${fmt(a)} vs ${fmt(b)} (same element count, different dimensions)`, { file, field, hint: `${hint}; or load with lenient: true (--lenient) to reshape in C order` });
    }
    throw new AerchipError("E_NIR_SHAPE_MISMATCH", `${what}: ${fmt(a)} vs ${fmt(b)}`, { file, field, hint });
  };
  const fail: (n: NirNode, field: string, msg: string, hint: string) => never = (n, field, msg, hint) => {
    throw new AerchipError("E_NIR_SHAPE_MISMATCH", `node "${n.name}" (${n.type}): ${msg}`, { file, field: `${n.path}/${field}`, hint });
  };

  for (const name of g.order) {
    const n = g.nodes.get(name)!;
    // Input shape from forward edges.
    let input: readonly number[] | null = null;
    for (const ei of g.inEdges.get(name)!) {
      const e = g.edges[ei];
      if (e.back) continue;
      const s = shapes.get(e.src)!.output;
      if (input === null) input = s;
      else if (!sameShape(input, s)) mismatch(`edges into "${name}" carry different shapes`, e.field, input, s, "edges into one node are summed and need equal shapes");
    }
    let output: readonly number[];
    switch (n.type) {
      case "Input":
        output = n.shape;
        break;
      case "Output":
        if (n.shape !== null && input !== null && !sameShape(n.shape, input)) mismatch(`Output "${name}" declares a shape that differs from its input`, `${n.path}/shape`, n.shape, input, "fix the Output node's shape");
        output = input ?? n.shape ?? fail(n, "shape", "has no shape and no input", "connect the Output node");
        break;
      case "Identity":
        output = input ?? fail(n, "", "has no input", "connect the node");
        break;
      case "Affine":
      case "Linear": {
        const dims = matrixDims(n.weight);
        if (dims === null) fail(n, "weight", `weight has shape ${fmt(n.weight.shape)}; expected [out, in]`, "batched weights are not supported");
        const [rows, cols] = dims;
        if (n.type === "Affine" && n.bias.data.length !== rows) fail(n, "bias", `bias has ${n.bias.data.length} elements for ${rows} outputs`, "bias needs one value per output");
        if (input === null) output = [rows];
        else {
          if (input[input.length - 1] !== cols) {
            if (shapeSize(input) === cols) {
              mismatch(`node "${name}" (${n.type}) expects ${cols} inputs over its last axis`, `${n.path}/weight`, [cols], input, "insert a Flatten before the layer");
              input = [cols];
            } else fail(n, "weight", `weight [${rows}, ${cols}] does not fit input ${fmt(input)} (last axis must be ${cols})`, "check the layer sizes");
          }
          output = [...input.slice(0, -1), rows];
        }
        break;
      }
      case "Conv1d":
      case "Conv2d": {
        const nd = n.type === "Conv1d" ? 1 : 2;
        const w = n.weight.shape;
        if (w.length !== nd + 2) fail(n, "weight", `weight has shape ${fmt(w)}; expected ${nd === 1 ? "[Co, Ci/groups, K]" : "[Co, Ci/groups, Kh, Kw]"}`, "check the exporter");
        if (w[0] % n.groups !== 0) fail(n, "groups", `${w[0]} output channels are not divisible by groups = ${n.groups}`, "check groups");
        if (n.bias.data.length !== w[0]) fail(n, "bias", `bias has ${n.bias.data.length} elements for ${w[0]} output channels`, "bias needs one value per output channel");
        const declared: number[] | null = n.type === "Conv1d" ? (n.inputShape === null ? null : [n.inputShape]) : n.inputShape === null ? null : [...n.inputShape];
        let inS = input;
        if (inS === null) {
          if (declared === null) fail(n, "input_shape", "input shape is unknown (no input edge and no input_shape)", "connect the node or store input_shape");
          inS = [w[1] * n.groups, ...declared];
        }
        if (inS.length !== nd + 1) {
          const want = declared === null ? null : [w[1] * n.groups, ...declared];
          if (want !== null && shapeSize(want) === shapeSize(inS)) {
            mismatch(`node "${name}" (${n.type}) input`, `${n.path}/input_shape`, want, inS, "insert the right reshape before the convolution");
            inS = want;
          } else fail(n, "weight", `input ${fmt(inS)} is not ${nd === 1 ? "[C, N]" : "[C, H, W]"}`, "convolutions take channel-first inputs without batch");
        }
        if (inS[0] !== w[1] * n.groups) fail(n, "weight", `input has ${inS[0]} channels, the weight expects ${w[1]} × groups ${n.groups} = ${w[1] * n.groups}`, "check the channel counts");
        if (declared !== null && !sameShape(declared, inS.slice(1))) mismatch(`node "${name}" (${n.type}) input_shape disagrees with its input`, `${n.path}/input_shape`, declared, inS.slice(1), "fix input_shape");
        const stride = n.type === "Conv1d" ? [n.stride] : [...n.stride];
        const dil = n.type === "Conv1d" ? [n.dilation] : [...n.dilation];
        const out: number[] = [w[0]];
        for (let a = 0; a < nd; a++) {
          const k = w[2 + a];
          if (n.padding === "same") {
            if (stride[a] !== 1) fail(n, "padding", `padding "same" with stride ${stride[a]}`, "PyTorch allows \"same\" only with stride 1");
            out.push(inS[1 + a]);
            continue;
          }
          const p = n.padding === "valid" ? 0 : typeof n.padding === "number" ? n.padding : n.padding[a];
          const len = convOutLength(inS[1 + a], k, stride[a], p, dil[a]);
          if (len < 1) fail(n, "weight", `kernel ${k} (dilation ${dil[a]}, padding ${p}) does not fit input length ${inS[1 + a]}`, "check kernel size and padding");
          out.push(len);
        }
        output = out;
        break;
      }
      case "SumPool2d":
      case "AvgPool2d": {
        if (input === null) fail(n, "kernel_size", "has no input", "connect the pooling node");
        if (input.length !== 3) fail(n, "kernel_size", `input ${fmt(input)} is not [C, H, W]`, "pooling takes channel-first inputs without batch");
        const out = [input[0]];
        for (let a = 0; a < 2; a++) {
          const len = convOutLength(input[1 + a], n.kernelSize[a], n.stride[a], n.padding[a], 1);
          if (len < 1) fail(n, "kernel_size", `kernel ${n.kernelSize[a]} does not fit input length ${input[1 + a]}`, "check kernel size and padding");
          out.push(len);
        }
        output = out;
        break;
      }
      case "Flatten": {
        let inS = input ?? n.inputType;
        if (inS === null) fail(n, "input_type", "input shape is unknown", "connect the node or store input_type");
        if (input !== null && n.inputType !== null && !sameShape(n.inputType, input)) {
          mismatch(`node "${name}" (Flatten) input_type disagrees with its input`, `${n.path}/input_type`, n.inputType, input, "fix input_type");
        }
        const nd = inS.length;
        const start = n.startDim < 0 ? n.startDim + nd : n.startDim;
        const end = n.endDim < 0 ? n.endDim + nd : n.endDim;
        if (start < 0 || end >= nd || start > end) fail(n, "start_dim", `start_dim ${n.startDim}, end_dim ${n.endDim} do not fit input ${fmt(inS)}`, "NIR's Flatten dims count the batch-free shape from 0");
        inS = [...inS];
        output = [...inS.slice(0, start), shapeSize(inS.slice(start, end + 1)), ...inS.slice(end + 1)];
        break;
      }
      default: {
        // Elementwise nodes: the parameter shape, broadcast from size 1.
        const params = elementwiseParams(n);
        let pShape: readonly number[] | null = null;
        for (const [field, t] of params) {
          if (t.data.length === 1) continue;
          if (pShape === null) pShape = t.shape;
          else if (!sameShape(pShape, t.shape)) {
            if (shapeSize(pShape) !== t.data.length) fail(n, field, `parameter "${field}" has shape ${fmt(t.shape)}, others ${fmt(pShape)}`, "all parameters of a neuron node share one shape");
          }
        }
        if (pShape === null) output = input ?? (params[0]?.[1].shape.length === 0 ? [1] : params[0][1].shape);
        else {
          if (input !== null && !sameShape(input, pShape)) mismatch(`node "${name}" (${n.type}) parameters and input differ`, `${n.path}/${params[0][0]}`, pShape, input, "the parameters need the shape of the node's input");
          output = pShape;
        }
      }
    }
    shapes.set(name, { input, output });
  }
  // Forward edges were checked above; cycle edges must deliver the destination's input shape too.
  for (const e of g.edges) {
    if (!e.back) continue;
    const s = shapes.get(e.src)!.output;
    const dst = shapes.get(e.dst)!;
    const d = g.nodes.get(e.dst)!;
    const dims = d.type === "Affine" || d.type === "Linear" ? matrixDims(d.weight) : null;
    const want = dst.input ?? (dims !== null ? [dims[1]] : dst.output);
    if (!sameShape(s, want)) mismatch(`edge ${e.src} → ${e.dst}`, e.field, s, want, "the source's output shape must match the destination's input");
  }
  return shapes;
}
