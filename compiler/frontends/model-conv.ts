/**
 * aerchip-model-1's convolution projections, written as a kernel instead of a synapse list and expanded
 * here into one synapse per (input neuron, output neuron) pair the kernel joins (papers.md requirement 6:
 * the spiking auto-encoder's ConvTranspose2d decoder, which NIR has no node for). PyTorch's definitions,
 * with neurons in C order over [C, H, W]:
 *
 *   conv2d           weights [Co, Ci/groups, KH, KW]
 *     y[co, oy, ox] += W[co, ci − g·Ci/groups, ky, kx] · x[ci, oy·sy − py + ky·dy, ox·sx − px + kx·dx]
 *     OH = ⌊(H + 2py − dy·(KH − 1) − 1) / sy⌋ + 1                    (positions outside x: zero padding)
 *   convTranspose2d  weights [Ci, Co/groups, KH, KW]
 *     y[co, iy·sy − py + ky·dy, ix·sx − px + kx·dx] += W[ci, co − g·Co/groups, ky, kx] · x[ci, iy, ix]
 *     OH = (H − 1)·sy − 2py + dy·(KH − 1) + oy_pad + 1                 (outputPadding oy_pad < max(sy, dy))
 *
 * g is the group of ci (conv2d: of co). For fixed positions and channels the kernel tap is unique, so no two
 * synapses join the same pair. Taps of weight 0 are kept (a chip stores the kernel's zeros too). The layer's
 * bias is the post population's `bias`. The input geometry is the pre population's 3-dimensional `shape`,
 * or `inputShape` in the block (a flat Linear output viewed as [C, H, W]); a post population with a
 * 3-dimensional shape must have the output's, a flat one only its size. Delays: one scalar per projection.
 */
import type { KernelIR, PopulationIR } from "../ir/types.ts";
import { FieldReader, MAX_JSON_ELEMENTS, type Json, type JsonObject } from "./json-fields.ts";
import { parseDelays, type BlockSynapses, type SynapseKinds } from "./snnref.ts";
import { convEntries } from "./nir/ops.ts";

const CONV_KEYS = ["weights", "kernelShape", "stride", "padding", "dilation", "groups", "inputShape", "delays"] as const;
const TRANSPOSE_KEYS = [...CONV_KEYS, "outputPadding"] as const;

type Transpose = boolean;

/** An int or a pair [y, x] of ints in [min, max]. */
function pair(r: FieldReader, v: Json | undefined, field: string, min: number, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  if (typeof v === "number") {
    const n = r.int(v, field, min, MAX_JSON_ELEMENTS);
    return [n, n];
  }
  const list = r.intList(v, field, min, MAX_JSON_ELEMENTS);
  if (list.length !== 2) r.fail(field, `${field} has ${list.length} entries; it is one whole number or a pair [y, x]`, "give e.g. 2 or [2, 1]");
  return [list[0], list[1]];
}

/** The kernel as a flat C-order array and its 4 dimensions: nested lists, or a flat list with `kernelShape`. */
export function readKernel(r: FieldReader, b: JsonObject, field: string): { data: Float64Array; dims: [number, number, number, number] } {
  if (b.kernelShape !== undefined) {
    const dims = r.intList(b.kernelShape, `${field}.kernelShape`, 1, MAX_JSON_ELEMENTS);
    if (dims.length !== 4) r.fail(`${field}.kernelShape`, `${field}.kernelShape has ${dims.length} dimensions; a kernel has 4`, "give [out, in/groups, KH, KW] for conv2d or [in, out/groups, KH, KW] for convTranspose2d");
    const n = dims[0] * dims[1] * dims[2] * dims[3];
    if (n > MAX_JSON_ELEMENTS) r.fail(`${field}.kernelShape`, `${field}.kernelShape has ${n} weights, more than ${MAX_JSON_ELEMENTS}`, "split the layer");
    const data = r.numberList(b.weights, `${field}.weights`);
    if (data.length !== n) r.fail(`${field}.weights`, `${field}.weights has ${data.length} values; kernelShape [${Array.from(dims).join(", ")}] holds ${n}`, "give the kernel's values in C order, as many as kernelShape's product");
    return { data, dims: [dims[0], dims[1], dims[2], dims[3]] };
  }
  const a = r.array(b.weights, `${field}.weights`);
  const dims: [number, number, number, number] = [a.length, 0, 0, 0];
  const out: number[] = [];
  const hint = "give the kernel as nested lists [A][B][KH][KW], or a flat list with kernelShape";
  for (let i = 0; i < a.length; i++) {
    const bi = r.array(a[i], `${field}.weights[${i}]`);
    if (i === 0) dims[1] = bi.length;
    else if (bi.length !== dims[1]) r.fail(`${field}.weights[${i}]`, `${field}.weights[${i}] has ${bi.length} entries, weights[0] has ${dims[1]}`, hint);
    for (let j = 0; j < bi.length; j++) {
      const rows = r.array(bi[j], `${field}.weights[${i}][${j}]`);
      if (i === 0 && j === 0) dims[2] = rows.length;
      else if (rows.length !== dims[2]) r.fail(`${field}.weights[${i}][${j}]`, `${field}.weights[${i}][${j}] has ${rows.length} rows, weights[0][0] has ${dims[2]}`, hint);
      for (let y = 0; y < rows.length; y++) {
        const f = `${field}.weights[${i}][${j}][${y}]`;
        const row = r.packed(rows[y]) ?? r.array(rows[y], f);
        if (i === 0 && j === 0 && y === 0) dims[3] = row.length;
        else if (row.length !== dims[3]) r.fail(f, `${f} has ${row.length} entries, weights[0][0][0] has ${dims[3]}`, hint);
        for (let x = 0; x < row.length; x++) out.push(r.number(row[x] as Json, `${f}[${x}]`));
      }
    }
  }
  if (dims.some((d) => d === 0)) r.fail(`${field}.weights`, `${field}.weights is empty (dimensions ${dims.join(" × ")})`, hint);
  return { data: Float64Array.from(out), dims };
}

