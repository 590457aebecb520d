/**
 * Test-only NIR-literal simulator: steps a parsed NIR graph node by node, in NIR's own variables,
 * with the discretisation of nir-notes §4 — forward Euler with step dt, spikes as a one-step value,
 * feed-forward edges within the step, cycle edges carrying the previous step's value, several edges
 * summed. It shares only the graph structure (flattening, cycle-edge classification, shapes) with
 * the front end, none of the lowering (operators, composition, gains, latencies, bias sources).
 *
 *   Affine   y[b, j] = Σ_i W[j, i]·x[b, i] + bias[j]      Conv: direct PyTorch cross-correlation loops
 *   LIF      v ← v + dt/τ·(v_leak − v + r·x); z = v > θ; where z: v ← v_reset (or v − θ)
 *   IF / I   v ← v + r·x
 *   CubaLIF  i ← i + dt/τ_syn·(−i + w_in·x);  v ← v + dt/τ_mem·(v_leak − v + r·i); threshold as LIF
 *   Delay    y_i(t) = x_i(t − round(τ_i/dt))
 */
import type { Diagnostic } from "../../../../core/diagnostics.ts";
import { flattenNir } from "../../../../compiler/frontends/nir/graph.ts";
import { inferShapes, matrixDims, samePadding, shapeSize } from "../../../../compiler/frontends/nir/infer-shapes.ts";
import type { NirDocument, NirNode, NirTensor } from "../../../../compiler/frontends/nir/types.ts";

export interface NirReferenceOptions {
  readonly dtSeconds: number;
  /** snntorch-subtract: U[t+1] = βU[t] + I[t+1] − θ·S[t] (no reset at the spike; θ off the next step, undecayed). */
  readonly reset: "to-v-reset" | "subtract" | "snntorch-subtract";
  readonly recurrentBias: "nirtorch" | "snntorch";
  readonly lenient?: boolean;
}

export interface NirReferenceResult {
  /** Per node: output[t · size + i] (spikes for spiking nodes, v for LI/I/CubaLI, values for linear nodes). */
  readonly out: Map<string, Float64Array>;
  readonly size: Map<string, number>;
}

function per(t: NirTensor, n: number): Float64Array {
  return t.data.length === n ? t.data : new Float64Array(n).fill(t.data[0]);
}

