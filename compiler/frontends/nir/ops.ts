/**
 * Linear NIR nodes as sparse operators (linear-map.ts), over flat C-order indices of the node's
 * input and output shapes (infer-shapes.ts):
 *   Affine/Linear  y[b, j] = Σ_i W[j, i] · x[b, i] (+ bias[j])          (b: leading axes of x)
 *   Conv2d         y[co, oy, ox] = Σ_{ci ∈ group(co), ky, kx} W[co, ci − g0, ky, kx] · x[ci, oy·s − p + ky·d, ox·s − p + kx·d] (+ bias[co])
 *                  (PyTorch cross-correlation; positions outside the input are the zero padding)
 *   Conv1d         the same over one spatial axis
 *   SumPool2d      y[c, oy, ox] = Σ_{ky, kx} x[c, oy·s − p + ky, ox·s − p + kx];  AvgPool2d: · 1/(kh·kw)
 *                  (PyTorch's count_include_pad default: padding counts in the divisor)
 *   Scale          y = s ⊙ x;   Delay  y_i(t) = x_i(t − round(τ_i/dt))
 * Flatten, Identity and Output do not change flat indices and have no operator.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import { matrixDims, samePadding, shapeSize } from "./infer-shapes.ts";
import { opFromEntries, TERM_CONV, TERM_DENSE, type LinearOp } from "./linear-map.ts";
import type { NirAffine, NirConv1d, NirConv2d, NirDelay, NirLinear, NirPool2d, NirScale, NirTensor } from "./types.ts";

/** Largest number of entries one operator may hold. */
export const MAX_OP_ENTRIES = 2 ** 28;

function checkEntries(n: number, name: string, file: string): void {
  if (n > MAX_OP_ENTRIES) {
    throw new AerchipError("E_NIR_TOO_LARGE", `node "${name}" expands to ${n} synapses; at most ${MAX_OP_ENTRIES} are supported`, { file, hint: "reduce the layer size" });
  }
}

export function denseOp(n: NirAffine | NirLinear, inShape: readonly number[], file: string): LinearOp {
  const [rows, cols] = matrixDims(n.weight)!;
  const batch = shapeSize(inShape) / cols;
  const count = batch * rows * cols;
  checkEntries(count, n.name, file);
  const outIdx = new Uint32Array(count);
  const inIdx = new Uint32Array(count);
  const w = new Float64Array(count);
  let m = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < rows; j++) {
        outIdx[m] = b * rows + j;
        inIdx[m] = b * cols + i;
        w[m] = n.weight.data[j * cols + i];
        m++;
      }
    }
  }
  let bias: Float64Array | null = null;
  if (n.type === "Affine") {
    bias = new Float64Array(batch * rows);
    for (let b = 0; b < batch; b++) bias.set(n.bias.data, b * rows);
  }
  return opFromEntries(batch * cols, batch * rows, outIdx, inIdx, w, null, { bias, flags: TERM_DENSE, modelWeights: n.weight.data.length });
}

export interface ConvGeometry {
  readonly cin: number;
  readonly cout: number;
  readonly groups: number;
  readonly inSpatial: readonly number[];
  readonly outSpatial: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly pad: readonly number[];
  readonly dil: readonly number[];
}

/**
 * Entries of a 1-d or 2-d convolution (1-d is 2-d with a height of 1); aerchip-model-1's `conv2d`
 * (compiler/frontends/model-conv.ts) expands through it too.
 */
export function convEntries(geo: ConvGeometry, weight: NirTensor | null, name: string, file: string): { outIdx: Uint32Array; inIdx: Uint32Array; w: Float64Array } {
  const two = geo.kernel.length === 2;
  const [H, W] = two ? geo.inSpatial : [1, geo.inSpatial[0]];
  const [OH, OW] = two ? geo.outSpatial : [1, geo.outSpatial[0]];
  const [KH, KW] = two ? geo.kernel : [1, geo.kernel[0]];
  const [SH, SW] = two ? geo.stride : [1, geo.stride[0]];
  const [PH, PW] = two ? geo.pad : [0, geo.pad[0]];
  const [DH, DW] = two ? geo.dil : [1, geo.dil[0]];
  const cinG = geo.cin / geo.groups;
  const coutG = geo.cout / geo.groups;
  // weight === null: pooling (one channel maps to itself, weight 1).
  const perOut = weight === null ? KH * KW : cinG * KH * KW;
  const bound = geo.cout * OH * OW * perOut;
  checkEntries(bound, name, file);
  const outIdx = new Uint32Array(bound);
  const inIdx = new Uint32Array(bound);
  const w = new Float64Array(bound);
  let m = 0;
  for (let co = 0; co < geo.cout; co++) {
    const g = Math.floor(co / coutG);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const o = (co * OH + oy) * OW + ox;
        const ciFrom = weight === null ? co : g * cinG;
        const ciTo = weight === null ? co + 1 : ciFrom + cinG;
        for (let ci = ciFrom; ci < ciTo; ci++) {
          for (let ky = 0; ky < KH; ky++) {
            const y = oy * SH - PH + ky * DH;
            if (y < 0 || y >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const x = ox * SW - PW + kx * DW;
              if (x < 0 || x >= W) continue;
              outIdx[m] = o;
              inIdx[m] = (ci * H + y) * W + x;
              w[m] = weight === null ? 1 : weight.data[((co * cinG + (ci - ciFrom)) * KH + ky) * KW + kx];
              m++;
            }
          }
        }
      }
    }
  }
  // Entries that fall in the zero padding were skipped: trim to what was written.
  return { outIdx: outIdx.subarray(0, m), inIdx: inIdx.subarray(0, m), w: w.subarray(0, m) };
}