function expand(r: FieldReader, raw: Json, field: string, pre: PopulationIR, post: PopulationIR, transpose: Transpose): BlockSynapses {
  const b = r.object(raw, field);
  r.knownKeys(b, field, transpose ? TRANSPOSE_KEYS : CONV_KEYS, transpose ? "a convTranspose2d block" : "a conv2d block");
  const shapeField = b.inputShape !== undefined ? `${field}.inputShape` : `population "${pre.name}".shape`;
  const inShape = b.inputShape !== undefined ? Array.from(r.intList(b.inputShape, `${field}.inputShape`, 1, MAX_JSON_ELEMENTS)) : [...pre.shape];
  if (inShape.length !== 3) r.fail(shapeField, `the input of ${field} needs a [C, H, W] shape; pre "${pre.name}" has shape ${JSON.stringify(pre.shape)}`, `give population "${pre.name}" a shape [C, H, W], or the block an inputShape`);
  const [C, H, W] = inShape;
  if (C * H * W !== pre.size) r.fail(shapeField, `${field}.inputShape ${JSON.stringify(inShape)} has ${C * H * W} elements; pre "${pre.name}" has ${pre.size} neurons`, "make the product equal the pre population's size");
  const { data, dims } = readKernel(r, b, field);
  const [SY, SX] = pair(r, b.stride, `${field}.stride`, 1, 1);
  const [PY, PX] = pair(r, b.padding, `${field}.padding`, 0, 0);
  const [DY, DX] = pair(r, b.dilation, `${field}.dilation`, 1, 1);
  const groups = r.int(b.groups, `${field}.groups`, 1, MAX_JSON_ELEMENTS, 1);
  const [, , KH, KW] = dims;
  // conv2d: [Co, Ci/groups, …]; convTranspose2d: [Ci, Co/groups, …].
  const Ci = transpose ? dims[0] : dims[1] * groups;
  const Co = transpose ? dims[1] * groups : dims[0];
  if (Ci !== C) r.fail(`${field}.weights`, `${field}.weights has ${Ci} input channels (${transpose ? "dimension 0" : `dimension 1 × groups ${groups}`}); the input has ${C} ([C, H, W] = ${JSON.stringify(inShape)})`, transpose ? "PyTorch's ConvTranspose2d weight is [in_channels, out_channels/groups, KH, KW]" : "PyTorch's Conv2d weight is [out_channels, in_channels/groups, KH, KW]");
  if (Ci % groups !== 0 || Co % groups !== 0) r.fail(`${field}.groups`, `${field}.groups ${groups} does not divide the ${Ci} input and ${Co} output channels`, "give a groups value dividing both channel counts");
  let OH: number, OW: number;
  if (transpose) {
    const [OPY, OPX] = pair(r, b.outputPadding, `${field}.outputPadding`, 0, 0);
    if (OPY >= Math.max(SY, DY) || OPX >= Math.max(SX, DX)) r.fail(`${field}.outputPadding`, `${field}.outputPadding [${OPY}, ${OPX}] must be smaller than the stride or the dilation (PyTorch's rule)`, "lower outputPadding");
    OH = (H - 1) * SY - 2 * PY + DY * (KH - 1) + OPY + 1;
    OW = (W - 1) * SX - 2 * PX + DX * (KW - 1) + OPX + 1;
  } else {
    OH = Math.floor((H + 2 * PY - DY * (KH - 1) - 1) / SY) + 1;
    OW = Math.floor((W + 2 * PX - DX * (KW - 1) - 1) / SX) + 1;
  }
  if (!(OH >= 1 && OW >= 1)) r.fail(field, `${field} gives an empty output (${OH} × ${OW}) from a ${H} × ${W} input`, "check the kernel size, stride, padding and dilation");
  const outShape = [Co, OH, OW];
  const outSize = Co * OH * OW;
  if (post.shape.length === 3 ? post.shape.some((d, i) => d !== outShape[i]) : post.size !== outSize) {
    r.fail(field, `${field} outputs ${JSON.stringify(outShape)} (${outSize} neurons); post "${post.name}" has shape ${JSON.stringify(post.shape)}`, `give population "${post.name}" the shape ${JSON.stringify(outShape)}`);
  }
  const bound = transpose ? C * H * W * (Co / groups) * KH * KW : outSize * (C / groups) * KH * KW;
  if (bound > MAX_JSON_ELEMENTS) r.fail(field, `${field} expands to up to ${bound} synapses, more than ${MAX_JSON_ELEMENTS}`, "split the layer");
  if (transpose) {
    const preIndex = new Uint32Array(bound);
    const postIndex = new Uint32Array(bound);
    const weight = new Float64Array(bound);
    let m = 0;
    const ciG = C / groups;
    const coG = Co / groups;
    // Input-major: each input neuron scatters its kernel over the output.
    for (let ci = 0; ci < C; ci++) {
      const g = Math.floor(ci / ciG);
      for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
        const i = (ci * H + iy) * W + ix;
        for (let c = 0; c < coG; c++) {
          const co = g * coG + c;
          for (let ky = 0; ky < KH; ky++) {
            const oy = iy * SY - PY + ky * DY;
            if (oy < 0 || oy >= OH) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ox = ix * SX - PX + kx * DX;
              if (ox < 0 || ox >= OW) continue;
              preIndex[m] = i;
              postIndex[m] = (co * OH + oy) * OW + ox;
              weight[m] = data[((ci * coG + c) * KH + ky) * KW + kx];
              m++;
            }
          }
        }
      }
    }
    // Each input neuron uses its (Co/groups)·KH·KW taps, some of which land outside the (cropped) output.
    return withDelays(r, b, field, preIndex.subarray(0, m), postIndex.subarray(0, m), weight.subarray(0, m), { kind: "convTranspose2d", tapsPerNeuron: coG * KH * KW });
  }
  // Output-major: each output neuron gathers its receptive field (the NIR reader's Conv2d expansion).
  const e = convEntries({ cin: C, cout: Co, groups, inSpatial: [H, W], outSpatial: [OH, OW], kernel: [KH, KW], stride: [SY, SX], pad: [PY, PX], dil: [DY, DX] }, { shape: dims, data }, field, r.file);
  // Each output neuron uses its (Ci/groups)·KH·KW taps, some of which fall on the padding.
  return withDelays(r, b, field, e.inIdx, e.outIdx, e.w, { kind: "conv2d", tapsPerNeuron: (C / groups) * KH * KW });
}

/** The block's synapses with its one delay and its kernel geometry. */
function withDelays(r: FieldReader, b: JsonObject, field: string, preIndex: Uint32Array, postIndex: Uint32Array, weight: Float64Array, kernelIR: KernelIR): BlockSynapses {
  if (b.delays !== undefined && typeof b.delays !== "number") r.fail(`${field}.delays`, `${field}.delays must be one whole number of ticks`, "give one delay for the whole kernel");
  return {
    encoding: "conv", preIndex: preIndex.slice(), postIndex: postIndex.slice(), weight: weight.slice(),
    delayTicks: parseDelays(r, b.delays, `${field}.delays`, preIndex.length, () => undefined),
    kernel: kernelIR,
  };
}

/** The projection kinds aerchip-model-1 adds to snnref-1's `dense` and `sparse`. */
export const CONV_KINDS: SynapseKinds = {
  conv2d: (r, block, field, pre, post) => expand(r, block, field, pre, post, false),
  convTranspose2d: (r, block, field, pre, post) => expand(r, block, field, pre, post, true),
};
