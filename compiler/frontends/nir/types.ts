/**
 * Typed NIR graph (Neuromorphic Intermediate Representation; Pedersen et al., Nat. Commun. 15:8122,
 * 2024), as read from a file by parse.ts. Field names follow NIR's Python dataclasses in camelCase;
 * every parameter array is float64 (the file's float32 values widen exactly) with its NIR shape.
 *
 * Node semantics (continuous time; lower.ts documents the discretisation):
 *   Affine     y = W·x + b  (W: [out, in] over the last axis of x)   Linear  y = W·x
 *   Scale      y = s ⊙ x                                            Delay   y(t) = x(t − τ)
 *   Conv1d/2d  PyTorch cross-correlation, input [C, N] / [C, H, W]  Flatten reshape (C order)
 *   SumPool2d  window sums;  AvgPool2d  window sums / (kh·kw)       Threshold z = H(x − θ) (x > θ)
 *   I          dv/dt = R·I                                          IF  I + threshold, v ← v_reset
 *   LI         τ dv/dt = (v_leak − v) + R·I                         LIF LI + threshold, v ← v_reset
 *   CubaLI     τ_syn dI/dt = −I + w_in·S ;  τ_mem dv/dt = (v_leak − v) + R·I    CubaLIF + threshold
 */

/** A parameter array: float64 values, row-major, with the NIR shape ([] for 0-d). */
export interface NirTensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

interface NodeBase {
  /** Name of the node inside its graph (the HDF5 group name). */
  readonly name: string;
  /** HDF5 path of the node's group, for error messages (`node/nodes/fc1`). */
  readonly path: string;
}

export interface NirInput extends NodeBase { readonly type: "Input"; readonly shape: readonly number[] }
/** `shape` is null for pre-0.1 files, whose Output node stores none. */
export interface NirOutput extends NodeBase { readonly type: "Output"; readonly shape: readonly number[] | null }
export interface NirAffine extends NodeBase { readonly type: "Affine"; readonly weight: NirTensor; readonly bias: NirTensor }
export interface NirLinear extends NodeBase { readonly type: "Linear"; readonly weight: NirTensor }
export interface NirScale extends NodeBase { readonly type: "Scale"; readonly scale: NirTensor }

export type NirPadding1d = number | "same" | "valid";
export type NirPadding2d = readonly [number, number] | "same" | "valid";

export interface NirConv1d extends NodeBase {
  readonly type: "Conv1d";
  readonly weight: NirTensor; // [Co, Ci/groups, K]
  readonly stride: number;
  readonly padding: NirPadding1d;
  readonly dilation: number;
  readonly groups: number;
  readonly bias: NirTensor; // [Co]
  readonly inputShape: number | null;
}

export interface NirConv2d extends NodeBase {
  readonly type: "Conv2d";
  readonly weight: NirTensor; // [Co, Ci/groups, Kh, Kw]
  readonly stride: readonly [number, number];
  readonly padding: NirPadding2d;
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly bias: NirTensor;
  readonly inputShape: readonly [number, number] | null;
}

export interface NirPool2d extends NodeBase {
  readonly type: "SumPool2d" | "AvgPool2d";
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
}

export interface NirFlatten extends NodeBase {
  readonly type: "Flatten";
  readonly startDim: number;
  readonly endDim: number;
  /** Input shape when the file stores it (`input_type`), else null. */
  readonly inputType: readonly number[] | null;
}

export interface NirDelay extends NodeBase { readonly type: "Delay"; readonly delay: NirTensor }
export interface NirThreshold extends NodeBase { readonly type: "Threshold"; readonly threshold: NirTensor }
/** Pass-through (in memory since NIR 1.0.5; also what a flattened subgraph's Input/Output become). */
export interface NirIdentity extends NodeBase { readonly type: "Identity" }

export interface NirI extends NodeBase { readonly type: "I"; readonly r: NirTensor }
export interface NirIF extends NodeBase { readonly type: "IF"; readonly r: NirTensor; readonly vThreshold: NirTensor; readonly vReset: NirTensor }
export interface NirLI extends NodeBase { readonly type: "LI"; readonly tau: NirTensor; readonly r: NirTensor; readonly vLeak: NirTensor }
export interface NirLIF extends NodeBase {
  readonly type: "LIF";
  readonly tau: NirTensor;
  readonly r: NirTensor;
  readonly vLeak: NirTensor;
  readonly vThreshold: NirTensor;
  readonly vReset: NirTensor;
}
export interface NirCubaLI extends NodeBase {
  readonly type: "CubaLI";
  readonly tauSyn: NirTensor;
  readonly tauMem: NirTensor;
  readonly r: NirTensor;
  readonly vLeak: NirTensor;
  readonly wIn: NirTensor;
}
export interface NirCubaLIF extends NodeBase {
  readonly type: "CubaLIF";
  readonly tauSyn: NirTensor;
  readonly tauMem: NirTensor;
  readonly r: NirTensor;
  readonly vLeak: NirTensor;
  readonly vThreshold: NirTensor;
  readonly vReset: NirTensor;
  readonly wIn: NirTensor;
}

export interface NirEdge {
  readonly src: string;
  readonly dst: string;
  /** Where the edge is stored, e.g. `node/edges[3]`. */
  readonly field: string;
}

export interface NirGraph extends NodeBase {
  readonly type: "NIRGraph";
  /** Nodes by name, in file order. */
  readonly nodes: ReadonlyMap<string, NirNode>;
  readonly edges: readonly NirEdge[];
}

export type NirNeuronNode = NirI | NirIF | NirLI | NirLIF | NirCubaLI | NirCubaLIF | NirThreshold;
export type NirLinearNode = NirAffine | NirLinear | NirScale | NirConv1d | NirConv2d | NirPool2d | NirFlatten | NirDelay | NirIdentity;
export type NirNode = NirInput | NirOutput | NirNeuronNode | NirLinearNode | NirGraph;
export type NirNodeType = NirNode["type"];

export const NIR_NEURON_TYPES: ReadonlySet<string> = new Set(["I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "Threshold"]);
/** Neuron types whose output is the membrane value, not a spike. */
export const NIR_NON_SPIKING_TYPES: ReadonlySet<string> = new Set(["I", "LI", "CubaLI"]);

export function isNeuronNode(n: NirNode): n is NirNeuronNode {
  return NIR_NEURON_TYPES.has(n.type);
}

/** A NIR file: its version string and the top-level graph. */
export interface NirDocument {
  readonly file: string;
  /** The file's `version` string ("0.1.1", "1.0.7", …), or "unknown" when absent. */
  readonly version: string;
  readonly graph: NirGraph;
}