export function convOp(n: NirConv1d | NirConv2d, inShape: readonly number[], outShape: readonly number[], file: string): LinearOp {
  const two = n.type === "Conv2d";
  const kernel = n.weight.shape.slice(2);
  const stride = two ? [...n.stride] : [n.stride];
  const dil = two ? [...n.dilation] : [n.dilation];
  const pad = kernel.map((k, a) => {
    if (n.padding === "same") return samePadding(k, dil[a]);
    if (n.padding === "valid") return 0;
    return typeof n.padding === "number" ? n.padding : n.padding[a];
  });
  const geo: ConvGeometry = { cin: inShape[0], cout: outShape[0], groups: n.groups, inSpatial: inShape.slice(1), outSpatial: outShape.slice(1), kernel, stride, pad, dil };
  const e = convEntries(geo, n.weight, n.name, file);
  const plane = shapeSize(outShape.slice(1));
  const bias = new Float64Array(shapeSize(outShape));
  for (let co = 0; co < outShape[0]; co++) bias.fill(n.bias.data[co], co * plane, (co + 1) * plane);
  let anyBias = false;
  for (let i = 0; i < n.bias.data.length; i++) if (n.bias.data[i] !== 0) anyBias = true;
  return opFromEntries(shapeSize(inShape), shapeSize(outShape), e.outIdx, e.inIdx, e.w, null, { bias: anyBias ? bias : null, flags: TERM_CONV, modelWeights: n.weight.data.length });
}

export function poolOp(n: NirPool2d, inShape: readonly number[], outShape: readonly number[], file: string): LinearOp {
  const geo: ConvGeometry = {
    cin: inShape[0], cout: outShape[0], groups: inShape[0], inSpatial: inShape.slice(1), outSpatial: outShape.slice(1),
    kernel: [...n.kernelSize], stride: [...n.stride], pad: [...n.padding], dil: [1, 1],
  };
  const e = convEntries(geo, null, n.name, file);
  if (n.type === "AvgPool2d") {
    const scale = 1 / (n.kernelSize[0] * n.kernelSize[1]);
    for (let i = 0; i < e.w.length; i++) e.w[i] = scale;
  }
  return opFromEntries(shapeSize(inShape), shapeSize(outShape), e.outIdx, e.inIdx, e.w, null, { bias: null, flags: 0, modelWeights: 0 });
}

function broadcast(t: NirTensor, size: number): Float64Array {
  if (t.data.length === size) return t.data;
  return new Float64Array(size).fill(t.data[0]);
}

export function scaleOp(n: NirScale, size: number): LinearOp {
  const idx = new Uint32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  return opFromEntries(size, size, idx, idx, broadcast(n.scale, size).slice(), null, { bias: null, flags: 0, modelWeights: 0 });
}

export interface DelayRounding {
  /** Largest |τ/dt − round(τ/dt)| over the node, in steps. */
  readonly maxErrorSteps: number;
}

/** Delay τ (seconds, like every NIR time constant) → whole steps round(τ/dt). */
export function delayOp(n: NirDelay, size: number, dtSeconds: number, file: string): { op: LinearOp; rounding: DelayRounding } {
  const tau = broadcast(n.delay, size);
  const idx = new Uint32Array(size);
  const lag = new Uint32Array(size);
  let maxErr = 0;
  for (let i = 0; i < size; i++) {
    idx[i] = i;
    const steps = tau[i] / dtSeconds;
    if (!(steps >= 0) || steps > 65535) {
      throw new AerchipError("E_NIR_PARAM", `node "${n.name}" (Delay): delay[${i}] = ${tau[i]} s is ${steps} steps at dt = ${dtSeconds} s; it must lie in [0, 65535] steps`, {
        file, field: `${n.path}/delay`, hint: "check the delay's unit (seconds) and the dt option",
      });
    }
    lag[i] = Math.round(steps);
    maxErr = Math.max(maxErr, Math.abs(steps - lag[i]));
  }
  return { op: opFromEntries(size, size, idx, idx, new Float64Array(size).fill(1), lag, { bias: null, flags: 0, modelWeights: 0 }), rounding: { maxErrorSteps: maxErr } };
}