/** stimulus: Input node name → x[t · size + i]. */
export function simulateNir(doc: NirDocument, stimulus: ReadonlyMap<string, ArrayLike<number>>, steps: number, o: NirReferenceOptions): NirReferenceResult {
  const warnings: Diagnostic[] = [];
  const g = flattenNir(doc, warnings);
  const shapes = inferShapes(g, o.lenient ?? false, warnings);
  const outSize = new Map<string, number>();
  for (const [name, s] of shapes) outSize.set(name, shapeSize(s.output));
  // z: the previous step's spikes (reset "snntorch-subtract").
  const state = new Map<string, { v: Float64Array; i: Float64Array; z: Float64Array; hist: Float64Array[] }>();
  for (const name of g.order) {
    const n = outSize.get(name)!;
    state.set(name, { v: new Float64Array(n), i: new Float64Array(n), z: new Float64Array(n), hist: [] });
  }
  const rec = new Map<string, Float64Array>();
  for (const name of g.order) rec.set(name, new Float64Array(steps * outSize.get(name)!));

  const evalNode = (name: string, x: Float64Array, t: number, input: Float64Array | null): Float64Array => {
    const n: NirNode = g.nodes.get(name)!;
    const sh = shapes.get(name)!;
    const size = outSize.get(name)!;
    const y = new Float64Array(size);
    const st = state.get(name)!;
    const dt = o.dtSeconds;
    switch (n.type) {
      case "Input":
        if (input !== null) y.set(input);
        return y;
      case "Output":
      case "Identity":
      case "Flatten":
        y.set(x);
        return y;
      case "Affine":
      case "Linear": {
        const [rows, cols] = matrixDims(n.weight)!;
        const batch = x.length / cols;
        for (let b = 0; b < batch; b++) {
          for (let j = 0; j < rows; j++) {
            let s = n.type === "Affine" ? n.bias.data[j] : 0;
            for (let i = 0; i < cols; i++) s += n.weight.data[j * cols + i] * x[b * cols + i];
            y[b * rows + j] = s;
          }
        }
        return y;
      }
      case "Scale": {
        const s = per(n.scale, size);
        for (let i = 0; i < size; i++) y[i] = s[i] * x[i];
        return y;
      }
      case "Conv1d":
      case "Conv2d":
      case "SumPool2d":
      case "AvgPool2d": {
        const inS = sh.input!;
        const outS = sh.output;
        const conv = n.type === "Conv1d" || n.type === "Conv2d";
        const twoD = n.type !== "Conv1d";
        const H = twoD ? inS[1] : 1;
        const W = twoD ? inS[2] : inS[1];
        const OH = twoD ? outS[1] : 1;
        const OW = twoD ? outS[2] : outS[1];
        let KH = 1, KW = 1, SH = 1, SW = 1, PH = 0, PW = 0, DH = 1, DW = 1, groups = 1;
        if (n.type === "Conv2d") {
          [KH, KW] = [n.weight.shape[2], n.weight.shape[3]];
          [SH, SW] = n.stride;
          [DH, DW] = n.dilation;
          [PH, PW] = n.padding === "same" ? [samePadding(KH, DH), samePadding(KW, DW)] : n.padding === "valid" ? [0, 0] : n.padding;
          groups = n.groups;
        } else if (n.type === "Conv1d") {
          KW = n.weight.shape[2];
          SW = n.stride;
          DW = n.dilation;
          PW = n.padding === "same" ? samePadding(KW, DW) : n.padding === "valid" ? 0 : n.padding;
          groups = n.groups;
        } else {
          [KH, KW] = n.kernelSize;
          [SH, SW] = n.stride;
          [PH, PW] = n.padding;
        }
        const C = inS[0];
        const CO = outS[0];
        const cinG = C / groups;
        const coutG = CO / groups;
        for (let co = 0; co < CO; co++) {
          for (let oy = 0; oy < OH; oy++) {
            for (let ox = 0; ox < OW; ox++) {
              let s = conv ? (n as { bias: NirTensor }).bias.data[co] : 0;
              const c0 = conv ? Math.floor(co / coutG) * cinG : co;
              const c1 = conv ? c0 + cinG : co + 1;
              for (let ci = c0; ci < c1; ci++) {
                for (let ky = 0; ky < KH; ky++) {
                  for (let kx = 0; kx < KW; kx++) {
                    const iy = oy * SH - PH + ky * DH;
                    const ix = ox * SW - PW + kx * DW;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    const xv = x[(ci * H + iy) * W + ix];
                    const w = conv ? (n as { weight: NirTensor }).weight.data[((co * cinG + (ci - c0)) * KH + ky) * KW + kx] : 1;
                    s += w * xv;
                  }
                }
              }
              y[(co * OH + oy) * OW + ox] = n.type === "AvgPool2d" ? s / (KH * KW) : s;
            }
          }
        }
        return y;
      }
      case "Delay": {
        const d = per(n.delay, size);
        st.hist.push(Float64Array.from(x));
        for (let i = 0; i < size; i++) {
          const lag = Math.round(d[i] / dt);
          y[i] = t - lag >= 0 ? st.hist[t - lag][i] : 0;
        }
        return y;
      }
      case "Threshold": {
        const th = per(n.threshold, size);
        for (let i = 0; i < size; i++) y[i] = x[i] > th[i] ? 1 : 0;
        return y;
      }
      case "I":
      case "IF": {
        const r = per(n.r, size);
        for (let i = 0; i < size; i++) st.v[i] += r[i] * x[i];
        break;
      }
      case "LI":
      case "LIF": {
        const tau = per(n.tau, size);
        const r = per(n.r, size);
        const vl = per(n.vLeak, size);
        for (let i = 0; i < size; i++) st.v[i] += (dt / tau[i]) * (vl[i] - st.v[i] + r[i] * x[i]);
        break;
      }
      case "CubaLI":
      case "CubaLIF": {
        const ts = per(n.tauSyn, size);
        const tm = per(n.tauMem, size);
        const r = per(n.r, size);
        const vl = per(n.vLeak, size);
        const w = per(n.wIn, size);
        for (let i = 0; i < size; i++) {
          st.i[i] += (dt / ts[i]) * (-st.i[i] + w[i] * x[i]);
          st.v[i] += (dt / tm[i]) * (vl[i] - st.v[i] + r[i] * st.i[i]);
        }
        break;
      }
    }
    if (n.type === "IF" || n.type === "LIF" || n.type === "CubaLIF") {
      const th = per(n.vThreshold, size);
      const vr = per(n.vReset, size);
      for (let i = 0; i < size; i++) {
        if (o.reset === "snntorch-subtract") {
          st.v[i] -= th[i] * st.z[i];
          st.z[i] = st.v[i] > th[i] ? 1 : 0;
          y[i] = st.z[i];
          continue;
        }
        if (st.v[i] > th[i]) {
          y[i] = 1;
          st.v[i] = o.reset === "subtract" ? st.v[i] - th[i] : vr[i];
        }
      }
      return y;
    }
    // LI, I, CubaLI: the output is v.
    y.set(st.v);
    return y;
  };

  // Values on cycle edges before step 0: zero (nirtorch), or the linear nodes applied to zero
  // spikes (snnTorch: a recurrent Affine's bias acts at step 0).
  let prev = new Map<string, Float64Array>();
  for (const name of g.order) prev.set(name, new Float64Array(outSize.get(name)!));
  if (o.recurrentBias === "snntorch") {
    const zero = new Map<string, Float64Array>();
    for (const name of g.order) {
      const n = g.nodes.get(name)!;
      const size = outSize.get(name)!;
      if (n.type === "Input" || ["I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "Threshold", "Delay"].includes(n.type)) {
        zero.set(name, new Float64Array(size));
        continue;
      }
      const sh = shapes.get(name)!;
      const x = new Float64Array(shapeSize(sh.input ?? sh.output));
      for (const ei of g.inEdges.get(name)!) {
        const e = g.edges[ei];
        const src = zero.get(e.src) ?? new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) x[i] += src[i];
      }
      zero.set(name, evalNode(name, x, 0, null));
    }
    prev = zero;
  }
  for (let t = 0; t < steps; t++) {
    const cur = new Map<string, Float64Array>();
    for (const name of g.order) {
      const sh = shapes.get(name)!;
      const x = new Float64Array(shapeSize(sh.input ?? sh.output));
      for (const ei of g.inEdges.get(name)!) {
        const e = g.edges[ei];
        const src = e.back ? prev.get(e.src)! : cur.get(e.src)!;
        for (let i = 0; i < x.length; i++) x[i] += src[i];
      }
      const n = outSize.get(name)!;
      const st = stimulus.get(name);
      const input = st === undefined ? null : Float64Array.from({ length: n }, (_, i) => st[t * n + i]);
      const y = evalNode(name, x, t, input);
      cur.set(name, y);
      rec.get(name)!.set(y, t * n);
    }
    prev = cur;
  }
  return { out: rec, size: outSize };
}
